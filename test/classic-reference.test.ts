import test from 'ava';
import { make, spec } from '../envs/index.js';
import type { Env } from '../envs/index.js';
import { loadReferenceJson } from './helpers/paths.js';

// Golden data recorded from Gymnasium 1.4.0 (numpy 2): every one-step transition must match from the
// recorded float64 state, and whole episodes must match closely (DESIGN.md, issue 2's tolerances).

interface ReferenceStep {
  obs: number[];
  state: number[];
  reward: number;
  terminated: boolean;
  truncated: boolean;
}

interface ReferenceCase {
  env: 'CartPole-v1' | 'Pendulum-v1';
  seed: number;
  initialState: number[];
  actions: Array<number | number[]>;
  steps: ReferenceStep[];
}

interface ReferenceFile {
  source: string;
  cases: ReferenceCase[];
}

const OBS_TOLERANCE_ONE_STEP = 1e-6;
const REWARD_RELATIVE_TOLERANCE = 1e-9;
const OBS_TOLERANCE_TRAJECTORY = 1e-5;
/** CartPole is chaotic: libm and V8 sin/cos differ in the last ulp, which grows past 1e-5 in long episodes. */
const TRAJECTORY_COMPARED_STEPS = 200;

const reference = loadReferenceJson<ReferenceFile>('gymnasium-classic.json');

/** The action in the env's own type: a number for CartPole, a float32 array for Pendulum (as recorded). */
function toAction(action: number | number[]): unknown {
  return typeof action === 'number' ? action : Float32Array.from(action);
}

function maxAbsDiff(a: ArrayLike<number>, b: readonly number[]): number {
  if (a.length !== b.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < b.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

function rewardMatches(actual: number, expected: number): boolean {
  return Math.abs(actual - expected) <= REWARD_RELATIVE_TOLERANCE * Math.max(Math.abs(expected), Number.MIN_VALUE);
}

test('the reference file has both envs and well-formed cases', (t) => {
  t.true(reference.cases.some((c) => c.env === 'CartPole-v1'));
  t.true(reference.cases.some((c) => c.env === 'Pendulum-v1'));
  for (const c of reference.cases) {
    t.is(c.actions.length, c.steps.length, `${c.env} seed ${c.seed}: one recorded step per action`);
    const last = c.steps[c.steps.length - 1];
    t.true(last.terminated || last.truncated, `${c.env} seed ${c.seed}: the recording ends an episode`);
  }
});

for (const c of reference.cases) {
  test(`${c.env} seed ${c.seed}: every one-step transition from the recorded float64 state`, (t) => {
    const env = spec(c.env).entryPoint({}) as Env<Float32Array, unknown>;
    const failures: string[] = [];
    for (let step = 0; step < c.steps.length; step++) {
      const from = step === 0 ? c.initialState : c.steps[step - 1].state;
      const expected = c.steps[step];
      env.reset({ options: { state: from } });
      const result = env.step(toAction(c.actions[step]));
      const obsError = maxAbsDiff(result.observation, expected.obs);
      if (!(obsError <= OBS_TOLERANCE_ONE_STEP)) failures.push(`step ${step}: observation off by ${obsError}`);
      if (!rewardMatches(result.reward, expected.reward)) failures.push(`step ${step}: reward ${result.reward}, expected ${expected.reward}`);
      if (result.terminated !== expected.terminated) failures.push(`step ${step}: terminated ${result.terminated}, expected ${expected.terminated}`);
      if (result.truncated) failures.push(`step ${step}: the bare env truncated (only TimeLimit may)`);
    }
    t.deepEqual(failures.slice(0, 5), [], `${failures.length} mismatches over ${c.steps.length} transitions`);
  });

  test(`${c.env} seed ${c.seed}: the whole episode through make()`, (t) => {
    const env = make<Float32Array, unknown>(c.env);
    const initial = env.reset({ options: { state: c.initialState } });
    t.true(maxAbsDiff(initial.observation, observationOf(c.env, c.initialState)) <= OBS_TOLERANCE_ONE_STEP, 'reset observation');
    const failures: string[] = [];
    let endedAt = -1;
    for (let step = 0; step < c.actions.length; step++) {
      const expected = c.steps[step];
      const result = env.step(toAction(c.actions[step]));
      if (step < TRAJECTORY_COMPARED_STEPS) {
        const obsError = maxAbsDiff(result.observation, expected.obs);
        if (!(obsError <= OBS_TOLERANCE_TRAJECTORY)) failures.push(`step ${step}: observation off by ${obsError}`);
      }
      if (result.terminated !== expected.terminated || result.truncated !== expected.truncated) {
        failures.push(`step ${step}: flags ${result.terminated}/${result.truncated}, expected ${expected.terminated}/${expected.truncated}`);
      }
      if (result.terminated || result.truncated) {
        endedAt = step;
        break;
      }
    }
    t.deepEqual(failures.slice(0, 5), []);
    t.is(endedAt, c.steps.length - 1, 'the episode ends at the recorded step');
  });
}

/** The observation Gymnasium makes from a physical state, computed here independently of the envs. */
function observationOf(envId: ReferenceCase['env'], state: readonly number[]): number[] {
  if (envId === 'CartPole-v1') return state.map(Math.fround);
  return [Math.fround(Math.cos(state[0])), Math.fround(Math.sin(state[0])), Math.fround(state[1])];
}
