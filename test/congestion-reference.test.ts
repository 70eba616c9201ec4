import test from 'ava';
import { CongestionControlEnv, make, spec } from '../envs/index.js';
import type { Env } from '../envs/index.js';
import { loadReferenceJson } from './helpers/paths.js';

// Trajectories recorded from PCC-RL's Aurora simulator (src/gym/network_sim.py, zero loss): the case's link
// and initial rate go in as options.task; every observation and reward must match within 1e-6 relative.

interface ReferenceCase {
  link: { bandwidth: number; latency: number; queue: number; loss: number };
  initialRate: number;
  resetObs: number[];
  actions: number[];
  steps: Array<{ obs: number[]; reward: number; done: boolean }>;
}

const RELATIVE_TOLERANCE = 1e-6;
const reference = loadReferenceJson<{ source: string; cases: ReferenceCase[] }>('aurora-pcc-rl.json');

function taskOf(c: ReferenceCase, i: number): Record<string, unknown> {
  return { id: `pcc-rl-reference-${i}`, ...c.link, initialRate: c.initialRate };
}

/** Index of the first value off by more than the relative tolerance (a zero must be matched exactly), or -1. */
function firstMismatch(actual: ArrayLike<number>, expected: readonly number[]): number {
  if (actual.length !== expected.length) return 0;
  for (let i = 0; i < expected.length; i++) {
    if (!(Math.abs(actual[i] - expected[i]) <= RELATIVE_TOLERANCE * Math.abs(expected[i]))) return i;
  }
  return -1;
}

test('the reference file has the cases and shapes the port is checked against', (t) => {
  t.true(reference.cases.length >= 3);
  for (const c of reference.cases) {
    t.is(c.actions.length, spec('CongestionControl-v0').maxEpisodeSteps ?? -1);
    t.is(c.steps.length, c.actions.length);
    t.is(c.resetObs.length, 30);
  }
});

reference.cases.forEach((c, caseIndex) => {
  test(`reproduces PCC-RL case ${caseIndex} (bw ${c.link.bandwidth.toFixed(1)}, queue ${c.link.queue}) through make`, (t) => {
    const env = make('CongestionControl-v0') as Env<Float32Array, Float32Array>;
    const reset = env.reset({ seed: 7, options: { task: taskOf(c, caseIndex) } });
    t.is(firstMismatch(reset.observation, c.resetObs), -1, 'reset observation');
    for (let step = 0; step < c.actions.length; step++) {
      const result = env.step(Float32Array.of(c.actions[step]));
      const expected = c.steps[step];
      const bad = firstMismatch(result.observation, expected.obs);
      if (bad !== -1) {
        t.fail(`step ${step}: observation[${bad}] = ${result.observation[bad]}, PCC-RL ${expected.obs[bad]}`);
        return;
      }
      if (!(Math.abs(result.reward - expected.reward) <= RELATIVE_TOLERANCE * Math.abs(expected.reward))) {
        t.fail(`step ${step}: reward ${result.reward}, PCC-RL ${expected.reward}`);
        return;
      }
      // PCC-RL's `done` at its MAX_STEPS is a time limit here: truncated, never terminated.
      t.false(result.terminated);
      if (result.truncated !== expected.done) {
        t.fail(`step ${step}: truncated ${result.truncated}, PCC-RL done ${expected.done}`);
        return;
      }
    }
    t.pass();
  });

  test(`case ${caseIndex} matches PCC-RL bit for bit at float64 precision`, (t) => {
    // The float64 features, before the float32 observation: the port keeps PCC-RL's operation order and
    // numpy's pairwise summation, so nothing but identical doubles is expected.
    const env = new CongestionControlEnv();
    env.reset({ seed: 1, options: { task: taskOf(c, caseIndex) } });
    let exactSteps = 0;
    for (let step = 0; step < c.actions.length; step++) {
      const { reward } = env.step(Float32Array.of(c.actions[step]));
      const full = env.fullPrecisionObservation();
      if (reward === c.steps[step].reward && c.steps[step].obs.every((v, i) => Object.is(full[i], v) || full[i] === v)) exactSteps++;
    }
    t.is(exactSteps, c.actions.length);
  });
});
