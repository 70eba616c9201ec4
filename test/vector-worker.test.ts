import test from 'ava';
import { fileURLToPath } from 'node:url';
import { InvalidActionError } from '../envs/core/errors.js';
import { Rng } from '../envs/rng/rng.js';
import { listEnvs } from '../envs/registry/registry.js';
import { makeVec } from '../envs/vector/make-vec.js';
import { SubEnvError } from '../envs/vector/sub-env-error.js';
import type { AutoresetMode, VectorEnv, VectorStepResult } from '../envs/vector/vector-env.js';
import type { WorkerVectorEnv } from '../envs/vector/worker-vector-env.js';
import '../envs/index.js';

// The fixture module registers the test envs; workers import it through `modules`, as a user's module.
const FIXTURES = fileURLToPath(new URL('./fixtures/vector-envs.js', import.meta.url));
const modules = [FIXTURES];

interface Snapshot {
  observations: number[];
  rewards: number[];
  terminations: number[];
  truncations: number[];
  infos: string;
}

/** Copies a result (its arrays are views reused by the next call). */
function snapshot(result: VectorStepResult | { observations: VectorStepResult['observations']; infos: VectorStepResult['infos'] }): Snapshot {
  const r = result as Partial<VectorStepResult> & Pick<VectorStepResult, 'observations' | 'infos'>;
  return {
    observations: Array.from(r.observations.data),
    rewards: Array.from(r.rewards ?? []),
    terminations: Array.from(r.terminations ?? []),
    truncations: Array.from(r.truncations ?? []),
    infos: JSON.stringify(r.infos, (_k, v: unknown) => (ArrayBuffer.isView(v) ? Array.from(v as Uint8Array) : v)),
  };
}

function run(venv: VectorEnv, actions: ReadonlyArray<ArrayLike<number>>, seed: number): Snapshot[] {
  const out = [snapshot(venv.reset({ seed }))];
  for (const a of actions) out.push(snapshot(venv.step(a)));
  return out;
}

function discretePlan(steps: number, numEnvs: number, n: number, seed: number): Int32Array[] {
  const rng = new Rng(seed);
  return Array.from({ length: steps }, () => Int32Array.from({ length: numEnvs }, () => rng.integers(0, n)));
}

const determinismCases: Array<{ id: string; autoreset: AutoresetMode; n: number }> = [
  { id: 'VecTest/RandomWalk-v0', autoreset: 'next-step', n: 3 },
  { id: 'VecTest/RandomWalk-v0', autoreset: 'same-step', n: 3 },
];
if (listEnvs().includes('CartPole-v1')) determinismCases.push({ id: 'CartPole-v1', autoreset: 'next-step', n: 2 });

for (const { id, autoreset, n } of determinismCases) {
  test.serial(`${id} (${autoreset}): worker envs with 1, 2 and 4 workers give the sync env's bits`, async (t) => {
    const numEnvs = 4;
    const plan = discretePlan(120, numEnvs, n, 17);
    const sync = await makeVec(id, { numEnvs, autoreset, modules });
    t.teardown(() => sync.close());
    const expected = run(sync, plan, 100);
    await sync.close();
    t.true(expected.some((s) => s.terminations.some((v) => v === 1)), 'the plan must cross episode ends');
    for (const workers of [1, 2, 4]) {
      const venv = await makeVec(id, { numEnvs, autoreset, modules, mode: 'worker', workers });
      t.teardown(() => venv.close());
      t.is(venv.numWorkers, workers);
      const got = run(venv, plan, 100);
      await venv.close();
      t.deepEqual(got, expected, `${workers} workers`);
    }
  });
}

test.serial('Box actions and wrappers by name: ClipAction inside each sub-env, identical across modes; stepAsync equals step', async (t) => {
  const numEnvs = 3;
  const rng = new Rng(4);
  // Actions up to ±3 in a [-1, 1] box: only ClipAction makes them valid.
  const plan = Array.from({ length: 40 }, () => Float32Array.from({ length: numEnvs * 2 }, () => rng.uniform(-3, 3)));
  const wrappers = [{ name: 'ClipAction' }];
  const sync = await makeVec('VecTest/Push-v0', { numEnvs, wrappers, modules });
  const expected = run(sync, plan, 8);
  await sync.close();
  const venv = await makeVec('VecTest/Push-v0', { numEnvs, wrappers, modules, mode: 'worker', workers: 2 });
  t.teardown(() => venv.close());
  t.deepEqual(run(venv, plan, 8), expected);
  const again = [snapshot(venv.reset({ seed: 8 }))];
  for (const a of plan) {
    venv.stepAsync(a);
    t.throws(() => venv.step(a), { message: /stepAsync\(\) is in flight/ });
    again.push(snapshot(await venv.stepWait()));
  }
  t.deepEqual(again, expected);
  await t.throwsAsync(() => venv.stepWait(), { message: /no step in flight/ });
  await venv.close();
});

test.serial('worker env: bad actions fail before stepping; close is idempotent; a closed env refuses to step', async (t) => {
  const venv = await makeVec('VecTest/RandomWalk-v0', { numEnvs: 4, modules, mode: 'worker', workers: 2 });
  t.teardown(() => venv.close());
  const first = snapshot(venv.reset({ seed: 1 }));
  t.throws(() => venv.step([0, 1, 2]), { instanceOf: InvalidActionError, message: /got 3 action values for 4 sub-envs/ });
  t.throws(() => venv.step([0, 1, 5, 1]), { instanceOf: InvalidActionError, message: /sub-env 2 is 5/ });
  t.throws(() => venv.stepAsync([0, 1, 2.5, 1]), { instanceOf: InvalidActionError, message: /sub-env 2 is 2.5/ });
  t.deepEqual(snapshot(venv.reset({ seed: 1 })), first, 'the failed calls stepped nothing');
  const closing = venv.close();
  t.is(venv.close(), closing);
  await closing;
  t.throws(() => venv.step([0, 0, 0, 0]), { message: /WorkerVectorEnv.step: the vector env is closed/ });
  t.throws(() => venv.reset(), { message: /closed/ });
});

test.serial('an env that throws inside a worker: the step throws naming the sub-env, env id, message and stack; close works', async (t) => {
  const kwargs = { throwAtStep: 3, onlySeed: 52 };
  const venv = await makeVec('VecTest/Faulty-v0', { numEnvs: 4, kwargs, modules, mode: 'worker', workers: 2 });
  t.teardown(() => venv.close());
  venv.reset({ seed: 50 });
  venv.step([0, 0, 0, 0]);
  venv.step([0, 0, 0, 0]);
  const error = t.throws(() => venv.step([0, 0, 0, 0]), { instanceOf: SubEnvError });
  t.is(error.subEnvIndex, 2);
  t.is(error.envId, 'VecTest/Faulty-v0');
  t.regex(error.message, /sub-env 2 \(VecTest\/Faulty-v0\) threw during step: RangeError: deliberate failure at step 3/);
  t.regex(error.originalStack ?? '', /FaultyEnv\.stepEnv .*vector-envs\.[jt]s/);
  t.throws(() => venv.step([0, 0, 0, 0]), { message: /a sub-env failed during the last call/ });
  // The workers survived: a full reset brings the batch back.
  venv.reset({ seed: 0 });
  t.notThrows(() => venv.step([1, 1, 1, 1]));
  // The async path reports the same way.
  venv.reset({ seed: 50 });
  venv.step([0, 0, 0, 0]);
  venv.step([0, 0, 0, 0]);
  venv.stepAsync([0, 0, 0, 0]);
  await t.throwsAsync(() => venv.stepWait(), { instanceOf: SubEnvError, message: /sub-env 2/ });
  await venv.close();
});

test.serial('a worker that dies (process.exit in env code) fails the step within a bounded time; close works', async (t) => {
  const kwargs = { exitAtStep: 2, onlySeed: 11 };
  const venv: WorkerVectorEnv = await makeVec('VecTest/Faulty-v0', { numEnvs: 4, kwargs, modules, mode: 'worker', workers: 2 });
  t.teardown(() => venv.close());
  venv.reset({ seed: 10 });
  venv.step([0, 0, 0, 0]);
  const started = performance.now();
  const error = t.throws(() => venv.step([0, 0, 0, 0]));
  t.true(performance.now() - started < 5000, 'noticed at once, not at the step timeout');
  t.regex(error.message, /worker 0 \(sub-envs 0–1, VecTest\/Faulty-v0\) died during step/);
  t.throws(() => venv.step([0, 0, 0, 0]), { message: /failed during the last call/ });
  await venv.close();
  t.pass();
});

test.serial('a hung env is cut off by stepTimeoutMs, and close terminates its worker', async (t) => {
  const venv = await makeVec('VecTest/Faulty-v0', { numEnvs: 2, kwargs: { hangAtStep: 1, onlySeed: 1 }, modules, mode: 'worker', workers: 2, stepTimeoutMs: 300 });
  t.teardown(() => venv.close());
  venv.reset({ seed: 0 });
  const started = performance.now();
  t.throws(() => venv.step([0, 0]), { message: /worker 1 \(sub-envs 1–1, VecTest\/Faulty-v0\) did not finish step within stepTimeoutMs = 300 ms/ });
  t.true(performance.now() - started < 3000);
  await venv.close();
});

test.serial('makeVec rejects bad options with errors that name them', async (t) => {
  await t.throwsAsync(() => makeVec('VecTest/RandomWalk-v0', { numEnvs: 2, mode: 'worker', modules, wrappers: [(env) => env] }), { message: /wrappers\[0\] is a function/ });
  await t.throwsAsync(() => makeVec('VecTest/RandomWalk-v0', { numEnvs: 2, modules, wrappers: [{ name: 'Nope' }] }), { message: /unknown wrapper "Nope"; known: .*ClipAction/ });
  await t.throwsAsync(() => makeVec('VecTest/RandomWalk-v0', { numEnvs: 0, modules }), { message: /numEnvs must be a positive integer/ });
  await t.throwsAsync(() => makeVec('VecTest/RandomWalk-v0', { numEnvs: 2, mode: 'worker', workers: 3, modules }), { message: /workers must be an integer in \[1, numEnvs = 2\]/ });
  await t.throwsAsync(() => makeVec('VecTest/RandomWalk-v0', { numEnvs: 2, modules: ['/no/such/module.js'] }), { message: /could not import module "\/no\/such\/module.js"/ });
  await t.throwsAsync(() => makeVec('VecTest/RandomWalk-v0', { numEnvs: 2, mode: 'worker', modules, kwargs: { f: () => 1 } }), { message: /kwargs must be plain data/ });
  await t.throwsAsync(() => makeVec('VecTest/RandomWalk-v0', { numEnvs: 2, mode: 'fast' as 'sync' }), { message: /mode must be "sync" or "worker"/ });
  await t.throwsAsync(() => makeVec('VecTest/RandomWalk-v0', { numEnv: 2 } as never), { message: /unknown option "numEnv"/ });
});
