import test from 'ava';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import '../envs/index.js';
import { writeSummary } from '../benchmarks/report/write-report.js';
import { runSuite } from '../benchmarks/runner/run-suite.js';
import type { RunRecord } from '../benchmarks/runner/types.js';
import { randomBaselineSuite } from '../benchmarks/suites/random-baseline.js';
import { connectQueue, QueueConnectionError, queueName } from '../queue/connection.js';
import { runSuiteOnQueue } from '../queue/run-suite-on-queue.js';
import { JobPayloadError, jobUnitOf, ModuleAllowList, SUITE_JOB_VERSION, suiteJobId, validateSuiteJob } from '../queue/suite-job.js';
import { counts, jsonlKeys, logLines, metricsByKey, runCli, startWorker, tempDir } from './fixtures/queue-harness.js';
import { FIXTURE_UNIT_MODULE, timedSuite } from './fixtures/queue-suite.js';
import { startTestRedis } from './helpers/redis-server.js';

const goodRun = { key: 'CartPole-v1|random|default|s0|x', env: 'CartPole-v1', method: 'random', task: 'default', seed: 0, params: { episodes: 2 } };

test('job ids are deterministic, BullMQ-safe and distinct', (t) => {
  const id = suiteJobId('adaptation', 'abc123', ['Autoscaling-v0|flash|app:7|s0|deadbeef']);
  t.is(id, 'adaptation.abc123.Autoscaling-v0|flash|app%3A7|s0|deadbeef');
  t.false(id.includes(':'));
  t.not(suiteJobId('s', 'h', ['a:b']), suiteJobId('s', 'h', ['a%3Ab']));
  const group = suiteJobId('s', 'h', ['a', 'b']);
  t.regex(group, /^s\.h\.group-[0-9a-f]{16}$/);
  t.is(suiteJobId('s', 'h', ['a', 'b']), group);
  t.not(suiteJobId('s', 'h', ['b', 'a']), group);
  t.throws(() => suiteJobId('s', 'h', []), { message: /at least one run/ });
  t.throws(() => queueName('bad:prefix', 'suites'), { message: /letters, digits/ });
  t.is(queueName('flash-gym', 'suites'), 'flash-gym-suites');
});

test('a job payload is checked field by field; the run key must match its fields', (t) => {
  const suite = randomBaselineSuite({ size: 'quick', envs: ['CartPole-v1'], episodes: 2, seeds: 1 });
  const run = suite.runs[0];
  const unit = jobUnitOf(suite.unit);
  t.deepEqual(unit, { kind: 'builtin', file: 'random-baseline-unit.js', exportName: 'randomBaselineRun' });
  const good = { version: SUITE_JOB_VERSION, suite: 'random', backend: 'none', unit, runs: [run] };
  t.deepEqual(validateSuiteJob(good).runs, [run]);
  const one = (changed: object): object => ({ ...good, runs: [run, changed] });
  const bad: Array<[unknown, RegExp]> = [
    [null, /job data must be an object/],
    [{ ...good, version: 2 }, /version must be 1, got 2/],
    [{ ...good, unit: { ...unit, kind: 'eval' } }, /unit.kind must be "builtin" or "path", got "eval"/],
    [{ ...good, unit: { ...unit, exportName: 'a; process.exit()' } }, /exportName must be a JavaScript identifier/],
    [{ ...good, runs: [] }, /runs must be an array of 1 to 10000 runs, got \[\]/],
    [{ ...good, runs: run }, /runs must be an array/],
    [one({ ...run, seed: 1.5 }), /runs\[1\].seed must be an integer, got 1.5/],
    [one({ ...run, env: '' }), /runs\[1\].env must be a non-empty string/],
    [one({ ...goodRun }), /runs\[1\].key "CartPole-v1\|random\|default\|s0\|x" does not match/],
    [one({ ...run, params: { episodes: 3 } }), /does not match the run's fields/],
  ];
  for (const [data, message] of bad) t.throws(() => validateSuiteJob(data), { instanceOf: JobPayloadError, message }, JSON.stringify(data));
});

test('only built-in suite units and --allow-module paths resolve on a worker', (t) => {
  const fixture = fileURLToPath(FIXTURE_UNIT_MODULE);
  const none = new ModuleAllowList([]);
  t.regex(none.resolve({ kind: 'builtin', file: 'random-baseline-unit.js', exportName: 'randomBaselineRun' }), /dist\/benchmarks\/suites\/random-baseline-unit\.js$/);
  t.throws(() => none.resolve({ kind: 'builtin', file: '../../queue/connection.js', exportName: 'f' }), { message: /plain \.js file name/ });
  t.throws(() => none.resolve({ kind: 'builtin', file: 'nope.js', exportName: 'f' }), { message: /no built-in suite unit "nope.js"/ });
  t.throws(() => none.resolve({ kind: 'path', path: fixture, exportName: 'timedRun' }), { message: /is not allowed on this worker.*--allow-module/ });
  t.throws(() => none.resolve({ kind: 'path', path: 'relative.js', exportName: 'f' }), { message: /must be absolute/ });
  t.is(new ModuleAllowList([fixture]).resolve({ kind: 'path', path: fixture, exportName: 'timedRun' }), FIXTURE_UNIT_MODULE.href);
  const folder = new ModuleAllowList([join(fixture, '..')]);
  t.is(folder.resolve({ kind: 'path', path: fixture, exportName: 'timedRun' }), FIXTURE_UNIT_MODULE.href);
  // A folder allows what is under it, not its neighbours.
  t.throws(() => folder.resolve({ kind: 'path', path: fileURLToPath(new URL('../../queue/connection.js', FIXTURE_UNIT_MODULE)), exportName: 'f' }), { message: /not allowed/ });
  t.throws(() => new ModuleAllowList(['/no/such/file.js']), { message: /--allow-module \/no\/such\/file.js: no such file or folder/ });
});

test.serial('2 worker processes give the same results and summary as the local runner', async (t) => {
  const redis = await startTestRedis();
  t.teardown(() => redis.dispose());
  const dir = tempDir(t);
  await Promise.all([startWorker(t, redis.url), startWorker(t, redis.url)]);
  const suite = randomBaselineSuite({ size: 'quick', envs: ['CartPole-v1', 'Pendulum-v1', 'Autoscaling-v0'], episodes: 2, seeds: 2 });
  const local = await runSuite(suite, { out: join(dir, 'local'), workers: 2, write: null });
  const connection = await connectQueue(redis.url);
  const queued = await runSuiteOnQueue(suite, { out: join(dir, 'queued'), connection, write: null });
  t.is(queued.failed, 0);
  t.is(queued.ran, suite.runs.length);
  t.regex(queued.executor, /BullMQ queue flash-gym-suites at redis:\/\/127\.0\.0\.1:\d+\/0/);
  t.deepEqual(metricsByKey(queued.records), metricsByKey(local.records));
  const withoutTimes = (s: Awaited<ReturnType<typeof writeSummary>>): unknown =>
    Object.fromEntries(Object.entries(s.results).map(([env, m]) => [env, Object.fromEntries(Object.entries(m).map(([method, metrics]) => [method, Object.fromEntries(Object.entries(metrics).filter(([k]) => !k.startsWith('time/')))]))]));
  t.deepEqual(withoutTimes(await writeSummary(join(dir, 'queued'))), withoutTimes(await writeSummary(join(dir, 'local'))));
  // The records' wall time is the run's on the worker, not the wait in the queue.
  for (const record of queued.records) t.true(record.wallSeconds < 5, String(record.wallSeconds));
  // Running the same suite again finds everything recorded and enqueues nothing.
  const again = await runSuiteOnQueue(suite, { out: join(dir, 'queued'), connection, write: null });
  t.is(again.ran, 0);
  t.is(again.skipped, suite.runs.length);
});

test.serial('enqueuing a suite twice (two coordinators at once) runs each run once; a run that throws is recorded failed, the rest go on', async (t) => {
  const redis = await startTestRedis();
  t.teardown(() => redis.dispose());
  const dir = tempDir(t);
  const log = join(dir, 'runs.log');
  await startWorker(t, redis.url, ['--concurrency', '2']);
  const suite = timedSuite({ runs: 6, ms: 50, log, failing: [3] });
  const connection = await connectQueue(redis.url);
  const [a, b] = await Promise.all([
    runSuiteOnQueue(suite, { out: join(dir, 'a'), connection, write: null }),
    runSuiteOnQueue(suite, { out: join(dir, 'b'), connection, write: null }),
  ]);
  t.deepEqual(metricsByKey(a.records), metricsByKey(b.records));
  t.is(a.failed, 1);
  const failed = a.records.find((r) => r.status === 'failed') as RunRecord & { status: 'failed' };
  t.is(failed.run.seed, 3);
  t.regex(failed.error, /fails on purpose/);
  // Every run started exactly once on the workers, though both coordinators enqueued all of them.
  const starts = counts(logLines(log).filter(([e]) => e === 'start').map(([, key]) => key));
  t.deepEqual([...starts.values()], suite.runs.map(() => 1));
  const queue = new Queue(queueName('flash-gym', 'suites'), { connection: connection.options() });
  t.teardown(() => queue.close());
  const jobCounts = await queue.getJobCounts('completed', 'failed', 'waiting', 'active', 'delayed');
  // A run that throws is a result of its job (the job completes), not a failed job to retry.
  t.like(jobCounts, { completed: 6, failed: 0, waiting: 0, active: 0, delayed: 0 });
  t.deepEqual(jsonlKeys(join(dir, 'a', 'results.jsonl')).sort(), suite.runs.map((r) => r.key).sort());
  // --retry-failed runs the failed run again (its job is replaced), and only it; the record is superseded.
  const retried = await runSuiteOnQueue(suite, { out: join(dir, 'a'), connection, write: null, retryFailed: true });
  t.is(retried.ran, 1);
  t.is(retried.failed, 1);
  const failedKey = failed.key;
  t.is(logLines(log).filter(([e, key]) => e === 'start' && key === failedKey).length, 2);
  t.is(logLines(log).filter(([e]) => e === 'start').length, suite.runs.length + 1);
});

test.serial('a malformed job and a disallowed module are failed with the reason; the worker keeps serving', async (t) => {
  const redis = await startTestRedis();
  t.teardown(() => redis.dispose());
  const dir = tempDir(t);
  // This worker does not allow the fixture unit: only built-in units.
  const worker = await startWorker(t, redis.url, ['--allow-module', join(dir)], { allowFixture: false });
  const connection = await connectQueue(redis.url);
  const queue = new Queue(queueName('flash-gym', 'suites'), { connection: connection.options() });
  t.teardown(() => queue.close());
  const malformed = await queue.add('x', { version: 1, run: 'rm -rf /' }, { jobId: 'malformed', attempts: 3 });
  const suite = timedSuite({ runs: 1, ms: 10, log: join(dir, 'runs.log') });
  const outcome = await runSuiteOnQueue(suite, { out: join(dir, 'out'), connection, write: null });
  t.is(outcome.failed, 1);
  const record = outcome.records[0] as RunRecord & { status: 'failed' };
  t.regex(record.error, /unit module .*queue-units\.js is not allowed on this worker/);
  t.is(logLines(join(dir, 'runs.log')).length, 0, 'the disallowed module never ran');
  const job = await queue.getJob(malformed.id as string);
  t.is(await job?.getState(), 'failed');
  t.regex(job?.failedReason ?? '', /rejected job malformed: suite must be a non-empty string, got undefined/);
  t.is(job?.attemptsMade, 1, 'not retried');
  // Still serving: a built-in unit's suite runs to the end.
  const random = await runSuiteOnQueue(randomBaselineSuite({ size: 'quick', envs: ['CartPole-v1'], episodes: 2, seeds: 2 }), { out: join(dir, 'random'), connection, write: null });
  t.is(random.failed, 0);
  t.is(worker.child.exitCode, null);
  t.regex(worker.stderr(), /rejected job malformed/);
});

test.serial('a bad URL or an unreachable Redis is one line naming the URL, password redacted, within the bound', async (t) => {
  const dir = tempDir(t);
  const unreachable = await runCli(['bench', 'random', '--filter', 'CartPole', '--queue', 'redis://:hunter2@127.0.0.1:1/0', '--connect-timeout', '1', '--out', join(dir, 'o'), '--no-report']);
  t.is(unreachable.code, 1);
  t.regex(unreachable.stderr, /^flash-gym: cannot use Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:1\/0: connect ECONNREFUSED .*\(tried for 1\.0 s\)\n$/);
  t.false(unreachable.stderr.includes('hunter2'));
  // The CLI's own start-up is most of that time on a loaded 2-core machine; the bound itself, measured in-process:
  const t0 = performance.now();
  await t.throwsAsync(connectQueue('redis://127.0.0.1:1/0', 1_000), { instanceOf: QueueConnectionError, message: /tried for 1\.0 s/ });
  t.true(performance.now() - t0 < 4_000, `took ${performance.now() - t0} ms`);
  const badUrl = await runCli(['worker', '--queue', 'http://:hunter2@host']);
  t.is(badUrl.code, 2);
  t.regex(badUrl.stderr, /^flash-gym: unsupported scheme "http:".*allowed: redis:\/\/ \(plain\) or rediss:\/\/ \(TLS\)\n$/);
  t.false(badUrl.stderr.includes('hunter2'));
  const redis = await startTestRedis({ password: 'right' });
  t.teardown(() => redis.dispose());
  const wrong = await runCli(['worker', '--queue', `redis://:wrong@127.0.0.1:${redis.port}/0`, '--connect-timeout', '2']);
  t.is(wrong.code, 1);
  t.regex(wrong.stderr, /^flash-gym: cannot use Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:\d+\/0: WRONGPASS/);
  t.false(existsSync(join(dir, 'o')), 'nothing written when Redis cannot be used');
});

test.serial('runs sharing an affinity key go as one job, run in turn by one worker thread, with the same results', async (t) => {
  const redis = await startTestRedis();
  t.teardown(() => redis.dispose());
  const dir = tempDir(t);
  const log = join(dir, 'runs.log');
  await Promise.all([startWorker(t, redis.url), startWorker(t, redis.url)]);
  const grouped = timedSuite({ runs: 6, ms: 50, log, groups: 2, failing: [4] });
  const connection = await connectQueue(redis.url);
  const outcome = await runSuiteOnQueue(grouped, { out: join(dir, 'grouped'), connection, write: null });
  const plain = await runSuite(timedSuite({ runs: 6, ms: 50, log: join(dir, 'local.log'), groups: 2, failing: [4] }), { out: join(dir, 'local'), workers: 2, write: null });
  // Same results as the local runner, run by run (the keys differ: the log path is a parameter).
  const shown = (records: readonly RunRecord[]): unknown[] => records.map((r) => (r.status === 'ok' ? r.metrics : /fails on purpose/.test(r.error)));
  t.deepEqual(shown(outcome.records), shown(plain.records));
  t.is(outcome.failed, 1, 'the failing run of a group is recorded failed; the rest of its group ran');
  // Each group ran on one thread of one worker, in the suite's order.
  for (const group of [0, 1]) {
    const keys = grouped.runs.filter((r) => r.seed % 2 === group).map((r) => r.key);
    const starts = logLines(log).filter(([e, key]) => e === 'start' && keys.includes(key));
    t.deepEqual(starts.map(([, key]) => key), keys);
    t.is(new Set(starts.map(([, , pid, thread]) => `${pid}/${thread}`)).size, 1);
  }
  const queue = new Queue(queueName('flash-gym', 'suites'), { connection: connection.options() });
  t.teardown(() => queue.close());
  t.like(await queue.getJobCounts('completed'), { completed: 2 });
});
