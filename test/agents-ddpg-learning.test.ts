import test from 'ava';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { make } from '../envs/index.js';
import { DDPG, type DDPGOptions } from '../agents/ddpg.js';
import { TD3 } from '../agents/td3.js';
import { evaluatePolicy } from '../agents/common/evaluation.js';
import { CheckpointError } from '../agents/common/checkpoint.js';

// A uniformly random policy scores about −1200 on Pendulum-v1 (Gymnasium's leaderboard and our own runs).
const RANDOM_PENDULUM = -1200;

/** Small, fast settings: zoo-like γ and noise, small nets and batches so a test runs in about a minute. */
const FAST: DDPGOptions = { gamma: 0.98, batchSize: 64, learningStarts: 500, actionNoise: { type: 'normal', sigma: 0.1 }, policyKwargs: { netArch: [64, 64] } };

test('DDPG improves Pendulum-v1 far beyond a random policy within 5k steps', async (t) => {
  const agent = new DDPG(make('Pendulum-v1'), { ...FAST, seed: 1 });
  await agent.learn({ totalTimesteps: 5000 });
  t.is(agent.engine, 'typed-array');
  const result = evaluatePolicy(agent, make('Pendulum-v1'), { nEvalEpisodes: 10, seed: 123 });
  t.log(`DDPG eval after 5k steps: ${result.meanReward.toFixed(1)} ± ${result.stdReward.toFixed(1)}`);
  t.true(result.meanReward > -600, `mean eval return ${result.meanReward}`);
  t.true(result.meanReward > RANDOM_PENDULUM + 600);
});

test('TD3 improves Pendulum-v1 over a random policy within 6k steps', async (t) => {
  const agent = new TD3(make('Pendulum-v1'), { ...FAST, seed: 1 });
  await agent.learn({ totalTimesteps: 6000 });
  const result = evaluatePolicy(agent, make('Pendulum-v1'), { nEvalEpisodes: 10, seed: 123 });
  t.log(`TD3 eval after 6k steps: ${result.meanReward.toFixed(1)} ± ${result.stdReward.toFixed(1)}`);
  t.true(result.meanReward > RANDOM_PENDULUM + 300, `mean eval return ${result.meanReward}`);
  t.is(agent.nUpdates, 6000 - 500);
});

/** Tiny settings for exactness tests: a few hundred steps with updates from step 50. */
const TINY: DDPGOptions = { batchSize: 16, learningStarts: 50, bufferSize: 1000, actionNoise: { type: 'ornstein-uhlenbeck', sigma: 0.3 }, policyKwargs: { netArch: [16, 16] } };

test('same seed gives the same agent; save → load gives the same actions; resuming equals an uninterrupted run', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'flash-gym-ddpg-'));
  try {
    const straight = new TD3(make('Pendulum-v1'), { ...TINY, seed: 4 });
    await straight.learn({ totalTimesteps: 300 });
    const again = new TD3(make('Pendulum-v1'), { ...TINY, seed: 4 });
    await again.learn({ totalTimesteps: 300 });
    t.deepEqual(Array.from(again.policy.criticParams.values), Array.from(straight.policy.criticParams.values));

    // Interrupted: 150 steps, save, load (continuing the very env), 150 more.
    const env = make('Pendulum-v1');
    const first = new TD3(env, { ...TINY, seed: 4 });
    await first.learn({ totalTimesteps: 150 });
    await first.save(join(dir, 'td3'));
    const resumed = await TD3.load(join(dir, 'td3'), env, { continueEpisodes: true });
    for (let k = 0; k < 5; k++) {
      const obs = Float32Array.from([Math.cos(k), Math.sin(k), k - 2]);
      t.deepEqual(resumed.predict(obs), first.predict(obs), 'the loaded agent acts as the saved one');
    }
    await resumed.learn({ totalTimesteps: 150, resetNumTimesteps: false });
    t.is(resumed.numTimesteps, 300);
    t.is(resumed.nUpdates, straight.nUpdates);
    for (const key of ['actorParams', 'criticParams', 'actorTarget', 'criticTarget'] as const) {
      t.deepEqual(Array.from(resumed.policy[key].values), Array.from(straight.policy[key].values), `${key} after resuming`);
    }

    // A TD3 checkpoint is not a DDPG one; a corrupt one is reported.
    await t.throwsAsync(DDPG.load(join(dir, 'td3')), { instanceOf: CheckpointError, message: /checkpoint of TD3, not DDPG/ });
    writeFileSync(join(dir, 'td3', 'weights.bin'), Buffer.from([1, 2, 3, 4]));
    await t.throwsAsync(TD3.load(join(dir, 'td3')), { instanceOf: CheckpointError, message: /weights\.bin is corrupt/ });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the tfjs engine keeps tf.memory().numTensors flat over many updates', async (t) => {
  const agent = new DDPG(make('Pendulum-v1'), { ...TINY, seed: 2, engine: 'tfjs' });
  await agent.learn({ totalTimesteps: 100 });
  t.is(agent.engine, 'tfjs');
  const before = tf.memory().numTensors;
  await agent.learn({ totalTimesteps: 300, resetNumTimesteps: false });
  t.is(tf.memory().numTensors, before);
  t.is(agent.nUpdates, 400 - 50);
});
