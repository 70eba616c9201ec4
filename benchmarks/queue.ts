/**
 * Queue benchmark (issue 9): what BullMQ on Redis costs a suite, on a private loopback redis-server.
 *
 * 1. Overhead per job: trivial runs (no work) through one `flash-gym worker` process — enqueue → result
 *    latency one job at a time, and throughput with all jobs enqueued at once. Redis's commands and CPU time
 *    per job are read from INFO around the batch.
 * 2. Scaling: a suite of CPU-bound runs of about 1 s (a fixed amount of work, calibrated here, so that runs
 *    sharing a core take longer) with 1, 2 and 4 worker processes, side by side in one run; after each, the
 *    same work in as many bare node processes, as a control of what the machine itself gave at that time.
 * 3. On paper: Redis runs BullMQ's scripts on one core, so it saturates at 1 / (Redis CPU seconds per job)
 *    jobs/s; with jobs of S seconds on machines running k at once, that is reached at S / (k × CPU per job)
 *    machines. Shown for the adaptation suite's job sizes (a job is one pretrained model's runs);
 *    `redis-benchmark` (SET and GET, pipelined) for scale.
 *
 * Usage: node dist/benchmarks/queue.js [--jobs N] [--runs N] [--run-seconds S]
 *   --jobs         trivial jobs for the overhead figures (default 300)
 *   --runs         CPU-bound runs of the scaling suite (default 8)
 *   --run-seconds  length of one CPU-bound run (default 1)
 *
 * This module is also the run unit of those suites (`trivialRun`, `busyRun`): the workers allow it with
 * --allow-module.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Redis } from 'ioredis';
import { machineLine } from './lib/machine-info.js';
import { makeRun } from './runner/run-key.js';
import type { RunOutput, RunSpec, SuiteDefinition } from './runner/types.js';
import { intParam } from './suites/params.js';
import { connectQueue, type QueueConnection } from '../queue/connection.js';
import { QueueExecutor } from '../queue/queue-executor.js';
import { runSuiteOnQueue } from '../queue/run-suite-on-queue.js';
import { startTestRedis } from '../test/helpers/redis-server.js';

/** A run that does nothing: what is left is the queue's own cost. */
export function trivialRun(run: RunSpec): RunOutput {
  return { metrics: { seed: run.seed } };
}

/** `params.iterations` steps of xorshift32 from the seed: fixed CPU work, returning the final state. */
export function busyRun(run: RunSpec): RunOutput {
  return { metrics: { checksum: xorshift(run.seed + 1, intParam(run.params, 'iterations')) } };
}

function xorshift(seed: number, iterations: number): number {
  let x = seed | 0 || 1;
  for (let i = 0; i < iterations; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
  }
  return x >>> 0;
}

const SELF = fileURLToPath(import.meta.url);
const CLI = fileURLToPath(new URL('../bin/flash-gym.js', import.meta.url));

function suiteOf(name: string, exportName: string, count: number, params: RunSpec['params']): SuiteDefinition {
  const runs = Array.from({ length: count }, (_, seed) => makeRun({ env: 'Bench-v0', method: exportName, task: 'default', seed, params }));
  return { name, config: { count, params }, runs, unit: { module: import.meta.url, exportName }, backend: 'none' };
}

/** Starts `n` worker processes (concurrency 1 each) on the queue prefix and waits until they serve. */
async function startWorkers(url: string, prefix: string, n: number): Promise<ChildProcess[]> {
  return Promise.all(
    Array.from({ length: n }, async () => {
      const child = spawn(process.execPath, [CLI, 'worker', '--queue', url, '--prefix', prefix, '--concurrency', '1', '--allow-module', SELF], { stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      await new Promise<void>((resolve, reject) => {
        child.stderr?.on('data', (d: Buffer) => {
          err += d.toString();
          if (err.includes('serving')) resolve();
        });
        child.once('exit', (code) => reject(new Error(`worker exited (${String(code)}): ${err}`)));
      });
      return child;
    }),
  );
}

async function stopWorkers(children: readonly ChildProcess[]): Promise<void> {
  await Promise.all(children.map((c) => new Promise<void>((resolve) => (c.exitCode !== null || c.signalCode !== null ? resolve() : (c.once('exit', () => resolve()), c.kill('SIGTERM'))))));
}

interface RedisCounters {
  commands: number;
  cpuSeconds: number;
}

async function redisCounters(client: Redis): Promise<RedisCounters> {
  const info = await client.info();
  const field = (name: string): number => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? NaN);
  return { commands: field('total_commands_processed'), cpuSeconds: field('used_cpu_user') + field('used_cpu_sys') };
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

/** Enqueue → result latency one job at a time, then all at once; Redis's cost per job from INFO. */
async function overhead(connection: QueueConnection, url: string, client: Redis, jobs: number) {
  const workers = await startWorkers(url, 'bench-trivial', 1);
  try {
    const suite = suiteOf('trivial', 'trivialRun', jobs * 2 + 20, {});
    const executor = await QueueExecutor.open(suite, { connection, prefix: 'bench-trivial' });
    try {
      const runs = suite.runs;
      for (const run of runs.slice(0, 20)) await executor.run({ unit: suite.unit, run }); // warm-up
      const latencies: number[] = [];
      for (const run of runs.slice(20, 20 + jobs)) {
        const t0 = performance.now();
        await executor.run({ unit: suite.unit, run });
        latencies.push(performance.now() - t0);
      }
      latencies.sort((a, b) => a - b);
      const before = await redisCounters(client);
      const t0 = performance.now();
      await Promise.all(runs.slice(20 + jobs).map((run) => executor.run({ unit: suite.unit, run })));
      const batchSeconds = (performance.now() - t0) / 1000;
      const after = await redisCounters(client);
      return {
        meanMs: latencies.reduce((a, b) => a + b, 0) / latencies.length,
        p50Ms: percentile(latencies, 0.5),
        p95Ms: percentile(latencies, 0.95),
        jobsPerSecond: jobs / batchSeconds,
        commandsPerJob: (after.commands - before.commands) / jobs,
        redisCpuMsPerJob: ((after.cpuSeconds - before.cpuSeconds) * 1000) / jobs,
      };
    } finally {
      await executor.close();
    }
  } finally {
    await stopWorkers(workers);
  }
}

/** Iterations of xorshift that take about `seconds` here (measured on this thread, now). */
function calibrate(seconds: number): number {
  let iterations = 1e6;
  for (;;) {
    const t0 = performance.now();
    xorshift(1, iterations);
    const took = (performance.now() - t0) / 1000;
    if (took > 0.2) return Math.round((iterations * seconds) / took);
    iterations *= 4;
  }
}

/**
 * The control: the same runs split over `n` bare node processes (no queue, no pool), so that the queue's
 * speed-up can be read against what the machine itself gave at that moment (others' load included).
 */
async function bareProcesses(n: number, runs: number, iterations: number): Promise<number> {
  const code = `let x=1;for(let r=0;r<${Math.ceil(runs / n)};r++)for(let i=0;i<${iterations};i++){x^=x<<13;x^=x>>>17;x^=x<<5;}`;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: n }, () => new Promise<void>((resolve, reject) => spawn(process.execPath, ['-e', code], { stdio: 'ignore' }).once('exit', (c) => (c === 0 ? resolve() : reject(new Error(`control process exited ${String(c)}`)))))));
  return (performance.now() - t0) / 1000;
}

/** The CPU-bound suite with each worker count, fresh queue prefix and output folder each. */
async function scaling(connection: QueueConnection, url: string, runs: number, runSeconds: number, dir: string) {
  const iterations = calibrate(runSeconds);
  const rows: Array<{ workers: number; seconds: number; meanRunSeconds: number; bareSeconds: number }> = [];
  for (const n of [1, 2, 4]) {
    const prefix = `bench-busy-${n}`;
    const workers = await startWorkers(url, prefix, n);
    try {
      const suite = suiteOf(`busy-${n}`, 'busyRun', runs, { iterations });
      const t0 = performance.now();
      const outcome = await runSuiteOnQueue(suite, { out: join(dir, `busy-${n}`), connection, prefix, write: null });
      const seconds = (performance.now() - t0) / 1000;
      if (outcome.failed > 0) throw new Error(`busy suite with ${n} workers: ${outcome.failed} runs failed`);
      const meanRunSeconds = outcome.records.reduce((a, r) => a + r.wallSeconds, 0) / outcome.records.length;
      await stopWorkers(workers);
      rows.push({ workers: n, seconds, meanRunSeconds, bareSeconds: await bareProcesses(n, runs, iterations) });
    } finally {
      await stopWorkers(workers);
    }
  }
  return { iterations, rows };
}

/** `redis-benchmark`'s SET and GET rates (pipelined 16 deep), for scale. */
function redisBenchmark(port: number): string {
  const result = spawnSync('redis-benchmark', ['-h', '127.0.0.1', '-p', String(port), '-q', '-n', '200000', '-P', '16', '-t', 'set,get'], { encoding: 'utf8' });
  if (result.status !== 0) return `redis-benchmark failed: ${result.stderr.trim() || result.error?.message}`;
  return result.stdout.replace(/\r/g, '\n').split('\n').filter((l) => /requests per second/.test(l)).map((l) => l.trim()).join('; ');
}

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  if (i < 0) return fallback;
  const value = Number(process.argv[i + 1]);
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${name} must be a positive number, got ${process.argv[i + 1]}`);
  return value;
}

async function main(): Promise<void> {
  const jobs = Math.round(flag('--jobs', 300));
  const runs = Math.round(flag('--runs', 8));
  const runSeconds = flag('--run-seconds', 1);
  const redis = await startTestRedis();
  const dir = mkdtempSync(join(tmpdir(), 'flash-gym-bench-queue-'));
  const client = new Redis(`redis://127.0.0.1:${redis.port}/0`);
  try {
    const connection = await connectQueue(redis.url);
    console.log(`# Queue benchmark (BullMQ on a private loopback redis-server)\n\n${machineLine()}; load average at start ${loadavg().map((l) => l.toFixed(2)).join(' ')}\n`);
    const o = await overhead(connection, redis.url, client, jobs);
    console.log('| measure | value |\n|---|---:|');
    console.log(`| enqueue → result, one trivial job at a time (${jobs} jobs, 1 worker) | mean ${o.meanMs.toFixed(1)} ms, p50 ${o.p50Ms.toFixed(1)} ms, p95 ${o.p95Ms.toFixed(1)} ms |`);
    console.log(`| trivial jobs enqueued at once, 1 worker of concurrency 1 | ${o.jobsPerSecond.toFixed(0)} jobs/s |`);
    console.log(`| Redis commands per job (coordinator + worker, from INFO) | ${o.commandsPerJob.toFixed(1)} |`);
    console.log(`| Redis CPU per job (used_cpu_user + sys) | ${o.redisCpuMsPerJob.toFixed(3)} ms |`);
    const s = await scaling(connection, redis.url, runs, runSeconds, dir);
    const base = s.rows[0].seconds;
    console.log(`\nScaling: ${runs} CPU-bound runs of ~${runSeconds} s (${s.iterations.toExponential(2)} xorshift steps each), worker processes of concurrency 1; load average now ${loadavg().map((l) => l.toFixed(2)).join(' ')}\n`);
    const bareBase = s.rows[0].bareSeconds;
    console.log('| worker processes | suite wall time | speed-up vs 1 | mean run time on its worker | control: same work in bare node processes | control speed-up |\n|---:|---:|---:|---:|---:|---:|');
    for (const r of s.rows) console.log(`| ${r.workers} | ${r.seconds.toFixed(2)} s | ${(base / r.seconds).toFixed(2)}× | ${r.meanRunSeconds.toFixed(2)} s | ${r.bareSeconds.toFixed(2)} s | ${(bareBase / r.bareSeconds).toFixed(2)}× |`);
    const capacity = 1000 / o.redisCpuMsPerJob;
    console.log(`\nRedis saturates at about ${capacity.toFixed(0)} jobs/s (one core at ${o.redisCpuMsPerJob.toFixed(3)} ms of Redis CPU per job). redis-benchmark: ${redisBenchmark(redis.port)}\n`);
    // The adaptation suite sends each pretrained model's runs (one env × method × seed: its held-out tasks)
    // as one job. --quick: 301 runs, 95 s on 2 workers (BENCHMARKS.md) = 0.63 s a run, 20 tasks a job.
    console.log('| job length S | jobs at once per machine k | machines before Redis is the bottleneck (S × capacity / k) |\n|---|---:|---:|');
    const sizes: ReadonlyArray<readonly [string, number]> = [
      ['0.63 s (one adaptation --quick run, if each run were its own job)', 0.63],
      ['12.6 s (an adaptation --quick job: 20 held-out tasks of one pretrained model)', 12.6],
    ];
    for (const [label, seconds] of sizes) {
      for (const k of [2, 16]) console.log(`| ${label} | ${k} | ${Math.floor((seconds * capacity) / k).toLocaleString('en-US')} |`);
    }
  } finally {
    client.disconnect();
    await redis.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
