import test from 'ava';
import { fileURLToPath } from 'node:url';
import { make } from '../envs/registry/registry.js';
import { Rng } from '../envs/rng/rng.js';
import { makeVec } from '../envs/vector/make-vec.js';
import type { AutoresetMode } from '../envs/vector/vector-env.js';
import { NormalizeObservationVec } from '../envs/vector/wrappers/normalize-observation.js';
import { NormalizeRewardVec } from '../envs/vector/wrappers/normalize-reward.js';
import { RecordEpisodeStatisticsVec } from '../envs/vector/wrappers/record-episode-statistics.js';
import './fixtures/vector-envs.js';

const FIXTURES = fileURLToPath(new URL('./fixtures/vector-envs.js', import.meta.url));
const N = 4;

function plan(steps: number, seed: number): Int32Array[] {
  const rng = new Rng(seed);
  return Array.from({ length: steps }, () => Int32Array.from({ length: N }, () => rng.integers(0, 3)));
}

/** Episode (return, length) per sub-env, in order, from separate single envs driven by the same actions. */
function referenceEpisodes(actions: Int32Array[], seed: number, autoreset: AutoresetMode): Array<Array<[number, number]>> {
  return Array.from({ length: N }, (_, i) => {
    const env = make<Float32Array, number>('VecTest/RandomWalk-v0');
    env.reset({ seed: seed + i });
    const episodes: Array<[number, number]> = [];
    let ret = 0;
    let len = 0;
    let skip = false;
    for (const a of actions) {
      if (skip) {
        // Next-step mode: this step of the vector env is the autoreset, not an env step.
        env.reset();
        skip = false;
        continue;
      }
      const r = env.step(a[i]);
      ret += r.reward;
      len++;
      if (r.terminated || r.truncated) {
        episodes.push([ret, len]);
        ret = 0;
        len = 0;
        if (autoreset === 'next-step') skip = true;
        else env.reset();
      }
    }
    return episodes;
  });
}

for (const autoreset of ['next-step', 'same-step'] as const) {
  test(`RecordEpisodeStatisticsVec (${autoreset}) reports each episode's return and length, as separate envs give them`, async (t) => {
    const actions = plan(80, 2);
    const expected = referenceEpisodes(actions, 60, autoreset);
    let clock = 0;
    const venv = new RecordEpisodeStatisticsVec(await makeVec('VecTest/RandomWalk-v0', { numEnvs: N, autoreset }), { clock: () => clock });
    venv.reset({ seed: 60 });
    const got: Array<Array<[number, number]>> = Array.from({ length: N }, () => []);
    for (const a of actions) {
      clock += 0.5;
      const { infos } = venv.step(a);
      const mask = infos._episode as Uint8Array | undefined;
      if (mask === undefined) continue;
      const { r, l, t: seconds } = infos.episode as { r: Float64Array; l: Float64Array; t: Float64Array };
      for (let i = 0; i < N; i++) {
        if (mask[i]) got[i].push([r[i], l[i]]);
        else t.is(r[i], 0);
        if (mask[i]) t.true(seconds[i] > 0 && seconds[i] % 0.5 === 0);
      }
    }
    t.deepEqual(got, expected);
    t.is(venv.episodeCount, expected.flat().length);
    t.true(venv.episodeCount >= 8);
    t.deepEqual(venv.returnQueue.slice(-1), [venv.returnQueue[venv.returnQueue.length - 1]]);
    await venv.close();
  });
}

test('NormalizeObservationVec: statistics merge each batch with the prior (mean 0, var 1, count 1e-4) by the pooled-moment formula', async (t) => {
  const inner = await makeVec('VecTest/RandomWalk-v0', { numEnvs: N });
  const raw = await makeVec('VecTest/RandomWalk-v0', { numEnvs: N });
  const venv = new NormalizeObservationVec(inner);
  t.is(venv.singleObservationSpace.toString(), 'Box(-inf, inf, (3,), float32)');
  const seen: number[][] = [];
  const check = (normalized: ArrayLike<number>, rawObs: ArrayLike<number>): void => {
    for (let i = 0; i < N; i++) seen.push(Array.from({ length: 3 }, (_, d) => rawObs[i * 3 + d]));
    for (let d = 0; d < 3; d++) {
      // Pooled moments of every observation so far plus the prior, computed from scratch.
      const count = seen.length + 1e-4;
      const mean = seen.reduce((s, row) => s + row[d], 0) / count;
      const secondMoment = (1e-4 * 1 + seen.reduce((s, row) => s + row[d] * row[d], 0)) / count;
      const variance = secondMoment - mean * mean;
      for (let i = 0; i < N; i++) {
        const expected = Math.fround((rawObs[i * 3 + d] - mean) / Math.sqrt(variance + 1e-8));
        t.true(Math.abs(normalized[i * 3 + d] - expected) <= 1e-5 * Math.max(1, Math.abs(expected)), `dim ${d} env ${i}: ${normalized[i * 3 + d]} vs ${expected}`);
      }
    }
  };
  check(venv.reset({ seed: 3 }).observations.data, raw.reset({ seed: 3 }).observations.data);
  for (const a of plan(30, 5)) check(venv.step(a).observations.data, raw.step(a).observations.data);
  const state = venv.getState();
  t.is(state.count, seen.length + 1e-4);
  await venv.close();
  await raw.close();
});

test('NormalizeRewardVec: rewards divided by the std of discounted returns G = G·γ·(1 − terminated) + r', async (t) => {
  const gamma = 0.9;
  const venv = new NormalizeRewardVec(await makeVec('VecTest/RandomWalk-v0', { numEnvs: N }), { gamma });
  const raw = await makeVec('VecTest/RandomWalk-v0', { numEnvs: N });
  venv.reset({ seed: 8 });
  raw.reset({ seed: 8 });
  const returns = new Float64Array(N);
  const pooled: number[] = [];
  let sawTermination = false;
  for (const a of plan(50, 6)) {
    const r = raw.step(a);
    const rewards = Array.from(r.rewards);
    for (let i = 0; i < N; i++) {
      returns[i] = returns[i] * gamma * (1 - r.terminations[i]) + rewards[i];
      pooled.push(returns[i]);
      sawTermination ||= r.terminations[i] === 1;
    }
    const count = pooled.length + 1e-4;
    const mean = pooled.reduce((s, g) => s + g, 0) / count;
    const variance = (1e-4 + pooled.reduce((s, g) => s + g * g, 0)) / count - mean * mean;
    const got = venv.step(a).rewards;
    for (let i = 0; i < N; i++) {
      const expected = rewards[i] / Math.sqrt(variance + 1e-8);
      t.true(Math.abs(got[i] - expected) <= 1e-9 * Math.max(1, Math.abs(expected)), `${got[i]} vs ${expected}`);
    }
  }
  t.true(sawTermination);
  await venv.close();
  await raw.close();
});

test('vector wrappers work over a worker env, through step and through stepAsync/stepWait alike', async (t) => {
  const actions = plan(40, 9);
  const expected = referenceEpisodes(actions, 70, 'next-step');
  const venv = new RecordEpisodeStatisticsVec(await makeVec('VecTest/RandomWalk-v0', { numEnvs: N, mode: 'worker', workers: 2, modules: [FIXTURES] }));
  t.teardown(() => venv.close());
  venv.reset({ seed: 70 });
  const got: Array<Array<[number, number]>> = Array.from({ length: N }, () => []);
  for (const [k, a] of actions.entries()) {
    let infos;
    if (k % 2 === 0) infos = venv.step(a).infos;
    else {
      venv.stepAsync(a);
      infos = (await venv.stepWait()).infos;
    }
    const mask = infos._episode as Uint8Array | undefined;
    if (mask === undefined) continue;
    const { r, l } = infos.episode as { r: Float64Array; l: Float64Array };
    for (let i = 0; i < N; i++) if (mask[i]) got[i].push([r[i], l[i]]);
  }
  t.deepEqual(got, expected);
  await venv.close();
});
