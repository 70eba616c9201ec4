import type { Rng } from '../rng/rng.js';
import { defineTaskDistribution, type TaskFamilyDefinition } from '../tasks/distribution.js';
import type { Task, TaskDistribution } from '../tasks/task.js';
import { readArray, readNumber, readObject, taskFieldError } from '../tasks/validate.js';
import type { LinkTrace } from './trace.js';

/**
 * A congestion-control task: the bottleneck link and the sender's starting point. Bandwidth in packets/s,
 * one-way latency in s, queue in packets, loss as a probability per packet, initial rate in packets/s; an
 * optional Genet-style {@link LinkTrace} makes the bandwidth change over time.
 */
export interface CongestionTask extends Task {
  readonly bandwidth: number;
  readonly latency: number;
  readonly queue: number;
  readonly loss: number;
  readonly initialRate: number;
  readonly trace?: LinkTrace;
}

const FAMILY = 'congestion';
const TASK_KEYS = ['id', 'drift', 'bandwidth', 'latency', 'queue', 'loss', 'initialRate', 'trace'];

/** Accepted ranges of the task fields (wider than the sampling ranges, narrow enough to simulate sanely). */
export const TASK_FIELD_RANGES = {
  bandwidth: { min: 1, max: 1e6 },
  latency: { min: 0.001, max: 10 },
  queue: { min: 1, max: 1e7, integer: true },
  loss: { min: 0, max: 0.99 },
  initialRate: { min: 1, max: 1e6 },
  traceInterval: { min: 0.01, max: 1e4 },
  delayNoise: { min: 0, max: 10 },
} as const;

/**
 * Validates a plain object as a {@link CongestionTask}; throws an error naming the field and what is
 * allowed. Unknown fields are errors too (a misspelt `bandwith` must not silently fall back to a default).
 */
export function validateCongestionTask(obj: Record<string, unknown>, family = FAMILY): CongestionTask {
  for (const key of Object.keys(obj)) {
    if (!TASK_KEYS.includes(key)) throw taskFieldError(family, key, obj[key], `no such field (allowed: ${TASK_KEYS.join(', ')})`);
  }
  const bandwidth = readNumber(family, obj, 'bandwidth', TASK_FIELD_RANGES.bandwidth);
  const task: CongestionTask = {
    ...(obj as unknown as Task),
    bandwidth,
    latency: readNumber(family, obj, 'latency', TASK_FIELD_RANGES.latency),
    queue: readNumber(family, obj, 'queue', TASK_FIELD_RANGES.queue),
    loss: readNumber(family, obj, 'loss', TASK_FIELD_RANGES.loss),
    initialRate: readNumber(family, obj, 'initialRate', TASK_FIELD_RANGES.initialRate),
  };
  if (obj.trace !== undefined) return { ...task, trace: validateTrace(family, obj.trace, bandwidth) };
  return task;
}

function validateTrace(family: string, value: unknown, bandwidth: number): LinkTrace {
  const trace = readObject(family, value, 'trace');
  for (const key of Object.keys(trace)) {
    if (!['interval', 'bandwidths', 'delayNoise'].includes(key)) {
      throw taskFieldError(family, `trace.${key}`, trace[key], 'no such field (allowed: interval, bandwidths, delayNoise)');
    }
  }
  const interval = readNumber(family, trace, 'interval', { ...TASK_FIELD_RANGES.traceInterval, path: 'trace' });
  const delayNoise = readNumber(family, trace, 'delayNoise', { ...TASK_FIELD_RANGES.delayNoise, path: 'trace' });
  const list = readArray(family, trace, 'bandwidths', { min: 1, max: 100_000 }, 'trace');
  const bandwidths = list.map((_, i) => readNumber(family, list as unknown as Record<string, unknown>, String(i), { ...TASK_FIELD_RANGES.bandwidth, path: 'trace.bandwidths' }));
  if (bandwidths[0] !== bandwidth) {
    throw taskFieldError(family, 'trace.bandwidths.0', bandwidths[0], `the task's bandwidth (${bandwidth}): the trace starts at it`);
  }
  return { interval, bandwidths, delayNoise };
}

/**
 * Draws a link as PCC-RL's `create_new_links_and_senders` does — bandwidth U(100, 500) packets/s, latency
 * U(0.05, 0.5) s, queue 1 + ⌊exp(U(0, 8))⌋ packets, loss U(0, 0.05), initial rate U(0.3, 1.5) × bandwidth —
 * in that order, but from the given seeded RNG.
 */
export function sampleAuroraTask(rng: Rng, id: string): CongestionTask {
  const bandwidth = rng.uniform(100, 500);
  const latency = rng.uniform(0.05, 0.5);
  const queue = 1 + Math.floor(Math.exp(rng.uniform(0, 8)));
  const loss = rng.uniform(0, 0.05);
  const initialRate = rng.uniform(0.3, 1.5) * bandwidth;
  return { id, bandwidth, latency, queue, loss, initialRate };
}

/** Simulated seconds a sampled trace covers before holding its last bandwidth. */
export const TRACE_SPAN_SECONDS = 120;

/**
 * Draws a Genet-style trace task: a PCC-RL link whose bandwidth is redrawn from U(100, 500) packets/s every
 * T ~ U(0.5, 5) s (Genet's `T_s`), with forward delay noise up to U(0, 0.02) s (Genet's `delay_noise`).
 */
export function sampleTraceTask(rng: Rng, id: string): CongestionTask {
  const base = sampleAuroraTask(rng, id);
  const interval = rng.uniform(0.5, 5);
  const delayNoise = rng.uniform(0, 0.02);
  const segments = Math.ceil(TRACE_SPAN_SECONDS / interval);
  const bandwidths = [base.bandwidth];
  for (let i = 1; i < segments; i++) bandwidths.push(rng.uniform(100, 500));
  return { ...base, trace: { interval, bandwidths, delayNoise } };
}

/** Mean of the bandwidths a task's link goes through (its bandwidth without a trace). */
export function meanBandwidth(task: CongestionTask): number {
  if (task.trace === undefined) return task.bandwidth;
  return task.trace.bandwidths.reduce((a, b) => a + b, 0) / task.trace.bandwidths.length;
}

/**
 * The hand-crafted description of a link a network engineer would write: mean bandwidth, latency, queue,
 * loss, the bandwidth-delay product (packets in flight at capacity, mean bandwidth × 2 × latency), and how
 * much the bandwidth varies (coefficient of variation across the trace; 0 without one).
 */
function fingerprint(task: CongestionTask): Float64Array {
  const mean = meanBandwidth(task);
  let variation = 0;
  if (task.trace !== undefined) {
    const bws = task.trace.bandwidths;
    const variance = bws.reduce((acc, b) => acc + (b - mean) ** 2, 0) / bws.length;
    variation = Math.sqrt(variance) / mean;
  }
  return Float64Array.from([mean, task.latency, task.queue, task.loss, mean * 2 * task.latency, variation]);
}

const FINGERPRINT_NAMES = ['bandwidth', 'latency', 'queue', 'loss', 'bdp', 'bandwidthVariation'] as const;

function family(name: string, sample: (rng: Rng, id: string) => CongestionTask): TaskFamilyDefinition<CongestionTask> {
  return {
    family: name,
    fingerprintNames: FINGERPRINT_NAMES,
    sample,
    fingerprint,
    validateFields: (obj) => validateCongestionTask(obj, name),
    driftableKeys: ['bandwidth', 'latency', 'queue', 'loss'],
  };
}

/** PCC-RL's link distribution (Aurora's training range), as a task distribution with catalogs and splits. */
export const congestionTasks: TaskDistribution<CongestionTask> = defineTaskDistribution(family('congestion', sampleAuroraTask));

/** Genet-style trace tasks: PCC-RL links whose bandwidth changes along a trace, with delay noise. */
export const congestionTraceTasks: TaskDistribution<CongestionTask> = defineTaskDistribution(family('congestion-trace', sampleTraceTask));
