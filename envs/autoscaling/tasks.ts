import type { Rng } from '../rng/rng.js';
import { defineTaskDistribution } from '../tasks/distribution.js';
import type { DriftEvent, Task, TaskDistribution } from '../tasks/task.js';
import { readArray, readNumber, readObject, readString, taskFieldError } from '../tasks/validate.js';
import { CONFIG_LIMITS, serviceModel, type ApplicationSegment } from './application.js';
import { SEGMENT_NAMES, SEGMENT_PROFILES, type SegmentName } from './segments.js';
import { steadyState } from './simulator.js';
import { PATTERN_KINDS, patternPeak, syntheticTrace, type PatternKind, type WorkloadPattern } from './workload.js';

/**
 * An autoscaling task: a serverless application (1–3 Sizeless segments with input scales), its workload
 * (base rate, pattern, noise), its latency SLO and its replicas' cold start. Plain JSON.
 */
export interface AutoscalingTask extends Task {
  /** The application's segments, run one after another by each request. */
  readonly segments: readonly ApplicationSegment[];
  /** Base arrival rate (requests/s); the pattern multiplies it. */
  readonly rate: number;
  readonly pattern: WorkloadPattern;
  /** Coefficient of variation of the per-interval multiplicative noise on the rate (mean-one lognormal). */
  readonly noise: number;
  /** The SLO: a bound on the 95th-percentile response time (ms). */
  readonly sloMs: number;
  /** Seconds for a new or restarted replica to become ready. */
  readonly coldStartS: number;
}

const FAMILY = 'autoscaling';
const FIELDS = ['id', 'drift', 'segments', 'rate', 'pattern', 'noise', 'sloMs', 'coldStartS'];
/** Fields a drift event may change: the workload. */
export const AUTOSCALING_DRIFTABLE_KEYS = ['rate', 'pattern', 'noise'] as const;

/** Names of the fingerprint's components, in order. */
export const AUTOSCALING_FINGERPRINT_NAMES = [
  'segmentCount',
  'log10CpuMsPerRequest',
  'log10WaitMsPerRequest',
  'log10FootprintMiB',
  'parallelCpuFraction',
  'serviceScv',
  'log10Rate',
  'patternPeak',
  'noise',
  'log10SloMs',
  'coldStartS',
] as const;

/** Options of {@link createAutoscalingTaskDistribution}. */
export interface AutoscalingTaskOptions {
  /** Probability that a sampled task carries a workload drift event (default 0.25). */
  readonly driftProbability?: number;
}

const round = (x: number, digits: number): number => Number(x.toFixed(digits));
const significant = (x: number, digits: number): number => Number(x.toPrecision(digits));
const logUniform = (rng: Rng, lo: number, hi: number): number => Math.exp(rng.uniform(Math.log(lo), Math.log(hi)));

/** Capacity (requests/s) of the largest configuration: the rate a task's peak must stay well below. */
function maxCapacity(segments: readonly ApplicationSegment[]): number {
  const best = serviceModel(segments, CONFIG_LIMITS.maxCpuMillicores, CONFIG_LIMITS.maxMemoryMiB);
  return CONFIG_LIMITS.maxReplicas / best.meanS;
}

function samplePattern(rng: Rng, kind: PatternKind): WorkloadPattern {
  switch (kind) {
    case 'constant':
      return { kind };
    case 'diurnal':
      // A "day" compressed to 10–30 min, so that a 25-min episode (50 × 30 s) sees most of a cycle.
      return { kind, amplitude: round(rng.uniform(0.2, 0.8), 2), periodS: rng.choice([600, 900, 1200, 1800]), phase: round(rng.uniform(0, 2 * Math.PI), 3) };
    case 'bursty':
      return { kind, amplitude: round(rng.uniform(0.3, 0.9), 2), periodS: rng.choice([120, 240, 360, 600]) };
    case 'spikes':
      return { kind, height: round(rng.uniform(2, 6), 2), periodS: rng.choice([300, 450, 600]), durationS: rng.choice([30, 60]) };
    case 'trace':
      // Shape only; counts are rescaled to the task's rate once it is drawn.
      return { kind, perMinute: syntheticTrace(rng, 30, 1000) };
  }
}

/** Rescales a trace's counts to a mean of `rate` × 60 per minute (real invocation counts for that rate). */
function scaleTrace(pattern: WorkloadPattern, rate: number): WorkloadPattern {
  if (pattern.kind !== 'trace') return pattern;
  const mean = pattern.perMinute.reduce((a, b) => a + b, 0) / pattern.perMinute.length;
  const perMinute = pattern.perMinute.map((c) => Math.round((c / mean) * rate * 60 * 100) / 100);
  return { kind: 'trace', perMinute: perMinute.some((c) => c > 0) ? perMinute : [1, ...perMinute.slice(1)] };
}

/**
 * Draws a base rate so that the pattern's peak uses 2%–60% (log-uniform) of the application's largest
 * configuration. Capacities span two orders of magnitude across applications (10 ms to 2 s requests), so
 * rates span more than three, as the per-minute invocation counts of the Azure Functions 2019 trace do.
 */
function sampleRate(rng: Rng, capacity: number, peak: number): number {
  return significant((logUniform(rng, 0.02, 0.6) * capacity) / peak, 3);
}

function sampleSegments(rng: Rng): ApplicationSegment[] {
  const count = rng.choice([1, 2, 3], [0.35, 0.4, 0.25]);
  const segments: ApplicationSegment[] = [];
  for (let i = 0; i < count; i++) segments.push({ name: rng.choice(SEGMENT_NAMES), scale: round(logUniform(rng, 0.5, 2), 2) });
  // A multiset: order does not change the service time, so keep one canonical order.
  return segments.sort((a, b) => a.name.localeCompare(b.name) || a.scale - b.scale);
}

/**
 * The SLO: 1.5–4 × the unloaded p95 service time at one core with ample memory, rounded to ms. It is
 * always achievable: more replicas drive the waiting to zero at any rate the sampler draws.
 */
function sampleSlo(rng: Rng, segments: readonly ApplicationSegment[]): number {
  const model = serviceModel(segments, 1000, CONFIG_LIMITS.maxMemoryMiB);
  const unloadedP95 = steadyState(0, model, 1, 30).p95LatencyS * 1000;
  return Math.max(1, Math.round(unloadedP95 * rng.uniform(1.5, 4)));
}

function sampleDrift(rng: Rng, segments: readonly ApplicationSegment[], rate: number, pattern: WorkloadPattern): DriftEvent[] {
  const atStep = rng.integers(10, 41);
  const capacity = maxCapacity(segments);
  if (rng.random() < 0.6) {
    // The rate jumps by a factor of 1/3 … 3, keeping the peak within 80% of the largest configuration.
    const newRate = significant(Math.min(rate * logUniform(rng, 1 / 3, 3), (0.8 * capacity) / patternPeak(pattern)), 3);
    return [{ atStep, set: { rate: newRate } }];
  }
  const others = PATTERN_KINDS.filter((k) => k !== pattern.kind);
  const next = scaleTrace(samplePattern(rng, rng.choice(others)), rate);
  const newRate = significant(Math.min(rate, (0.8 * capacity) / patternPeak(next)), 3);
  return [{ atStep, set: newRate === rate ? { pattern: next } : { pattern: next, rate: newRate } }];
}

/** Draws one task (see the helpers above for each field's distribution). */
function sampleTask(rng: Rng, id: string, driftProbability: number): AutoscalingTask {
  const segments = sampleSegments(rng);
  const kind = rng.choice(PATTERN_KINDS, [0.3, 0.25, 0.15, 0.15, 0.15]);
  const shape = samplePattern(rng, kind);
  const rate = sampleRate(rng, maxCapacity(segments), patternPeak(shape));
  const pattern = scaleTrace(shape, rate);
  const noise = round(rng.uniform(0, 0.3), 2);
  const sloMs = sampleSlo(rng, segments);
  const footprint = serviceModel(segments, 1000, CONFIG_LIMITS.maxMemoryMiB).footprintMiB;
  // Pulling and starting a container takes ~1 s plus time that grows with the image and heap it loads.
  const coldStartS = round(1 + (footprint / 256) * rng.uniform(0.5, 1.5), 1);
  const task: AutoscalingTask = { id, segments, rate, pattern, noise, sloMs, coldStartS };
  if (rng.random() < driftProbability) return { ...task, drift: sampleDrift(rng, segments, rate, pattern) };
  return task;
}

function validatePattern(value: unknown): WorkloadPattern {
  const obj = readObject(FAMILY, value, 'pattern');
  const kind = readString(FAMILY, obj, 'kind', PATTERN_KINDS, 'pattern');
  const num = (key: string, min: number, max: number): number => readNumber(FAMILY, obj, key, { min, max, path: 'pattern' });
  const allowedKeys: Record<PatternKind, string[]> = {
    constant: ['kind'],
    diurnal: ['kind', 'amplitude', 'periodS', 'phase'],
    bursty: ['kind', 'amplitude', 'periodS'],
    spikes: ['kind', 'height', 'periodS', 'durationS'],
    trace: ['kind', 'perMinute'],
  };
  for (const key of Object.keys(obj)) {
    if (!allowedKeys[kind].includes(key)) throw taskFieldError(FAMILY, `pattern.${key}`, obj[key], `no such field for a ${kind} pattern (fields: ${allowedKeys[kind].join(', ')})`);
  }
  switch (kind) {
    case 'constant':
      return { kind };
    case 'diurnal':
      return { kind, amplitude: num('amplitude', 0, 1), periodS: num('periodS', 1, 1e7), phase: num('phase', -1e3, 1e3) };
    case 'bursty':
      return { kind, amplitude: num('amplitude', 0, 1), periodS: num('periodS', 1, 1e7) };
    case 'spikes': {
      const periodS = num('periodS', 1, 1e7);
      return { kind, height: num('height', 0, 1e3), periodS, durationS: num('durationS', 0, periodS) };
    }
    case 'trace': {
      const counts = readArray(FAMILY, obj, 'perMinute', { min: 1, max: 100_000 }, 'pattern');
      const perMinute = counts.map((c, i) => readNumber(FAMILY, { [i]: c }, String(i), { min: 0, path: 'pattern.perMinute' }));
      if (!perMinute.some((c) => c > 0)) throw taskFieldError(FAMILY, 'pattern.perMinute', counts, 'counts with at least one above 0');
      return { kind, perMinute };
    }
  }
}

function validateSegments(obj: Record<string, unknown>): ApplicationSegment[] {
  const items = readArray(FAMILY, obj, 'segments', { min: 1, max: 3 });
  return items.map((item, i) => {
    const path = `segments[${i}]`;
    const s = readObject(FAMILY, item, path);
    for (const key of Object.keys(s)) {
      if (key !== 'name' && key !== 'scale') throw taskFieldError(FAMILY, `${path}.${key}`, s[key], 'no such field (fields: name, scale)');
    }
    const name = readString<SegmentName>(FAMILY, s, 'name', SEGMENT_NAMES, path);
    return { name, scale: readNumber(FAMILY, s, 'scale', { min: 0.05, max: 20, path }) };
  });
}

function validateFields(obj: Record<string, unknown>): AutoscalingTask {
  for (const key of Object.keys(obj)) {
    if (!FIELDS.includes(key)) throw taskFieldError(FAMILY, key, obj[key], `no such field (fields: ${FIELDS.join(', ')})`);
  }
  const task: AutoscalingTask = {
    id: obj.id as string,
    segments: validateSegments(obj),
    rate: readNumber(FAMILY, obj, 'rate', { min: 0, max: 1e6 }),
    pattern: validatePattern(obj.pattern),
    noise: readNumber(FAMILY, obj, 'noise', { min: 0, max: 3 }),
    sloMs: readNumber(FAMILY, obj, 'sloMs', { min: 0.01, max: 3_600_000 }),
    coldStartS: readNumber(FAMILY, obj, 'coldStartS', { min: 0, max: 3600 }),
  };
  return obj.drift === undefined ? task : { ...task, drift: obj.drift as DriftEvent[] };
}

/** The hand-crafted description of a task (what the TL+ baseline conditions on); see the names above. */
export function autoscalingFingerprint(task: AutoscalingTask): Float64Array {
  let cpuMs = 0;
  let parallelCpuMs = 0;
  let waitMs = 0;
  for (const s of task.segments) {
    const p = SEGMENT_PROFILES[s.name];
    cpuMs += p.cpuMs * s.scale;
    waitMs += p.waitMs * s.scale;
    if (p.parallelism > 1) parallelCpuMs += p.cpuMs * s.scale;
  }
  const model = serviceModel(task.segments, 1000, CONFIG_LIMITS.maxMemoryMiB);
  return Float64Array.from([
    task.segments.length,
    Math.log10(1 + cpuMs),
    Math.log10(1 + waitMs),
    Math.log10(model.footprintMiB),
    cpuMs > 0 ? parallelCpuMs / cpuMs : 0,
    model.scv,
    Math.log10(Math.max(task.rate, 1e-3)),
    patternPeak(task.pattern),
    task.noise,
    Math.log10(task.sloMs),
    task.coldStartS,
  ]);
}

/** Builds the autoscaling task distribution (see {@link AutoscalingTask}); `autoscalingTasks` is the default one. */
export function createAutoscalingTaskDistribution(options: AutoscalingTaskOptions = {}): TaskDistribution<AutoscalingTask> {
  const driftProbability = options.driftProbability ?? 0.25;
  if (!(driftProbability >= 0 && driftProbability <= 1)) {
    throw new RangeError(`autoscaling tasks: driftProbability must be in [0, 1], got ${driftProbability}`);
  }
  return defineTaskDistribution<AutoscalingTask>({
    family: FAMILY,
    fingerprintNames: AUTOSCALING_FINGERPRINT_NAMES,
    sample: (rng, id) => sampleTask(rng, id, driftProbability),
    fingerprint: autoscalingFingerprint,
    validateFields,
    driftableKeys: AUTOSCALING_DRIFTABLE_KEYS,
  });
}

/** The default autoscaling task distribution: a quarter of its tasks drift once, between steps 10 and 40. */
export const autoscalingTasks: TaskDistribution<AutoscalingTask> = createAutoscalingTaskDistribution();
