import test from 'ava';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '../envs/index.js';
import { isolationFor, makeRun, readResults, ResultsFile, runSuite, type RunRecord, type SuiteDefinition } from '../benchmarks/runner/index.js';
import { randomBaselineSuite } from '../benchmarks/suites/random-baseline.js';
import { throughputSuite } from '../benchmarks/suites/throughput.js';
import { projectRoot } from './helpers/paths.js';

const CLI = join(projectRoot(), 'dist', 'bin', 'flash-gym.js');

function tempDir(t: { teardown(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'flash-gym-runner-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function metricsByKey(records: readonly RunRecord[]): Record<string, unknown> {
  return Object.fromEntries(records.map((r) => [r.key, r.status === 'ok' ? r.metrics : { error: r.error }]));
}

function jsonlKeys(path: string): string[] {
  return readFileSync(path, 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => (JSON.parse(l) as RunRecord).key);
}

test('same seeds give the same results with 1 and 2 workers (random policy and PPO training in worker threads)', async (t) => {
  const dir = tempDir(t);
  const random = randomBaselineSuite({ size: 'quick', envs: ['CartPole-v1', 'Autoscaling-v0', 'DVFS-v0'], episodes: 4, seeds: 2 });
  const hyperparameters = { nSteps: 64, batchSize: 32, nEpochs: 2 };
  const learning: SuiteDefinition = {
    name: 'learning-tiny',
    config: { hyperparameters },
    runs: [0, 1].map((seed) => makeRun({ env: 'CartPole-v1', method: 'ppo', task: 'default', seed, params: { steps: 192, evalEvery: 64, evalEpisodes: 2, finalEpisodes: 2, backend: 'cpu', hyperparameters } })),
    unit: { module: new URL('../benchmarks/suites/learning-unit.js', import.meta.url).href, exportName: 'learningRun' },
    backend: 'cpu',
  };
  for (const suite of [random, learning]) {
    const one = await runSuite(suite, { out: join(dir, `${suite.name}-1`), workers: 1, write: null });
    const two = await runSuite(suite, { out: join(dir, `${suite.name}-2`), workers: 2, write: null });
    t.is(one.failed, 0, suite.name);
    t.true(two.executor.startsWith('2 worker threads'), two.executor);
    t.deepEqual(metricsByKey(two.records), metricsByKey(one.records), suite.name);
  }
  // Different seeds do give different results (the comparison above can fail).
  const recorded = metricsByKey(readResults(join(dir, 'random-1', 'results.jsonl')));
  const [seed0, seed1] = random.runs.filter((r) => r.env === 'CartPole-v1').map((r) => recorded[r.key]);
  t.notDeepEqual(seed0, seed1);
});

test('a failed run is recorded with its error, the others finish; a rerun skips everything, --retry-failed reruns the failure', async (t) => {
  const out = tempDir(t);
  const suite = randomBaselineSuite({ size: 'quick', envs: ['CartPole-v1', 'NoSuchEnv-v0', 'Pendulum-v1'], episodes: 2, seeds: 1 });
  const first = await runSuite(suite, { out, workers: 2, write: null });
  t.is(first.ran, 3);
  t.is(first.failed, 1);
  const failed = first.records.find((r) => r.status === 'failed');
  t.truthy(failed);
  t.is(failed?.run.env, 'NoSuchEnv-v0');
  t.regex(failed?.status === 'failed' ? failed.error : '', /unknown env id "NoSuchEnv-v0"/);
  t.is(first.records.filter((r) => r.status === 'ok').length, 2);
  const again = await runSuite(suite, { out, workers: 2, write: null });
  t.is(again.ran, 0);
  t.is(again.skipped, 3);
  const retried = await runSuite(suite, { out, workers: 1, write: null, retryFailed: true });
  t.is(retried.ran, 1);
  // The retry's record supersedes the failure in the summary view; the file keeps both lines, in order.
  t.deepEqual(jsonlKeys(join(out, 'results.jsonl')).length, 4);
});

test('a torn last line (a kill in the middle of a write) is cut off and that run counts as unfinished', (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'results.jsonl');
  const run = makeRun({ env: 'CartPole-v1', method: 'random', task: 'default', seed: 0, params: {} });
  const whole: RunRecord = { key: run.key, status: 'ok', run, metrics: { x: 1 }, timing: {}, wallSeconds: 0.1, finishedAt: 'now' };
  writeFileSync(path, `${JSON.stringify(whole)}\n{"key":"CartPole-v1|random|default|s1|abc","status":"o`);
  const file = ResultsFile.open(path);
  t.is(file.records().length, 1);
  file.append({ ...whole, key: 'second' });
  file.close();
  t.deepEqual(jsonlKeys(path), [run.key, 'second']);
  writeFileSync(path, 'not json\n');
  t.throws(() => ResultsFile.open(path), { message: /results\.jsonl:1: not a JSON record/ });
});

test('the output folder refuses results of another configuration', async (t) => {
  const out = tempDir(t);
  await runSuite(randomBaselineSuite({ size: 'quick', envs: ['CartPole-v1'], episodes: 1, seeds: 1 }), { out, workers: 1, write: null });
  await t.throwsAsync(runSuite(randomBaselineSuite({ size: 'quick', envs: ['CartPole-v1'], episodes: 2, seeds: 1 }), { out, workers: 1, write: null }), {
    message: /another configuration of suite "random"; use another --out/,
  });
});

test('a suite killed mid-way and rerun completes with every run recorded exactly once', async (t) => {
  const out = tempDir(t);
  // 12 throughput runs of ~0.8 s each (warm-up + 3 × 200 ms) on 2 workers: ~5 s in all.
  const args = [CLI, 'bench', 'throughput', '--filter', 'CartPole', '--seeds', '6', '--workers', '2', '--out', out, '--no-report'];
  const results = join(out, 'results.jsonl');
  const child = spawn(process.execPath, args, { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (existsSync(results) && jsonlKeys(results).length >= 3) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill('SIGKILL');
  await exited;
  const before = jsonlKeys(results).length;
  t.true(before >= 3 && before < 12, `killed after ${before} of 12 runs`);
  const suite = throughputSuite({ size: 'quick', filter: 'CartPole', seeds: 6 });
  const outcome = await runSuite(suite, { out, workers: 2, write: null });
  t.is(outcome.skipped, before);
  t.is(outcome.ran, 12 - before);
  const keys = jsonlKeys(results);
  t.is(keys.length, 12);
  t.deepEqual([...keys].sort(), suite.runs.map((r) => r.key).sort());
  t.true(outcome.records.every((r) => r.status === 'ok'));
});

test('tfjs-node backends get child processes, which give the same results as worker threads', async (t) => {
  t.is(isolationFor('node').isolation, 'processes');
  t.regex(isolationFor('node-gpu').why, /loads once per process, not in several worker threads/);
  t.is(isolationFor('cpu').isolation, 'threads');
  t.is(isolationFor('none').isolation, 'threads');
  const dir = tempDir(t);
  const suite = randomBaselineSuite({ size: 'quick', envs: ['CartPole-v1', 'NoSuchEnv-v0'], episodes: 3, seeds: 2 });
  const threads = await runSuite(suite, { out: join(dir, 'threads'), workers: 2, write: null });
  const processes = await runSuite(suite, { out: join(dir, 'processes'), workers: 2, write: null, isolation: 'processes' });
  t.regex(processes.executor, /^2 child processes \(asked for\)$/);
  t.is(processes.failed, 2);
  t.deepEqual(metricsByKey(processes.records), metricsByKey(threads.records));
});
