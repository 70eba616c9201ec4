import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { make } from '../envs/index.js';
import { SyncVectorEnv } from '../envs/vector/index.js';
import type { Env } from '../envs/core/env.js';
import { DQN, PPO, evaluatePolicy, selectBackend, EvalCallback, CheckpointCallback } from '../agents/index.js';

// Learning runs are seeded and short; they use the plain-JS cpu backend, which always loads.
test.before(async () => {
  await selectBackend('cpu');
});

const RANDOM_CARTPOLE_RETURN = 22;

function randomReturn(env: Env, episodes: number): number {
  let total = 0;
  env.reset({ seed: 77 });
  env.actionSpace.seed(77);
  for (let e = 0; e < episodes; e++) {
    env.reset();
    for (;;) {
      const s = env.step(env.actionSpace.sample());
      total += s.reward;
      if (s.terminated || s.truncated) break;
    }
  }
  return total / episodes;
}

test.serial('PPO learns CartPole-v1: evaluation return far above a random policy', async (t) => {
  const random = randomReturn(make('CartPole-v1'), 20);
  t.true(random < 2 * RANDOM_CARTPOLE_RETURN, `random policy returned ${random}`);
  const agent = new PPO(make('CartPole-v1'), { seed: 3, nSteps: 1024, nEpochs: 5, backend: 'cpu' });
  await agent.learn({ totalTimesteps: 12288 });
  const { meanReward } = evaluatePolicy(agent, make('CartPole-v1'), { nEvalEpisodes: 10, seed: 1000 });
  t.log(`PPO after 12k steps: eval ${meanReward}, random ${random}`);
  t.true(meanReward >= 150, `mean eval return ${meanReward}`);
});

test.serial('DQN learns CartPole-v1: evaluation return far above a random policy', async (t) => {
  const agent = new DQN(make('CartPole-v1'), {
    seed: 2,
    learningRate: 2.3e-3,
    batchSize: 64,
    bufferSize: 100000,
    learningStarts: 1000,
    targetUpdateInterval: 10,
    trainFreq: 256,
    gradientSteps: 64,
    explorationFraction: 0.16,
    explorationFinalEps: 0.04,
    policyKwargs: { netArch: [64, 64] },
    backend: 'cpu',
  });
  await agent.learn({ totalTimesteps: 15000 });
  const { meanReward } = evaluatePolicy(agent, make('CartPole-v1'), { nEvalEpisodes: 10, seed: 1000 });
  t.log(`DQN after 15k steps: eval ${meanReward}`);
  t.true(meanReward >= 100, `mean eval return ${meanReward}`);
});

test.serial('same seed, same training; numTensors stays flat across updates', async (t) => {
  const run = async () => {
    const agent = new PPO(make('CartPole-v1'), { seed: 11, nSteps: 128, batchSize: 32, nEpochs: 2, backend: 'cpu' });
    await agent.learn({ totalTimesteps: 256 });
    return agent;
  };
  const a = await run();
  const before = tf.memory().numTensors;
  await a.learn({ totalTimesteps: 512, resetNumTimesteps: false });
  t.is(tf.memory().numTensors, before, 'no tensor leaked by 4 more PPO updates');
  const b = await run();
  await b.learn({ totalTimesteps: 512, resetNumTimesteps: false });
  t.deepEqual(a.policy.params.values, b.policy.params.values);
  const c = new PPO(make('CartPole-v1'), { seed: 12, nSteps: 128, backend: 'cpu' });
  t.notDeepEqual(c.policy.params.values, a.policy.params.values);
  const d = new DQN(make('CartPole-v1'), { seed: 1, learningStarts: 10, trainFreq: 8, gradientSteps: 2, batchSize: 16, backend: 'cpu' });
  await d.learn({ totalTimesteps: 64 });
  const dqnBefore = tf.memory().numTensors;
  await d.learn({ totalTimesteps: 128, resetNumTimesteps: false });
  t.is(tf.memory().numTensors, dqnBefore, 'no tensor leaked by DQN updates');
});

test.serial('save → load gives the same actions, deterministic and sampled', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'flash-gym-agents-'));
  const agent = new PPO(make('CartPole-v1'), { seed: 4, nSteps: 256, backend: 'cpu' });
  await agent.learn({ totalTimesteps: 512 });
  await agent.save(join(dir, 'ppo'));
  const loaded = await PPO.load(join(dir, 'ppo'), make('CartPole-v1'));
  const env = make('CartPole-v1');
  let { observation } = env.reset({ seed: 9 });
  for (let i = 0; i < 100; i++) {
    const a = agent.predict(observation, { deterministic: true });
    t.is(loaded.predict(observation, { deterministic: true }), a);
    t.is(loaded.predict(observation), agent.predict(observation)); // same RNG state → same samples
    const s = env.step(a);
    observation = s.terminated || s.truncated ? env.reset().observation : s.observation;
  }
  const pendulum = make('Pendulum-v1');
  const gauss = new PPO(pendulum, { seed: 4, nSteps: 64, backend: 'cpu' });
  await gauss.learn({ totalTimesteps: 64 });
  await gauss.save(join(dir, 'ppo-pendulum'));
  const gaussLoaded = await PPO.load(join(dir, 'ppo-pendulum'));
  const obs = pendulum.reset({ seed: 1 }).observation;
  t.deepEqual(gaussLoaded.predict(obs), gauss.predict(obs));
});

test.serial('resume from a checkpoint gives the same result as an uninterrupted run (PPO and DQN)', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'flash-gym-resume-'));
  const ppoOptions = { seed: 21, nSteps: 128, batchSize: 32, nEpochs: 3, backend: 'cpu' as const };
  const whole = new PPO(make('CartPole-v1'), ppoOptions);
  await whole.learn({ totalTimesteps: 512 });
  const env = make('CartPole-v1');
  const first = new PPO(env, ppoOptions);
  await first.learn({ totalTimesteps: 256 });
  await first.save(join(dir, 'ppo'));
  const resumed = await PPO.load(join(dir, 'ppo'), env, { continueEpisodes: true });
  await resumed.learn({ totalTimesteps: 256, resetNumTimesteps: false });
  t.is(resumed.numTimesteps, 512);
  t.deepEqual(resumed.policy.params.values, whole.policy.params.values);

  // DQN: ε is held constant so that both runs share one schedule; the checkpoint holds the replay buffer.
  const dqnOptions = { seed: 8, learningStarts: 40, trainFreq: 16, gradientSteps: 4, batchSize: 16, bufferSize: 500, targetUpdateInterval: 50, explorationInitialEps: 0.2, explorationFinalEps: 0.2, backend: 'cpu' as const };
  const dqnWhole = new DQN(make('CartPole-v1'), dqnOptions);
  await dqnWhole.learn({ totalTimesteps: 400 });
  const dqnEnv = make('CartPole-v1');
  const dqnFirst = new DQN(dqnEnv, dqnOptions);
  await dqnFirst.learn({ totalTimesteps: 200 });
  await dqnFirst.save(join(dir, 'dqn'));
  const dqnResumed = await DQN.load(join(dir, 'dqn'), dqnEnv, { continueEpisodes: true });
  await dqnResumed.learn({ totalTimesteps: 200, resetNumTimesteps: false });
  t.deepEqual(dqnResumed.params.values, dqnWhole.params.values);
  t.deepEqual(dqnResumed.targetParams.values, dqnWhole.targetParams.values);
});

test.serial('PPO on a next-step vector env; callbacks evaluate and checkpoint', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'flash-gym-vec-'));
  const vec = new SyncVectorEnv(Array.from({ length: 4 }, () => () => make('CartPole-v1')));
  t.is(vec.autoresetMode, 'next-step');
  const agent = new PPO(vec, { seed: 5, nSteps: 64, batchSize: 64, nEpochs: 4, backend: 'cpu' });
  const evalCb = new EvalCallback(make('CartPole-v1'), { evalFreq: 128, nEvalEpisodes: 2, bestModelSavePath: dir });
  const ckpt = new CheckpointCallback({ saveFreq: 100, savePath: dir });
  await agent.learn({ totalTimesteps: 1024, callbacks: [evalCb, ckpt] });
  t.is(agent.numTimesteps, 1024);
  t.is(evalCb.evaluations.length, 2);
  t.true(ckpt.saved.length >= 2);
  const stats = agent.episodeStats();
  t.true(stats.count > 0 && stats.meanLength > 5);
  const restored = await PPO.load(join(dir, 'best_model'));
  t.true(restored.numTimesteps > 0);
  vec.close();
});
