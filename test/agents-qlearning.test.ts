import test from 'ava';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BaseEnv } from '../envs/core/base-env.js';
import type { ResetResult, StepResult } from '../envs/core/env.js';
import { Box, Discrete } from '../envs/spaces/index.js';
import { make } from '../envs/registry/index.js';
import { DiscretizeObservation } from '../envs/wrappers/discretize-observation.js';
import { dvfsTasks, ondemandGovernor, type DvfsTask } from '../envs/dvfs/index.js';
import { QLearning } from '../agents/qlearning.js';
import { linearSchedule } from '../agents/common/schedules.js';
import { CheckpointError } from '../agents/common/checkpoint.js';
import { BaseCallback } from '../agents/common/callbacks.js';

/** Saves the agent at a given step and stops training there (an interruption). */
class SaveAndStopAt extends BaseCallback {
  constructor(
    readonly at: number,
    readonly dir: string,
  ) {
    super();
  }
  override onStep(): boolean {
    if (this.model.numTimesteps < this.at) return true;
    this.model.saveSync(this.dir);
    return false;
  }
}

const N = 6;
const GAMMA = 0.9;
const LIMIT = 40;

/**
 * A deterministic chain: states 0…N−1, start at 0; action 1 moves right, 0 moves left (staying at 0).
 * Reaching N−1 pays 1 and terminates; every other step pays 0; episodes are cut after LIMIT steps.
 */
class ChainEnv extends BaseEnv<number, number> {
  readonly observationSpace = new Discrete(N);
  readonly actionSpace = new Discrete(2);
  private state = 0;
  private t = 0;
  protected resetEnv(): ResetResult<number> {
    this.state = 0;
    this.t = 0;
    return { observation: 0, info: {} };
  }
  protected stepEnv(action: number): StepResult<number> {
    this.state = action === 1 ? this.state + 1 : Math.max(0, this.state - 1);
    this.t += 1;
    const done = this.state === N - 1;
    return { observation: this.state, reward: done ? 1 : 0, terminated: done, truncated: !done && this.t >= LIMIT, info: {} };
  }
}

/** Q*(s, a) of the chain, by the Bellman optimality equation: V*(s) = γ^(N−2−s), terminal N−1. */
function optimalQ(s: number, a: number): number {
  const v = (x: number) => (x === N - 1 ? 0 : GAMMA ** (N - 2 - x));
  const next = a === 1 ? s + 1 : Math.max(0, s - 1);
  return (next === N - 1 ? 1 : 0) + (next === N - 1 ? 0 : GAMMA * v(next));
}

test('QLearning converges to the analytic Q* of a deterministic chain and reaches the optimal return', async (t) => {
  const agent = new QLearning(new ChainEnv(), { seed: 3, gamma: GAMMA, learningRate: 0.5, explorationFraction: 0.5, explorationFinalEps: 0.1 });
  await agent.learn({ totalTimesteps: 6000 });
  for (let s = 0; s < N - 1; s++) {
    for (const a of [0, 1]) {
      const q = agent.qTable[s * 2 + a];
      t.true(Math.abs(q - optimalQ(s, a)) < 1e-3, `Q(${s}, ${a}) = ${q}, Q* = ${optimalQ(s, a)}`);
    }
    t.is(agent.predict(s, { deterministic: true }), 1);
  }
  // The greedy policy walks straight to the goal: return 1 in N − 1 steps.
  const env = new ChainEnv();
  let obs = env.reset({ seed: 0 }).observation;
  let steps = 0;
  for (;;) {
    const r = env.step(agent.predict(obs, { deterministic: true }));
    steps += 1;
    obs = r.observation;
    if (r.terminated || r.truncated) {
      t.is(r.reward, 1);
      break;
    }
  }
  t.is(steps, N - 1);
});

test('ε follows SB3\'s linear schedule over the run (a learning-rate schedule is accepted)', async (t) => {
  const agent = new QLearning(new ChainEnv(), { seed: 1, explorationInitialEps: 1, explorationFinalEps: 0.2, explorationFraction: 0.5, learningRate: linearSchedule(0.5, 0.1) });
  t.is(agent.explorationRate, 1);
  await agent.learn({ totalTimesteps: 1000 });
  t.true(Math.abs(agent.explorationRate - 0.2) < 1e-12);
  // ε of the last step is computed before it, at progress 249/250 of a ramp over the whole run.
  const ramp = new QLearning(new ChainEnv(), { seed: 1, explorationInitialEps: 1, explorationFinalEps: 0.2, explorationFraction: 1 });
  await ramp.learn({ totalTimesteps: 250 });
  t.true(Math.abs(ramp.explorationRate - (1 - (0.8 * 249) / 250)) < 1e-9, `ε ${ramp.explorationRate}`);
});

test('QLearning on discretized DVFS-v0 beats the ondemand governor on held-out tasks', async (t) => {
  const bins = [5, 3, 14, 3, 4];
  const discretize = (task?: DvfsTask) => new DiscretizeObservation(make('DVFS-v0', task === undefined ? { actionMode: 'absolute', sampleTasks: true } : { actionMode: 'absolute', task }), { bins, low: [0, 0, 0, 0.5, 0.5], high: [1, 1, 1, 1.25, 1.5] });
  const agent = new QLearning(discretize(), { seed: 1, learningRate: 0.1, gamma: 0.9, explorationFraction: 0.5 });
  await agent.learn({ totalTimesteps: 60000 });
  const heldOut = dvfsTasks.catalog(8, 99);
  let qReturn = 0;
  let ondemandReturn = 0;
  for (const [k, task] of heldOut.entries()) {
    for (const policy of ['q', 'ondemand'] as const) {
      const env = discretize(task);
      let { observation, info } = env.reset({ seed: 1000 + k });
      const governor = ondemandGovernor();
      let total = 0;
      for (let step = 0; step < 200; step++) {
        const action = policy === 'q' ? agent.predict(observation, { deterministic: true }) : governor.nextLevel({ level: info.level as number, utilization: info.utilization as number }, task.cpu);
        const r = env.step(action);
        total += r.reward;
        observation = r.observation;
        info = r.info;
      }
      if (policy === 'q') qReturn += total / heldOut.length;
      else ondemandReturn += total / heldOut.length;
    }
  }
  t.log(`held-out mean return: QLearning ${qReturn.toFixed(2)}, ondemand ${ondemandReturn.toFixed(2)}`);
  t.true(qReturn > ondemandReturn, `QLearning ${qReturn} vs ondemand ${ondemandReturn}`);
});

test('same seed, same table; save → load gives the same actions; resuming equals an uninterrupted run', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'flash-gym-qlearning-'));
  try {
    const options = { seed: 8, gamma: GAMMA, learningRate: 0.3 } as const;
    const straight = new QLearning(new ChainEnv(), options);
    await straight.learn({ totalTimesteps: 600 });
    const again = new QLearning(new ChainEnv(), options);
    await again.learn({ totalTimesteps: 600 });
    t.deepEqual(again.qTable, straight.qTable);

    // Interrupted: the same 600-step run, saved and stopped at step 300, then loaded and continued.
    const env = new ChainEnv();
    const first = new QLearning(env, options);
    await first.learn({ totalTimesteps: 600, callbacks: new SaveAndStopAt(300, join(dir, 'q')) });
    t.is(first.numTimesteps, 300);
    const loaded = await QLearning.load(join(dir, 'q'), env, { continueEpisodes: true });
    t.deepEqual(loaded.qTable, first.qTable);
    for (let s = 0; s < N; s++) t.is(loaded.predict(s, { deterministic: true }), first.predict(s, { deterministic: true }));
    await loaded.learn({ totalTimesteps: 300, resetNumTimesteps: false });
    t.deepEqual(loaded.qTable, straight.qTable);
    t.is(loaded.numTimesteps, 600);

    await t.throwsAsync(QLearning.load(join(dir, 'q'), { observationSpace: new Discrete(N + 1), actionSpace: new Discrete(2) }), { instanceOf: CheckpointError, message: /observation space Discrete\(6\) differs from the env's Discrete\(7\)/ });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('QLearning rejects non-Discrete spaces and bad options with clear errors', (t) => {
  t.throws(() => new QLearning({ observationSpace: new Box([-1, -1, -8], [1, 1, 8]), actionSpace: new Discrete(2) }), { message: /observation space must be Discrete, got Box.*wrap a Box env in DiscretizeObservation/ });
  t.throws(() => new QLearning({ observationSpace: new Discrete(3), actionSpace: new Box([-1], [1]) }), { message: /action space must be Discrete/ });
  const spaces = { observationSpace: new Discrete(3), actionSpace: new Discrete(2) };
  t.throws(() => new QLearning(spaces, { learningRate: 1.5 }), { message: /learningRate must be in \(0, 1\], got 1.5/ });
  t.throws(() => new QLearning(spaces, { gamma: -0.1 }), { message: /gamma must be in \[0, 1\]/ });
  t.throws(() => new QLearning(spaces, { epsilon: 0.1 } as never), { message: /unknown option "epsilon"/ });
  const agent = new QLearning(spaces, { seed: 0 });
  t.throws(() => agent.predict(3), { message: /observation 3 is not in Discrete\(3\)/ });
});
