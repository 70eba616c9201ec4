import test from 'ava';
import { listEnvs, makeVec, spec, type VectorEnv } from '../index.js';

// Every registered env runs in the worker vector env, and gives the sync vector env's results bit for bit
// for the same seeds and actions (DESIGN.md: same seed, same result, sync or worker).
const NUM_ENVS = 3;
const STEPS = 40;

interface Trace {
  observations: number[][];
  rewards: number[][];
  dones: number[][];
}

function rollout(venv: VectorEnv, seed: number): Trace {
  const trace: Trace = { observations: [], rewards: [], dones: [] };
  const { observations } = venv.reset({ seed });
  trace.observations.push(Array.from(observations.data));
  const actionSpace = venv.singleActionSpace;
  actionSpace.seed(seed);
  for (let t = 0; t < STEPS; t++) {
    const rows = Array.from({ length: NUM_ENVS }, () => actionSpace.sample());
    const actions = typeof rows[0] === 'number' ? Int32Array.from(rows as number[]) : rows.flatMap((row) => Array.from(row as ArrayLike<number>));
    const step = venv.step(actions);
    trace.observations.push(Array.from(step.observations.data));
    trace.rewards.push(Array.from(step.rewards));
    trace.dones.push([...step.terminations, ...step.truncations]);
  }
  return trace;
}

for (const id of listEnvs()) {
  test(`${id} runs in worker threads with the sync env's results`, async (t) => {
    t.timeout(120_000);
    const sync = await makeVec(id, { numEnvs: NUM_ENVS, mode: 'sync' });
    const worker = await makeVec(id, { numEnvs: NUM_ENVS, mode: 'worker', workers: 2 });
    try {
      const expected = rollout(sync, 11);
      const actual = rollout(worker, 11);
      t.deepEqual(actual, expected);
      t.true(expected.rewards.flat().every(Number.isFinite), `${spec(id).id} rewards are finite`);
    } finally {
      await sync.close();
      await worker.close();
    }
  });
}
