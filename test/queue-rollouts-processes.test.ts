import test from 'ava';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from './helpers/paths.js';
import { startTestRedis, type TestRedis } from './helpers/redis-server.js';
import { assertSameRun, trainPpo } from './queue-rollouts-support.js';
import '../envs/classic/index.js';

/** Rollout workers as separate processes: `flash-gym worker`, which serves rollout jobs next to suite runs. */
interface WorkerProcess {
  readonly child: ChildProcess;
  readonly output: string[];
  readonly exited: Promise<NodeJS.Signals | number | null>;
}

const crashModule = join(projectRoot(), 'dist', 'test', 'queue-rollouts-crash-env.js');
let redis: TestRedis;
let dir: string;
const workers: WorkerProcess[] = [];

async function startWorker(url: string): Promise<WorkerProcess> {
  const child = spawn(process.execPath, [join(projectRoot(), 'dist', 'bin', 'flash-gym.js'), 'worker', '--queue', url, '--concurrency', '1', '--allow-module', crashModule, '--lock-duration', '2000', '--stalled-interval', '500'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    cwd: projectRoot(),
  });
  const output: string[] = [];
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
  const ready = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      output.push(chunk.toString());
      if (output.join('').includes('serving rollout jobs')) resolve();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    void exited.then((how) => reject(new Error(`worker exited (${String(how)}) before serving: ${output.join('')}`)));
  });
  const worker = { child, output, exited };
  workers.push(worker);
  await ready;
  return worker;
}

test.before(async () => {
  redis = await startTestRedis({ password: 'pw-9' });
  dir = mkdtempSync(join(tmpdir(), 'flash-gym-rollouts-'));
});

test.after.always(async () => {
  for (const w of workers) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
  await Promise.all(workers.map((w) => w.exited));
  await redis?.dispose();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

const ppo = { seed: 21, nSteps: 32, batchSize: 64, nEpochs: 2 };

test.serial('2 worker processes: distributed PPO equals the local run; a worker killed mid-rollout is retried and it still does', async (t) => {
  const [a, b] = await Promise.all([startWorker(redis.url), startWorker(redis.url)]);
  const rollouts = { queue: redis.url, workers: 2, env: { id: 'CartPole-v1' } };
  const local = await trainPpo('CartPole-v1', 4, 512, ppo);
  const distributed = await trainPpo('CartPole-v1', 4, 512, { ...ppo, rollouts });
  assertSameRun(t, distributed, local);
  const served = (w: WorkerProcess): number => (w.output.join('').match(/rollout job \S+ started/g) ?? []).length;
  t.true(served(a) > 0 && served(b) > 0, `both processes served jobs (${served(a)}, ${served(b)})`);

  // Now the env kills the process that steps it at step 20 of its life, once: a worker dies mid-job
  // (SIGKILL: no clean-up, its lock simply stops being renewed), BullMQ's stall detection hands the job
  // to the other worker, and the replayed job gives the same trajectories.
  const marker = join(dir, 'crashed');
  const kwargs = { marker, crashAtStep: 20 };
  const crashing = { ...rollouts, env: { id: 'RolloutCrashCartPole-v0', kwargs, modules: [crashModule] } };
  const survived = await trainPpo('CartPole-v1', 4, 384, { ...ppo, seed: 22, rollouts: crashing });
  t.true(existsSync(marker), 'a worker was killed mid-rollout');
  const deaths = await Promise.all([a, b].map((w) => Promise.race([w.exited, new Promise((r) => setTimeout(() => r('alive'), 100))])));
  t.deepEqual([...deaths].sort(), ['SIGKILL', 'alive'], 'exactly one worker died');
  const reference = await trainPpo('RolloutCrashCartPole-v0', 4, 384, { ...ppo, seed: 22 }, { kwargs, modules: [crashModule] });
  assertSameRun(t, survived, reference);
  t.false(workers.some((w) => w.output.join('').includes('pw-9')), 'the password never appears in worker output');
});
