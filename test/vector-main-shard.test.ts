import test from 'ava';
import { fileURLToPath } from 'node:url';
import { Rng } from '../envs/rng/rng.js';
import { makeVec } from '../envs/vector/make-vec.js';
import { SubEnvError } from '../envs/vector/sub-env-error.js';
import type { AutoresetMode, VectorEnv } from '../envs/vector/vector-env.js';
import '../envs/index.js';

// mainThreadShard: the calling thread steps the first shard itself, over the same shared buffers and with
// the same ShardRunner as the workers, so results stay bit-identical to the sync env.
const modules = [fileURLToPath(new URL('./fixtures/vector-envs.js', import.meta.url))];

function trace(venv: VectorEnv, steps: number, n: number, seed: number): string[] {
  const rng = new Rng(seed);
  const out: string[] = [];
  const record = (r: { observations: { data: ArrayLike<number> }; infos: unknown }, extra: unknown[] = []): void => {
    out.push(JSON.stringify([Array.from(r.observations.data), ...extra, r.infos], (_k, v: unknown) => (ArrayBuffer.isView(v) ? Array.from(v as Uint8Array) : v)));
  };
  record(venv.reset({ seed }));
  for (let t = 0; t < steps; t++) {
    const r = venv.step(Int32Array.from({ length: venv.numEnvs }, () => rng.integers(0, n)));
    record(r, [Array.from(r.rewards), Array.from(r.terminations), Array.from(r.truncations)]);
  }
  return out;
}

for (const autoreset of ['next-step', 'same-step'] as AutoresetMode[]) {
  test.serial(`mainThreadShard (${autoreset}) gives the sync env's bits with 1 and 2 workers`, async (t) => {
    const numEnvs = 5;
    const sync = await makeVec('VecTest/RandomWalk-v0', { numEnvs, autoreset, modules });
    const expected = trace(sync, 150, 3, 21);
    await sync.close();
    for (const workers of [1, 2]) {
      const venv = await makeVec('VecTest/RandomWalk-v0', { numEnvs, autoreset, modules, mode: 'worker', workers, mainThreadShard: true });
      t.is(venv.numWorkers, workers);
      t.is(venv.mainThreadEnvs, Math.floor(numEnvs / (workers + 1)));
      t.deepEqual(trace(venv, 150, 3, 21), expected, `${workers} workers`);
      await venv.close();
    }
  });
}

test.serial('mainThreadShard: stepAsync/stepWait equals step, and CartPole matches the sync env', async (t) => {
  const sync = await makeVec('CartPole-v1', { numEnvs: 4 });
  const venv = await makeVec('CartPole-v1', { numEnvs: 4, mode: 'worker', workers: 1, mainThreadShard: true });
  const a = sync.reset({ seed: 3 });
  const b = venv.reset({ seed: 3 });
  t.deepEqual(Array.from(b.observations.data), Array.from(a.observations.data));
  const rng = new Rng(4);
  for (let i = 0; i < 300; i++) {
    const actions = Int32Array.from({ length: 4 }, () => rng.integers(0, 2));
    const expected = sync.step(actions);
    venv.stepAsync(actions);
    const got = await venv.stepWait();
    t.deepEqual(Array.from(got.observations.data), Array.from(expected.observations.data));
    t.deepEqual(Array.from(got.rewards), Array.from(expected.rewards));
    t.deepEqual(Array.from(got.terminations), Array.from(expected.terminations));
  }
  await sync.close();
  await venv.close();
});

test.serial('mainThreadShard: a sub-env that throws in the calling thread fails the step after the workers finished; reset recovers', async (t) => {
  const kwargs = { throwAtStep: 3, onlySeed: 100 };
  const venv = await makeVec('VecTest/Faulty-v0', { numEnvs: 4, kwargs, modules, mode: 'worker', workers: 1, mainThreadShard: true });
  t.is(venv.mainThreadEnvs, 2);
  venv.reset({ seed: 100 }); // sub-env 0, in the calling thread's shard, gets seed 100
  venv.step([0, 0, 0, 0]);
  venv.step([0, 0, 0, 0]);
  const error = t.throws(() => venv.step([0, 0, 0, 0]), { instanceOf: SubEnvError });
  t.regex(error.message, /sub-env 0 \(VecTest\/Faulty-v0\) threw during step/);
  t.throws(() => venv.step([0, 0, 0, 0]), { message: /a sub-env failed during the last call/ });
  venv.reset({ seed: 1 });
  t.notThrows(() => venv.step([0, 0, 0, 0]));
  await venv.close();
  await venv.close();
});

test('mainThreadShard: bad combinations are errors that say what is allowed', async (t) => {
  await t.throwsAsync(() => makeVec('VecTest/RandomWalk-v0', { numEnvs: 1, modules, mode: 'worker', mainThreadShard: true }), { message: /mainThreadShard needs numEnvs ≥ 2/ });
  await t.throwsAsync(() => makeVec('VecTest/RandomWalk-v0', { numEnvs: 3, modules, mode: 'worker', workers: 3, mainThreadShard: true }), { message: /workers must be an integer in \[1, numEnvs − 1 = 2\]/ });
  await t.throwsAsync(() => makeVec('VecTest/RandomWalk-v0', { numEnvs: 3, modules, mainThreadShard: true }), { message: /mainThreadShard applies to mode "worker" only/ });
});
