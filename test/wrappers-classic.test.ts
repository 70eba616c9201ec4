import test from 'ava';
import { checkEnv } from '../envs/checker/index.js';
import '../envs/classic/index.js'; // registers CartPole-v1 and Pendulum-v1
import { make } from '../envs/registry/index.js';
import {
  DiscretizeObservation,
  FrameStackObservation,
  NormalizeObservation,
  RecordEpisodeStatistics,
  RescaleAction,
  type EpisodeStatistics,
} from '../envs/wrappers/index.js';

// The wrappers on the registered classic envs, through `make` (order enforcing, time limit, checker).

test('RescaleAction on Pendulum-v1: action a in [-1, 1] drives exactly the bare env with torque 2a', (t) => {
  const bare = make<Float32Array, Float32Array>('Pendulum-v1');
  const rescaled = new RescaleAction(make<Float32Array, Float32Array>('Pendulum-v1'), -1, 1);
  t.deepEqual(Array.from(rescaled.actionSpace.high), [1]);
  t.deepEqual(Array.from(rescaled.reset({ seed: 11 }).observation), Array.from(bare.reset({ seed: 11 }).observation));
  for (let i = 0; i < 200; i++) {
    const a = Math.fround(Math.sin(i / 7));
    const w = rescaled.step(Float32Array.of(a));
    const b = bare.step(Float32Array.of(2 * a));
    t.deepEqual(Array.from(w.observation), Array.from(b.observation), `step ${i}`);
    t.is(w.reward, b.reward);
    t.is(w.truncated, b.truncated);
  }
});

test('RecordEpisodeStatistics on CartPole-v1: r and l equal the steps survived (reward 1 each)', (t) => {
  const env = new RecordEpisodeStatistics(make<Float32Array, number>('CartPole-v1'));
  for (let episode = 0; episode < 3; episode++) {
    env.reset({ seed: episode });
    let steps = 0;
    let sum = 0;
    for (;;) {
      const r = env.step(steps % 3 === 0 ? 1 : 0); // a poor fixed policy: it falls within tens of steps
      steps++;
      sum += r.reward;
      if (r.terminated || r.truncated) {
        const stats = r.info.episode as EpisodeStatistics;
        t.deepEqual([stats.r, stats.l], [sum, steps]);
        t.true(r.terminated);
        break;
      }
    }
  }
  t.is(env.returnQueue.length, 3);
});

test('FrameStack, Discretize and NormalizeObservation on CartPole-v1 pass the env checker', (t) => {
  const stacked = new FrameStackObservation(make<Float32Array, number>('CartPole-v1'), 4);
  t.deepEqual(stacked.observationSpace.shape, [4, 4]);
  t.notThrows(() => checkEnv(stacked));
  // CartPole's velocities are unbounded: Discretize needs explicit bounds there.
  t.throws(() => new DiscretizeObservation(make<Float32Array, number>('CartPole-v1'), { bins: 3 }), { message: /low\[1\] is -Infinity/ });
  const tabular = new DiscretizeObservation(make<Float32Array, number>('CartPole-v1'), {
    bins: [1, 3, 6, 3],
    low: [-2.4, -2, -0.21, -2],
    high: [2.4, 2, 0.21, 2],
  });
  t.is(tabular.observationSpace.n, 54);
  t.notThrows(() => checkEnv(tabular));
  const normalized = new NormalizeObservation(make<Float32Array, number>('CartPole-v1'));
  normalized.reset({ seed: 5 });
  for (let i = 0; i < 20; i++) {
    const { observation, terminated } = normalized.step(i % 2);
    t.true(observation.every(Number.isFinite));
    if (terminated) break;
  }
  t.true(normalized.obsRms.count > 2);
});
