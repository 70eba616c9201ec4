// Vector env throughput: env-steps/s of SyncVectorEnv vs WorkerVectorEnv at 1, 2, 4, 8, 16 envs, for a cheap
// env (CartPole-v1), a fixture env that burns ~50 µs per step, and CongestionControl-v0 when it is registered;
// then the worker env's fixed cost per batch step. Two worker configurations, side by side: every shard on a
// worker thread (W = cores workers, the default), and `mainThreadShard` (the calling thread steps one shard,
// W = cores − 1 workers), which keeps the thread count at the core count.
// Run: `npm run bench:vector` (add `--quick` for a short run).
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import '../envs/index.js';
import { listEnvs } from '../envs/registry/registry.js';
import { makeVec } from '../envs/vector/make-vec.js';
import type { VectorEnv } from '../envs/vector/vector-env.js';
import { burn } from './fixtures/busy-env.js';

const BUSY_MODULE = fileURLToPath(new URL('./fixtures/busy-env.js', import.meta.url));
const modules = [BUSY_MODULE];
const quick = process.argv.includes('--quick');
const measureMs = quick ? 300 : 1500;
const ENV_COUNTS = [1, 2, 4, 8, 16];
const cores = availableParallelism();

/** Iterations of the busy loop that take ~50 µs here: the fastest of several timings (robust to other load). */
function calibrateBusyWork(targetUs: number): number {
  const trial = 20_000;
  let best = Infinity;
  for (let r = 0; r < 15; r++) {
    const start = performance.now();
    burn(trial, r);
    best = Math.min(best, performance.now() - start);
  }
  return Math.max(1, Math.round((trial * targetUs) / (best * 1000)));
}

/** Fixed actions for the action space (all zeros is valid for Discrete and for Boxes that contain 0). */
function actionsFor(venv: VectorEnv): Float64Array {
  const size = venv.actionSpace.shape.reduce((a, b) => a * b, 1);
  return new Float64Array(size);
}

/** Batch steps per second over `measureMs` after a warm-up. */
function timeSteps(venv: VectorEnv): number {
  const actions = actionsFor(venv);
  venv.reset({ seed: 0 });
  const warmEnd = performance.now() + measureMs / 5;
  while (performance.now() < warmEnd) venv.step(actions);
  let steps = 0;
  const start = performance.now();
  let now = start;
  while (now - start < measureMs) {
    for (let k = 0; k < 20; k++) venv.step(actions);
    steps += 20;
    now = performance.now();
  }
  return (steps * 1000) / (now - start);
}

type Mode = 'sync' | 'worker' | 'worker+main';

/** The threads that step envs: workers, plus the calling thread with mainThreadShard. */
function workersFor(mode: Mode, numEnvs: number): number {
  return mode === 'worker+main' ? Math.max(1, Math.min(cores - 1, numEnvs - 1)) : Math.min(cores, numEnvs);
}

async function measure(id: string, numEnvs: number, mode: Mode, kwargs: Record<string, unknown>): Promise<number> {
  if (mode === 'worker+main' && numEnvs < 2) return Number.NaN;
  const workers = workersFor(mode, numEnvs);
  const venv =
    mode === 'sync'
      ? await makeVec(id, { numEnvs, kwargs, modules })
      : await makeVec(id, { numEnvs, kwargs, modules, mode: 'worker', workers, mainThreadShard: mode === 'worker+main' });
  try {
    return timeSteps(venv) * numEnvs;
  } finally {
    await venv.close();
  }
}

const fmt = (x: number): string => (Number.isNaN(x) ? '–' : Math.round(x).toLocaleString('en-US'));
const ratio = (x: number, base: number): string => (Number.isNaN(x) ? '–' : `${(x / base).toFixed(2)}x`);

async function main(): Promise<void> {
  const busyWork = calibrateBusyWork(50);
  const cases: Array<{ label: string; id: string; kwargs: Record<string, unknown> }> = [
    { label: 'CartPole-v1', id: 'CartPole-v1', kwargs: {} },
    { label: 'Bench/Busy-v0 (~50 µs/step)', id: 'Bench/Busy-v0', kwargs: { work: busyWork } },
  ];
  if (listEnvs().includes('CongestionControl-v0')) cases.push({ label: 'CongestionControl-v0', id: 'CongestionControl-v0', kwargs: {} });
  console.log(`# Vector env throughput (${new Date().toISOString().slice(0, 10)}, node ${process.version}, ${cores} cores)\n`);
  console.log('worker: every shard on a worker thread, workers = min(cores, envs); worker+main: mainThreadShard, workers = min(cores − 1, envs − 1) plus the calling thread\n');
  console.log(`busy env: ${busyWork} loop iterations ≈ 50 µs per step on this machine\n`);
  console.log('| env | envs | sync steps/s | worker steps/s | worker / sync | worker+main steps/s | worker+main / sync |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  const perStepUs = new Map<string, number>();
  for (const c of cases) {
    for (const n of ENV_COUNTS) {
      const sync = await measure(c.id, n, 'sync', c.kwargs);
      const worker = await measure(c.id, n, 'worker', c.kwargs);
      const withMain = await measure(c.id, n, 'worker+main', c.kwargs);
      perStepUs.set(`${c.id}/sync/${n}`, (1e6 * n) / sync);
      perStepUs.set(`${c.id}/worker/${n}`, (1e6 * n) / worker);
      perStepUs.set(`${c.id}/worker+main/${n}`, (1e6 * n) / withMain);
      console.log(`| ${c.label} | ${n} | ${fmt(sync)} | ${fmt(worker)} | ${ratio(worker, sync)} | ${fmt(withMain)} | ${ratio(withMain, sync)} |`);
    }
  }
  // Fixed cost: what a worker batch step costs beyond the largest shard's own env work (CartPole, 8 envs).
  console.log('');
  for (const mode of ['worker', 'worker+main'] as const) {
    const threads = workersFor(mode, 8) + (mode === 'worker+main' ? 1 : 0);
    const shard = Math.ceil(8 / threads);
    const batchUs = perStepUs.get(`CartPole-v1/${mode}/8`) as number;
    const shardSyncUs = (perStepUs.get(`CartPole-v1/sync/${shard}`) ?? ((perStepUs.get('CartPole-v1/sync/8') as number) * shard) / 8) as number;
    console.log(
      `${mode} fixed cost per batch step (CartPole-v1, 8 envs, ${workersFor(mode, 8)} workers${mode === 'worker+main' ? ' + the calling thread' : ''}): ` +
        `${(batchUs - shardSyncUs).toFixed(1)} µs (batch step ${batchUs.toFixed(1)} µs − sync step of one ${shard}-env shard ${shardSyncUs.toFixed(1)} µs)`,
    );
  }
}

await main();
