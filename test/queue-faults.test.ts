import test from 'ava';
import { join } from 'node:path';
import { SuiteInterrupted } from '../benchmarks/runner/run-suite.js';
import { readResults } from '../benchmarks/runner/results-file.js';
import { connectQueue } from '../queue/connection.js';
import { runSuiteOnQueue } from '../queue/run-suite-on-queue.js';
import { counts, jsonlKeys, logLines, startCoordinator, startWorker, tempDir, waitFor } from './fixtures/queue-harness.js';
import { timedSuite } from './fixtures/queue-suite.js';
import { startTestRedis } from './helpers/redis-server.js';

test.serial('a worker killed mid-run: its run moves to the other worker after stall detection; every run recorded once', async (t) => {
  const redis = await startTestRedis();
  t.teardown(() => redis.dispose());
  const dir = tempDir(t);
  const log = join(dir, 'runs.log');
  const [victim] = await Promise.all([startWorker(t, redis.url), startWorker(t, redis.url)]);
  const victimPid = String(victim.child.pid);
  const suite = timedSuite({ runs: 6, ms: 400, log });
  const connection = await connectQueue(redis.url);
  const done = runSuiteOnQueue(suite, { out: join(dir, 'out'), connection, write: null });
  // Kill the victim while it is in the middle of a run (it logged a start and no done for it).
  let killedKey = '';
  await waitFor(
    () => {
      // The fixture unit runs in a worker thread of the worker process: the pid it logs is the worker's.
      const mine = logLines(log).filter(([, , pid]) => pid === victimPid);
      const open = mine.filter(([e, key]) => e === 'start' && !mine.some(([e2, k2]) => e2 === 'done' && k2 === key));
      if (open.length === 0) return false;
      killedKey = open[0][1];
      return true;
    },
    30_000,
    () => `the victim never started a run: ${JSON.stringify(logLines(log))}`,
  );
  victim.child.kill('SIGKILL');
  const outcome = await done;
  t.is(outcome.failed, 0);
  const keys = jsonlKeys(join(dir, 'out', 'results.jsonl'));
  t.deepEqual([...counts(keys).values()], suite.runs.map(() => 1), 'every run recorded exactly once');
  t.deepEqual(keys.slice().sort(), suite.runs.map((r) => r.key).sort());
  // The killed run started on the victim, then again on the survivor.
  const starts = logLines(log).filter(([e, key]) => e === 'start' && key === killedKey);
  t.true(starts.some(([, , pid]) => pid === victimPid) && starts.some(([, , pid]) => pid !== victimPid), JSON.stringify(logLines(log)));
});

test.serial('a killed coordinator, started again, collects what finished meanwhile and runs nothing twice', async (t) => {
  const redis = await startTestRedis();
  t.teardown(() => redis.dispose());
  const dir = tempDir(t);
  const log = join(dir, 'runs.log');
  const out = join(dir, 'out');
  await Promise.all([startWorker(t, redis.url), startWorker(t, redis.url)]);
  const args = [redis.url, out, '8', '300', log];
  const first = startCoordinator(t, args);
  await waitFor(() => jsonlKeys(join(out, 'results.jsonl')).length >= 2, 40_000, () => `no results: ${first.stderr()}`);
  first.child.kill('SIGKILL');
  await first.exited();
  const recordedByFirst = jsonlKeys(join(out, 'results.jsonl')).length;
  // While no coordinator runs, the workers finish the queued runs.
  await waitFor(() => logLines(log).filter(([e]) => e === 'done').length === 8, 40_000, () => JSON.stringify(logLines(log)));
  const second = startCoordinator(t, args);
  t.is(await second.exited(), 0, second.stderr());
  const summary = JSON.parse(second.stdout()) as { ran: number; skipped: number; failed: number };
  t.deepEqual(summary, { ran: 8 - recordedByFirst, skipped: recordedByFirst, failed: 0 });
  const keys = jsonlKeys(join(out, 'results.jsonl'));
  t.is(keys.length, 8);
  t.deepEqual([...counts(keys).values()], Array.from({ length: 8 }, () => 1));
  // Each run executed once: the restarted coordinator re-attached to the jobs instead of enqueuing new ones.
  t.deepEqual([...counts(logLines(log).filter(([e]) => e === 'start').map(([, k]) => k)).values()], Array.from({ length: 8 }, () => 1));
});

test.serial('Redis stopped and restarted mid-suite: the coordinator and workers reconnect, no finished result is lost', async (t) => {
  const redis = await startTestRedis({ persistent: true });
  t.teardown(() => redis.dispose());
  const dir = tempDir(t);
  const log = join(dir, 'runs.log');
  await Promise.all([startWorker(t, redis.url), startWorker(t, redis.url)]);
  const suite = timedSuite({ runs: 8, ms: 250, log });
  const connection = await connectQueue(redis.url);
  let outage: Promise<void> | undefined;
  const outcome = await runSuiteOnQueue(suite, {
    out: join(dir, 'out'),
    connection,
    write: null,
    reconnectTimeoutMs: 30_000,
    onRunDone: () => {
      outage ??= (async () => {
        await redis.stop();
        await new Promise((resolve) => setTimeout(resolve, 1_500));
        await redis.start();
      })();
    },
  });
  await outage;
  t.is(outcome.failed, 0);
  const records = readResults(join(dir, 'out', 'results.jsonl'));
  t.is(records.length, 8);
  t.deepEqual([...counts(jsonlKeys(join(dir, 'out', 'results.jsonl'))).values()], Array.from({ length: 8 }, () => 1));
  t.true(records.every((r) => r.status === 'ok'));
});

test.serial('Redis gone for longer than the bound: the suite stops with an error naming the URL, recording no run as failed', async (t) => {
  const redis = await startTestRedis({ password: 's3cret' });
  t.teardown(() => redis.dispose());
  const dir = tempDir(t);
  const log = join(dir, 'runs.log');
  await startWorker(t, redis.url);
  const suite = timedSuite({ runs: 6, ms: 300, log });
  const connection = await connectQueue(redis.url);
  const t0 = performance.now();
  const error = await t.throwsAsync(
    runSuiteOnQueue(suite, { out: join(dir, 'out'), connection, write: null, reconnectTimeoutMs: 1_500, onRunDone: () => void redis.stop() }),
    { instanceOf: SuiteInterrupted },
  );
  t.regex(error?.message ?? '', /^lost Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:\d+\/0 for \d+\.\d s \(more than the 1\.5 s allowed\); finished runs are on disk/);
  t.true((performance.now() - t0) / 1000 < 20);
  const records = readResults(join(dir, 'out', 'results.jsonl'));
  t.true(records.length >= 1);
  t.true(records.every((r) => r.status === 'ok'), 'runs in flight are not recorded as failed');
});

test.serial('SIGTERM: the worker finishes the run in progress, hands in its result and exits 0', async (t) => {
  const redis = await startTestRedis();
  t.teardown(() => redis.dispose());
  const dir = tempDir(t);
  const log = join(dir, 'runs.log');
  const worker = await startWorker(t, redis.url);
  const suite = timedSuite({ runs: 1, ms: 1_500, log });
  const connection = await connectQueue(redis.url);
  const done = runSuiteOnQueue(suite, { out: join(dir, 'out'), connection, write: null });
  await waitFor(() => logLines(log).some(([e]) => e === 'start'), 30_000, () => 'the run never started');
  worker.child.kill('SIGTERM');
  t.is(await worker.exited(), 0, worker.stderr());
  t.regex(worker.stderr(), /SIGTERM: finishing the runs in progress/);
  const outcome = await done;
  t.is(outcome.failed, 0);
  t.deepEqual(logLines(log).map(([e]) => e), ['start', 'done']);
});
