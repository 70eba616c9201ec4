import test from 'ava';
import ndarray from 'ndarray';
import { make } from '../envs/registry/registry.js';
import type { Env } from '../envs/core/env.js';
import { InvalidActionError } from '../envs/core/errors.js';
import { Box } from '../envs/spaces/box.js';
import { MultiDiscrete } from '../envs/spaces/multi-discrete.js';
import { SyncVectorEnv } from '../envs/vector/sync-vector-env.js';
import { SubEnvError } from '../envs/vector/sub-env-error.js';
import { Rng } from '../envs/rng/rng.js';
import './fixtures/vector-envs.js';

const N = 4;
const walkFns = (n = N): Array<() => Env<Float32Array, number>> => Array.from({ length: n }, () => () => make<Float32Array, number>('VecTest/RandomWalk-v0'));

/** Seeded random Discrete(3) actions for `steps` steps of `n` sub-envs. */
function actionPlan(steps: number, n = N, seed = 7): Int32Array[] {
  const rng = new Rng(seed);
  return Array.from({ length: steps }, () => Int32Array.from({ length: n }, () => rng.integers(0, 3)));
}

test('reset gives sub-env i the seed seed + i, and batched spaces follow Gymnasium batch_space', (t) => {
  const venv = new SyncVectorEnv(walkFns());
  const { observations, infos } = venv.reset({ seed: 40 });
  t.deepEqual(observations.shape, [N, 3]);
  for (let i = 0; i < N; i++) {
    const single = make<Float32Array, number>('VecTest/RandomWalk-v0').reset({ seed: 40 + i });
    t.deepEqual(Array.from({ length: 3 }, (_, k) => observations.get(i, k)), Array.from(single.observation));
  }
  t.deepEqual(infos.phase, ['reset', 'reset', 'reset', 'reset']);
  t.deepEqual(Array.from(infos._phase as Uint8Array), [1, 1, 1, 1]);
  t.true(venv.observationSpace instanceof Box);
  t.deepEqual(venv.observationSpace.shape, [N, 3]);
  t.true(venv.actionSpace instanceof MultiDiscrete);
  t.deepEqual(Array.from((venv.actionSpace as MultiDiscrete).nvec), [3, 3, 3, 3]);
  venv.close();
});

/**
 * Reference for next-step autoreset, from Gymnasium's documentation: separate envs, and a step of an env
 * that ended on the previous step is a reset that returns reward 0 and no flags.
 */
function referenceNextStep(seed: number, plan: Int32Array[]) {
  const envs = walkFns().map((fn) => fn());
  envs.forEach((env, i) => env.reset({ seed: seed + i }));
  const ended = new Array<boolean>(N).fill(false);
  return plan.map((actions) =>
    envs.map((env, i) => {
      if (ended[i]) {
        ended[i] = false;
        const reset = env.reset();
        return { obs: Array.from(reset.observation), reward: 0, terminated: false, truncated: false, info: reset.info };
      }
      const r = env.step(actions[i]);
      ended[i] = r.terminated || r.truncated;
      return { obs: Array.from(r.observation), reward: r.reward, terminated: r.terminated, truncated: r.truncated, info: r.info };
    }),
  );
}

test('next-step autoreset matches the documented rule step by step, with Gymnasium-style info masks', (t) => {
  const plan = actionPlan(60);
  const expected = referenceNextStep(11, plan);
  const venv = new SyncVectorEnv(walkFns());
  venv.reset({ seed: 11 });
  let sawEnd = false;
  let sawTruncation = false;
  plan.forEach((actions, s) => {
    const { observations, rewards, terminations, truncations, infos } = venv.step(actions);
    for (let i = 0; i < N; i++) {
      const e = expected[s][i];
      t.deepEqual([observations.get(i, 0), observations.get(i, 1), observations.get(i, 2)], e.obs, `step ${s} env ${i}`);
      t.is(rewards[i], e.reward);
      t.is(terminations[i], e.terminated ? 1 : 0);
      t.is(truncations[i], e.truncated ? 1 : 0);
      sawEnd ||= e.terminated;
      sawTruncation ||= e.truncated;
      const even = infos._evenStep as Uint8Array | undefined;
      t.is(even?.[i] ?? 0, 'evenStep' in e.info ? 1 : 0);
      if ('evenStep' in e.info) t.is((infos.evenStep as Float64Array)[i], e.info.evenStep as number);
      const phase = infos._phase as Uint8Array | undefined;
      t.is(phase?.[i] ?? 0, e.info.phase === 'reset' ? 1 : 0);
    }
  });
  t.true(sawEnd && sawTruncation, 'the plan must exercise both terminations and truncations');
  venv.close();
});

test('same-step autoreset returns the reset observation with finalObs/finalInfo of the ended episode', (t) => {
  const plan = actionPlan(60, N, 3);
  const venv = new SyncVectorEnv(walkFns(), { autoreset: 'same-step' });
  venv.reset({ seed: 5 });
  const envs = walkFns().map((fn) => fn());
  envs.forEach((env, i) => env.reset({ seed: 5 + i }));
  let ends = 0;
  for (const actions of plan) {
    const { observations, rewards, terminations, truncations, infos } = venv.step(actions);
    envs.forEach((env, i) => {
      const r = env.step(actions[i]);
      t.is(rewards[i], r.reward);
      t.is(terminations[i] | truncations[i], r.terminated || r.truncated ? 1 : 0);
      const row = [observations.get(i, 0), observations.get(i, 1), observations.get(i, 2)];
      if (r.terminated || r.truncated) {
        ends++;
        t.is((infos._finalObs as Uint8Array)[i], 1);
        t.deepEqual(Array.from((infos.finalObs as Float32Array[])[i]), Array.from(r.observation));
        const finalInfo = infos.finalInfo as Record<string, unknown>;
        t.is((infos._finalInfo as Uint8Array)[i], 1);
        if (r.terminated) t.is((finalInfo.fellOff as Uint8Array)[i], 1);
        const reset = env.reset();
        t.deepEqual(row, Array.from(reset.observation));
        t.is((infos.phase as unknown[])[i], 'reset');
      } else {
        t.is((infos._finalObs as Uint8Array | undefined)?.[i] ?? 0, 0);
        t.deepEqual(row, Array.from(r.observation));
      }
    });
  }
  t.true(ends > 3);
  venv.close();
});

test('disabled autoreset: stepping an ended sub-env is an error until reset with a resetMask', (t) => {
  const venv = new SyncVectorEnv(walkFns(), { autoreset: 'disabled' });
  venv.reset({ seed: 1 });
  const stay = new Int32Array(N).fill(1);
  let result = venv.step(stay);
  let steps = 1;
  while (!Array.from(result.terminations).some((v, i) => v || result.truncations[i])) {
    result = venv.step(stay);
    steps++;
  }
  const ended = Array.from({ length: N }, (_, i) => result.terminations[i] | result.truncations[i]);
  const before = Array.from(result.observations.data);
  const error = t.throws(() => venv.step(stay));
  t.regex(error.message, /ended and autoreset is "disabled"/);
  t.deepEqual(Array.from(result.observations.data), before, 'nothing was stepped');
  const reset = venv.reset({ options: { resetMask: ended.map((v) => v === 1) } });
  t.deepEqual(Object.keys(reset.infos).sort(), ['_phase', '_start', 'phase', 'start']);
  for (let i = 0; i < N; i++) {
    t.is((reset.infos._phase as Uint8Array)[i], ended[i]);
    if (!ended[i]) t.is(reset.observations.get(i, 0), before[i * 3], 'unmasked sub-envs keep their observation');
  }
  t.notThrows(() => venv.step(stay));
  t.true(steps <= 12);
  venv.close();
});

test('reset options reach every sub-env; a bad reset mask or seed is rejected before anything resets', (t) => {
  const venv = new SyncVectorEnv(walkFns());
  const { observations } = venv.reset({ seed: 0, options: { start: 2.5 } });
  for (let i = 0; i < N; i++) t.is(observations.get(i, 0), 2.5);
  t.throws(() => venv.reset({ options: { resetMask: [true, false] } }), { message: /resetMask must be 4 booleans/ });
  t.throws(() => venv.reset({ seed: [1, 2] }), { message: /seed must be an integer or an array of 4/ });
  t.throws(() => venv.reset({ seed: 1.5 }), { message: /seed/ });
  t.is(observations.get(0, 0), 2.5);
  venv.close();
});

test('bad actions are rejected with a clear error before any sub-env is stepped', (t) => {
  const plan = actionPlan(8);
  const clean = new SyncVectorEnv(walkFns());
  clean.reset({ seed: 9 });
  const venv = new SyncVectorEnv(walkFns());
  venv.reset({ seed: 9 });
  t.throws(() => venv.step([1, 1, 1]), { instanceOf: InvalidActionError, message: /got 3 action values for 4 sub-envs/ });
  t.throws(() => venv.step([1, 1, 3, 1]), { instanceOf: InvalidActionError, message: /sub-env 2 is 3; allowed: integers in \[0, 2\]/ });
  t.throws(() => venv.step([1, 0.5, 1, 1]), { instanceOf: InvalidActionError, message: /sub-env 1 is 0.5/ });
  t.throws(() => venv.step([1, 1, 1, Number.NaN]), { instanceOf: InvalidActionError, message: /sub-env 3 contains NaN/ });
  t.throws(() => venv.step(ndarray(new Int32Array(8), [4, 2])), { instanceOf: InvalidActionError, message: /shape \[4, 2\], expected \[4\]/ });
  t.throws(() => venv.step('left' as unknown as number[]), { instanceOf: InvalidActionError });
  for (const actions of plan) {
    const a = clean.step(actions);
    const b = venv.step(actions);
    t.deepEqual(Array.from(b.observations.data), Array.from(a.observations.data));
    t.deepEqual(Array.from(b.rewards), Array.from(a.rewards));
  }
  clean.close();
  venv.close();
});

test('Box actions: flat arrays, per-env rows and ndarrays (any strides) step identically', (t) => {
  const fns = Array.from({ length: 3 }, () => () => make<Float64Array, Float32Array>('VecTest/Push-v0'));
  const flat = new SyncVectorEnv(fns);
  const rows = new SyncVectorEnv(fns);
  const nd = new SyncVectorEnv(fns);
  for (const venv of [flat, rows, nd]) venv.reset({ seed: 2 });
  t.deepEqual(flat.observationSpace.shape, [3, 2]);
  t.is(flat.observationSpace.dtype, 'float64');
  const values = [0.1, -0.2, 0.3, 0.4, -0.5, 0.6];
  const a = flat.step(Float32Array.from(values));
  const b = rows.step([values.slice(0, 2), values.slice(2, 4), values.slice(4, 6)]);
  // A transposed [2, 3] array viewed as [3, 2]: exercises non-contiguous strides.
  const transposed = ndarray(Float32Array.from([0.1, 0.3, -0.5, -0.2, 0.4, 0.6]), [2, 3]).transpose(1, 0);
  const c = nd.step(transposed);
  t.deepEqual(Array.from(b.observations.data), Array.from(a.observations.data));
  t.deepEqual(Array.from(c.observations.data), Array.from(a.observations.data));
  t.throws(() => flat.step([[0.1, 0.2], [0.3], [0.5, 0.6]]), { message: /sub-env 1 has 1 values, expected 2/ });
  for (const venv of [flat, rows, nd]) venv.close();
});

test('a sub-env that throws is named with its index and id; the vector env then needs a full reset', (t) => {
  const fns = Array.from({ length: 3 }, () => () => make('VecTest/Faulty-v0', { throwAtStep: 2, onlySeed: 21 }));
  const venv = new SyncVectorEnv(fns);
  venv.reset({ seed: 20 });
  venv.step([0, 0, 0]);
  const error = t.throws(() => venv.step([0, 0, 0]), { instanceOf: SubEnvError });
  t.is(error.subEnvIndex, 1);
  t.is(error.envId, 'VecTest/Faulty-v0');
  t.regex(error.message, /sub-env 1 \(VecTest\/Faulty-v0\) threw during step: RangeError: deliberate failure at step 2/);
  t.regex(error.stack ?? '', /at FaultyEnv\.stepEnv/);
  t.throws(() => venv.step([0, 0, 0]), { message: /a sub-env failed during the last call/ });
  t.throws(() => venv.reset({ options: { resetMask: [1, 0, 0] } }), { message: /reset all sub-envs/ });
  venv.reset({ seed: 30 });
  t.notThrows(() => venv.step([0, 0, 0]));
  venv.close();
});

test('close is idempotent and a closed vector env refuses to step or reset; mismatched spaces are refused', (t) => {
  const venv = new SyncVectorEnv(walkFns());
  venv.reset();
  venv.close();
  t.notThrows(() => venv.close());
  t.throws(() => venv.step([0, 0, 0, 0]), { message: /SyncVectorEnv.step: the vector env is closed/ });
  t.throws(() => venv.reset(), { message: /closed/ });
  t.throws(() => new SyncVectorEnv([() => make('VecTest/RandomWalk-v0'), () => make('VecTest/Push-v0')]), { message: /sub-env 1 has observation space/ });
  t.throws(() => new SyncVectorEnv([]), { message: /non-empty array/ });
  t.throws(() => new SyncVectorEnv(walkFns(), { autoreset: 'sometimes' as 'disabled' }), { message: /autoreset must be one of "next-step", "same-step", "disabled"/ });
});
