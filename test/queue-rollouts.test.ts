import test from 'ava';
import { Queue, QueueEvents } from 'bullmq';
import { PPO } from '../agents/ppo.js';
import { MetaLearner } from '../meta/procedures.js';
import { spaceToJson } from '../agents/common/space-json.js';
import { make } from '../envs/registry/index.js';
import '../envs/classic/index.js';
import { startRolloutConsumer, type RolloutConsumer } from '../queue/rollouts/consumer.js';
import { parseRolloutJob, RolloutJobError, type RolloutJobData } from '../queue/rollouts/job-format.js';
import { collectShard } from '../queue/rollouts/shard-collector.js';
import { rolloutJobId } from '../queue/rollouts/names.js';
import { RolloutClient } from '../queue/rollouts/rollout-client.js';
import { makeVec } from '../envs/vector/make-vec.js';
import { parseRedisUrl, redisConnectionOptions } from '../queue/redis-url.js';
import { startTestRedis, type TestRedis } from './helpers/redis-server.js';
import { assertSameRun, trainPpo } from './queue-rollouts-support.js';

let redis: TestRedis;
let consumers: RolloutConsumer[] = [];
const logs: string[] = [];

test.before(async () => {
  redis = await startTestRedis({ password: 's3cret' });
  consumers = [0, 1].map(() => startRolloutConsumer(redis.url, { log: (line) => logs.push(line) }));
  await Promise.all(consumers.map((c) => c.ready()));
});

test.after.always(async () => {
  await Promise.allSettled(consumers.map((c) => c.close(true)));
  await redis?.dispose();
});

const ppo = { seed: 7, nSteps: 32, batchSize: 64, nEpochs: 2 };

test.serial('distributed PPO on CartPole-v1 (4 envs, 2 consumers) equals the local vector-env run bit for bit', async (t) => {
  const local = await trainPpo('CartPole-v1', 4, 512, ppo);
  const distributed = await trainPpo('CartPole-v1', 4, 512, { ...ppo, rollouts: { queue: redis.url, workers: 2, env: { id: 'CartPole-v1' }, runId: 'cartpole-a' } });
  assertSameRun(t, distributed, local);
  t.true(local.episodes.some((e) => e.l > 32), 'episodes span rollout phases, so cursors were replayed');
});

test.serial('distributed PPO on Pendulum-v1 (Box actions, truncation bootstrapping, 3 shards of 3 envs) equals local', async (t) => {
  const options = { seed: 3, nSteps: 64, batchSize: 64, nEpochs: 1 };
  const local = await trainPpo('Pendulum-v1', 3, 3 * 64 * 5, options);
  const distributed = await trainPpo('Pendulum-v1', 3, 3 * 64 * 5, { ...options, rollouts: { queue: redis.url, workers: 3, env: { id: 'Pendulum-v1' } } });
  assertSameRun(t, distributed, local);
});

test.serial('same-step autoreset: distributed equals local', async (t) => {
  const local = await trainPpo('CartPole-v1', 2, 256, ppo, { autoreset: 'same-step' });
  const distributed = await trainPpo('CartPole-v1', 2, 256, { ...ppo, rollouts: { queue: redis.url, workers: 2, env: { id: 'CartPole-v1' } } }, { autoreset: 'same-step' });
  assertSameRun(t, distributed, local);
});

/** A valid job for one CartPole sub-env, as the learner would send it. */
function validJob(): RolloutJobData {
  const agent = new PPO(make('CartPole-v1'), { seed: 1, nSteps: 8 });
  const p = agent.policy.params.values;
  return {
    format: 1,
    runId: 'unit',
    update: 0,
    shard: 0,
    env: { id: 'CartPole-v1', kwargs: {}, wrappers: [], modules: [] },
    autoreset: 'next-step',
    nSteps: 8,
    policy: {
      netArch: { pi: [64, 64], vf: [64, 64] },
      activation: 'tanh',
      weights: Buffer.from(p.buffer, p.byteOffset, p.byteLength).toString('base64'),
      observationSpace: spaceToJson(agent.observationSpace),
      actionSpace: spaceToJson(agent.actionSpace),
    },
    subEnvs: [{ index: 0, cursor: { start: { seed: 5 }, actions: [] }, actionRng: { alea: { c: 1, s0: 0.1, s1: 0.2, s2: 0.3 }, spareNormal: null } }],
  };
}

test('job validation names the field at fault', (t) => {
  const job = validJob();
  t.notThrows(() => parseRolloutJob(job));
  const bad = (mutate: (j: Record<string, unknown>) => void): unknown => {
    const copy = JSON.parse(JSON.stringify(job)) as Record<string, unknown>;
    mutate(copy);
    return copy;
  };
  t.throws(() => parseRolloutJob(bad((j) => { j.format = 2; })), { instanceOf: RolloutJobError, message: /job\.format must be 1/ });
  t.throws(() => parseRolloutJob(bad((j) => { j.nSteps = -1; })), { message: /job\.nSteps must be an integer in \[1, 1000000\], got -1/ });
  t.throws(() => parseRolloutJob(bad((j) => { (j.subEnvs as { cursor: { actions: unknown[] } }[])[0].cursor.actions = [0, 'rm -rf']; })), { message: /job\.subEnvs\[0\]\.cursor\.actions\[1\] must be a finite number/ });
  t.throws(() => parseRolloutJob(bad((j) => { (j.subEnvs as unknown[]).push((j.subEnvs as unknown[])[0]); })), { message: /job\.subEnvs\[1\]\.index 0 appears twice/ });
  t.throws(() => parseRolloutJob(bad((j) => { (j.policy as Record<string, unknown>).activation = 'eval'; })), { message: /job\.policy\.activation must be "tanh" or "relu"/ });
  t.throws(() => parseRolloutJob(bad((j) => { j.subEnvs = []; })), { message: /job\.subEnvs must not be empty/ });
  t.throws(() => parseRolloutJob('{"format":1}'), { message: /job must be an object, got "\{\\"format\\":1\}"/ });
});

test('a job whose weights do not fit the network is refused before stepping', (t) => {
  const job = validJob();
  const error = t.throws(() => collectShard({ ...job, policy: { ...job.policy, weights: 'AAAA' } }));
  t.regex(error?.message ?? '', /job\.policy\.weights must hold \d+ Float32Array elements/);
});

test.serial('malformed, forbidden-module and unknown-env jobs fail with their reason; the consumers keep serving', async (t) => {
  const connection = redisConnectionOptions(parseRedisUrl(redis.url));
  const queue = new Queue('flash-gym-rollouts', { connection });
  const events = new QueueEvents('flash-gym-rollouts', { connection });
  try {
    await events.waitUntilReady();
    const job = validJob();
    const cases: [unknown, RegExp][] = [
      [{ ...job, nSteps: 'many' }, /malformed rollout job bad-0: job\.nSteps must be an integer/],
      [{ ...job, env: { ...job.env, modules: ['/etc/passwd.js'] } }, /malformed rollout job bad-1: job\.env\.modules\[0\]: .*(not allowed|does not exist)/],
      [{ ...job, env: { ...job.env, id: 'NoSuchEnv-v9' } }, /malformed rollout job bad-2: job\.env\.id: .*NoSuchEnv-v9/],
      [null, /malformed rollout job bad-3: job must be an object, got null/],
    ];
    for (const [i, [data, reason]] of cases.entries()) {
      const added = await queue.add('rollout', data, { jobId: `bad-${i}`, attempts: 3 });
      const error = await t.throwsAsync(added.waitUntilFinished(events, 20_000));
      t.regex(error?.message ?? '', reason);
      const failed = await queue.getJob(`bad-${i}`);
      t.is(failed?.attemptsMade, 1, 'a malformed job is not retried');
    }
    // Still serving: a valid job completes.
    const ok = await queue.add('rollout', job, { jobId: 'good-0' });
    const result = (await ok.waitUntilFinished(events, 20_000)) as { nSteps: number };
    t.is(typeof result === 'string' ? (JSON.parse(result) as { nSteps: number }).nSteps : result.nSteps, 8);
    t.false(logs.some((line) => line.includes('s3cret')), 'the password never appears in logs');
  } finally {
    await events.close();
    await queue.obliterate({ force: true });
    await queue.close();
  }
});

test('rollouts option errors name what is wrong', (t) => {
  const env = make('CartPole-v1');
  t.throws(() => new PPO(env, { rollouts: { queue: 'http://x', workers: 1, env: { id: 'CartPole-v1' } } }), { message: /rollouts\.queue must be a redis:\/\/ or rediss:\/\/ URL/ });
  t.throws(() => new PPO(env, { rollouts: { queue: 'redis://h', workers: 2, env: { id: 'CartPole-v1' } } }), { message: /rollouts\.workers \(2\) must be at most the number of envs \(1\)/ });
  t.throws(() => new PPO(env, { rollouts: { queue: 'redis://h', workers: 1, env: { id: 'CartPole-v1' }, runId: 'a:b' } }), { message: /runId must be/ });
  t.throws(() => new PPO(env, { rollouts: { queue: 'redis://h', workers: 1 } as never }), { message: /rollouts\.env must be/ });
  t.throws(() => new PPO(env, { rollouts: { queue: 'redis://h', workers: 1, env: { id: 'CartPole-v1' }, extra: 1 } as never }), { message: /unknown rollouts option "extra"/ });
});

test('the meta-trainer refuses distributed rollouts instead of training on the wrong env', (t) => {
  const config = { envId: 'CartPole-v1', conditioning: 'none' as const, seed: 1, ppo: { rollouts: { queue: 'redis://127.0.0.1', workers: 1, env: { id: 'CartPole-v1' } } } };
  t.throws(() => MetaLearner.create(config, [{}] as never), { message: /ppo\.rollouts .* not supported by the meta-trainer yet/ });
});

test.serial('a job added twice under its deterministic id is one BullMQ job: both waits get its one result', async (t) => {
  t.is(rolloutJobId('run-1', 3, 1), 'run-1.u3.s1');
  const client = await RolloutClient.open(redis.url);
  try {
    const job = { ...validJob(), runId: 'dup' };
    const [first, second] = await client.run([job, job]);
    t.deepEqual(first, second);
    t.is((first as { runId: string }).runId, 'dup');
  } finally {
    await client.close();
  }
});

test.serial('with no worker on the queue the learner fails after jobTimeoutMs, naming the URL without its password', async (t) => {
  const env = await makeVec('CartPole-v1', { numEnvs: 2 });
  try {
    const agent = new PPO(env, { seed: 1, nSteps: 8, backend: 'cpu', rollouts: { queue: redis.url, workers: 2, env: { id: 'CartPole-v1' }, queueName: 'nobody-serves-this', jobTimeoutMs: 500 } });
    const error = await t.throwsAsync(agent.learn({ totalTimesteps: 16 }));
    t.regex(error?.message ?? '', /did not finish within 500 ms; is a rollout worker running on redis:\/\/:\*\*\*@127\.0\.0\.1/);
    t.false(error?.message.includes('s3cret'));
  } finally {
    env.close();
  }
});
