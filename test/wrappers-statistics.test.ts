import test from 'ava';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BaseEnv, type ResetResult, type StepResult } from '../envs/core/index.js';
import { Rng } from '../envs/rng/index.js';
import { Box, Discrete } from '../envs/spaces/index.js';
import {
  NormalizeObservation,
  NormalizeReward,
  RecordEpisodeStatistics,
  RunningMeanStd,
  TimeLimit,
} from '../envs/wrappers/index.js';

/**
 * A scripted env: observation t is `observations[t]`, the reward of step t (1-based) is `rewards[t - 1]`,
 * and the episode terminates after `terminateAfter` steps (never when undefined). Each reset replays the
 * script from the start unless `continueScript` is set, so long runs see fresh values.
 */
class ScriptedEnv extends BaseEnv<Float32Array, number> {
  readonly observationSpace: Box;
  readonly actionSpace = new Discrete(2);
  private t = 0;
  private cursor = 0;

  constructor(
    private readonly observations: number[][],
    private readonly rewards: number[] = [],
    private readonly terminateAfter?: number,
    private readonly continueScript = false,
  ) {
    super();
    this.observationSpace = new Box(-Infinity, Infinity, { shape: [observations[0].length] });
  }

  protected resetEnv(): ResetResult<Float32Array> {
    this.t = 0;
    if (!this.continueScript) this.cursor = 0;
    return { observation: Float32Array.from(this.observations[this.cursor % this.observations.length]), info: {} };
  }

  // Actions are ignored: these tests are about observations and rewards.
  protected stepEnv(): StepResult<Float32Array> {
    this.t++;
    this.cursor++;
    const observation = Float32Array.from(this.observations[this.cursor % this.observations.length]);
    const reward = this.rewards[(this.cursor - 1) % Math.max(1, this.rewards.length)] ?? 0;
    return { observation, reward, terminated: this.t === this.terminateAfter, truncated: false, info: {} };
  }
}

/** Pooled mean and population variance of the data together with the prior: `eps` pseudo-samples of mean 0, variance 1. */
function pooledWithPrior(rows: number[][], eps: number): { mean: number[]; var: number[] } {
  const dims = rows[0].length;
  const n = rows.length + eps;
  const mean = Array.from({ length: dims }, (_, d) => rows.reduce((s, r) => s + r[d], 0) / n);
  const variance = mean.map((m, d) => (eps * 1 + eps * m * m + rows.reduce((s, r) => s + (r[d] - m) ** 2, 0)) / n);
  return { mean, var: variance };
}

function closeTo(actual: number, expected: number, rel = 1e-9, abs = 1e-12): boolean {
  return Math.abs(actual - expected) <= abs + rel * Math.abs(expected);
}

const randomRows = (seed: number, n: number, dims: number, scale = 3, shift = 5): number[][] => {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => Array.from({ length: dims }, (_, d) => Math.fround(shift * d + scale * rng.normal())));
};

// ---------------------------------------------------------------- RunningMeanStd

test('RunningMeanStd matches the pooled mean/variance of all batches and the prior', (t) => {
  const rows = randomRows(1, 257, 3);
  const rms = new RunningMeanStd(3);
  // Uneven batches, including batches of one (variance 0 within the batch).
  let i = 0;
  for (const size of [1, 1, 5, 50, 1, 100, 99]) {
    rms.update(rows.slice(i, i + size).flat(), size);
    i += size;
  }
  t.is(i, rows.length);
  const expected = pooledWithPrior(rows, 1e-4);
  t.true(closeTo(rms.count, rows.length + 1e-4));
  for (let d = 0; d < 3; d++) {
    t.true(closeTo(rms.mean[d], expected.mean[d]), `mean[${d}] ${rms.mean[d]} vs ${expected.mean[d]}`);
    t.true(closeTo(rms.var[d], expected.var[d]), `var[${d}] ${rms.var[d]} vs ${expected.var[d]}`);
  }
  // And, prior aside, the plain statistics of the data.
  const plain = pooledWithPrior(rows, 1e-300);
  for (let d = 0; d < 3; d++) t.true(closeTo(rms.var[d], plain.var[d], 1e-4));
});

test('RunningMeanStd starts at Gymnasium\'s prior and its first batch of one follows the formula', (t) => {
  const rms = new RunningMeanStd(1);
  t.deepEqual(rms.getState(), { mean: [0], var: [1], count: 1e-4 });
  rms.update([2]);
  // delta = 2, total = 1.0001: mean = 2/1.0001; M2 = 1e-4 + 4·1e-4/1.0001.
  t.true(closeTo(rms.mean[0], 2 / 1.0001));
  t.true(closeTo(rms.var[0], (1e-4 + (4 * 1e-4) / 1.0001) / 1.0001));
});

test('RunningMeanStd rejects bad input, naming it, and changes nothing', (t) => {
  const rms = new RunningMeanStd(2);
  rms.update([1, 2, 3, 4], 2);
  const before = rms.getState();
  t.throws(() => rms.update([1, 2, 3], 2), { message: /batch has 3 values; batchCount × size = 2 × 2 = 4/ });
  t.throws(() => rms.update([1, Number.NaN]), { message: /NaN at row 0, dimension 1 is not a finite number/ });
  t.throws(() => rms.update([1, 2], 0), { message: /batchCount must be a positive integer/ });
  t.throws(() => rms.setState({ mean: [0, 0], var: [1, -1], count: 3 }), { message: /var\[1\] must be a finite number >= 0/ });
  t.throws(() => rms.setState({ mean: [0], var: [1], count: 3 }), { message: /mean has 1 values, this RunningMeanStd has size 2/ });
  t.throws(() => rms.setState({ mean: [0, 0], var: [1, 1], count: 0 }), { message: /count must be a finite number > 0/ });
  t.deepEqual(rms.getState(), before);
  t.throws(() => new RunningMeanStd(0), { message: /size must be a positive integer/ });
  t.throws(() => new RunningMeanStd(2, -1), { message: /epsilon must be a finite number > 0/ });
});

test('RunningMeanStd state survives JSON exactly', (t) => {
  const a = new RunningMeanStd(3);
  a.update(randomRows(2, 10, 3).flat(), 10);
  const b = new RunningMeanStd(3);
  b.setState(JSON.parse(JSON.stringify(a.getState())));
  t.deepEqual(b.getState(), a.getState());
  const more = randomRows(3, 4, 3).flat();
  a.update(more, 4);
  b.update(more, 4);
  t.deepEqual(b.getState(), a.getState());
});

// ---------------------------------------------------------------- NormalizeObservation

test('NormalizeObservation: statistics are those of every observation seen, outputs use them', (t) => {
  const rows = randomRows(4, 40, 2);
  const env = new NormalizeObservation(new ScriptedEnv(rows));
  t.deepEqual(Array.from(env.observationSpace.low), [-Infinity, -Infinity]);
  t.is(env.observationSpace.dtype, 'float32');
  const seen: number[][] = [];
  let out = env.reset({ seed: 0 }).observation;
  seen.push(rows[0]);
  for (let step = 1; step < rows.length; step++) {
    const expected = pooledWithPrior(seen, 1e-4);
    for (let d = 0; d < 2; d++) t.true(closeTo(env.obsRms.mean[d], expected.mean[d]), `step ${step} mean`);
    for (let d = 0; d < 2; d++) t.true(closeTo(env.obsRms.var[d], expected.var[d]), `step ${step} var`);
    // The returned observation is normalized with the statistics that include it.
    for (let d = 0; d < 2; d++) t.is(out[d], Math.fround((seen.at(-1)![d] - expected.mean[d]) / Math.sqrt(expected.var[d] + 1e-8)));
    out = env.step(0).observation;
    seen.push(rows[step]);
  }
  t.true(out instanceof Float32Array);
  // Late in the run the normalized data is roughly standard.
  const later = pooledWithPrior(seen, 1e-4);
  t.true(Math.abs(later.mean[1] - 5) < 1.5 && Math.abs(Math.sqrt(later.var[0]) - 3) < 1);
});

test('NormalizeObservation: freezing stops updates; unfreezing resumes them', (t) => {
  const rows = randomRows(5, 30, 2);
  const env = new NormalizeObservation(new ScriptedEnv(rows));
  env.reset();
  for (let i = 0; i < 10; i++) env.step(0);
  env.updateRunningMean = false;
  const frozen = env.getState();
  for (let i = 0; i < 10; i++) {
    const obs = env.step(0).observation;
    const x = rows[11 + i];
    for (let d = 0; d < 2; d++) t.is(obs[d], Math.fround((x[d] - frozen.mean[d]) / Math.sqrt(frozen.var[d] + 1e-8)));
  }
  env.reset();
  t.deepEqual(env.getState(), frozen);
  env.updateRunningMean = true;
  env.step(0);
  t.is(env.obsRms.count, frozen.count + 1);
  const atConstruction = new NormalizeObservation(new ScriptedEnv(rows), { updateRunningMean: false });
  atConstruction.reset();
  atConstruction.step(0);
  t.deepEqual(atConstruction.getState(), { shape: [2], mean: [0, 0], var: [1, 1], count: 1e-4 });
});

test('NormalizeObservation: save then load restores the statistics exactly, atomically', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'flash-gym-norm-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const rows = randomRows(6, 25, 2);
  const trained = new NormalizeObservation(new ScriptedEnv(rows));
  trained.reset();
  for (let i = 0; i < 20; i++) trained.step(0);
  const path = join(dir, 'obs-stats.json');
  trained.save(path);
  t.deepEqual(readdirSync(dir), ['obs-stats.json'], 'no temp file left behind');
  trained.save(path); // overwriting works too
  t.deepEqual(readdirSync(dir), ['obs-stats.json']);

  const evaluator = new NormalizeObservation(new ScriptedEnv(rows), { updateRunningMean: false });
  evaluator.load(path);
  t.deepEqual(evaluator.getState(), trained.getState());
  trained.updateRunningMean = false;
  t.deepEqual(Array.from(evaluator.reset().observation), Array.from(trained.reset().observation));
  t.deepEqual(Array.from(evaluator.step(0).observation), Array.from(trained.step(0).observation));
});

test('NormalizeObservation: a missing, malformed or mismatched file throws and changes nothing', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'flash-gym-norm-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const env = new NormalizeObservation(new ScriptedEnv(randomRows(7, 5, 2)));
  env.reset();
  env.step(0);
  const before = env.getState();
  t.throws(() => env.load(join(dir, 'absent.json')), { message: /cannot read statistics from .*absent\.json/ });
  writeFileSync(join(dir, 'bad.json'), '{"shape": [2], "mean": [0, ');
  t.throws(() => env.load(join(dir, 'bad.json')), { message: /cannot read statistics from .*bad\.json/ });
  const other = new NormalizeObservation(new ScriptedEnv(randomRows(7, 5, 3)));
  other.save(join(dir, 'three.json'));
  t.throws(() => env.load(join(dir, 'three.json')), { message: /state is for shape \[3\], this env's observations have shape \[2\]/ });
  writeFileSync(join(dir, 'nan.json'), JSON.stringify({ shape: [2], mean: [0, 'x'], var: [1, 1], count: 2 }));
  t.throws(() => env.load(join(dir, 'nan.json')), { message: /mean\[1\] must be a finite number/ });
  t.deepEqual(env.getState(), before);
  t.throws(() => env.save(join(dir, 'no-such-dir', 'x.json')));
  t.false(existsSync(join(dir, 'no-such-dir')));
  const nan = new NormalizeObservation(new ScriptedEnv([[1, 2], [3, Number.NaN]]));
  nan.reset();
  const beforeNaN = nan.getState();
  t.throws(() => nan.step(0), { message: /NormalizeObservation: cannot update the statistics with the observation Float32Array\[3, NaN\]/ });
  t.deepEqual(nan.getState(), beforeNaN);
  t.throws(() => new NormalizeObservation(new ScriptedEnv([[0]]), { epsilon: 0 }), { message: /epsilon must be a finite number in \(0, inf\)/ });
});

// ---------------------------------------------------------------- NormalizeReward

/** Gymnasium 1.x NormalizeReward, written out: G ← G·γ·(1 − terminated) + r, scale by the pooled variance of all G. */
function expectedNormalizedRewards(
  steps: { reward: number; terminated: boolean }[],
  gamma: number,
  epsilon: number,
): number[] {
  let g = 0;
  const gs: number[][] = [];
  return steps.map(({ reward, terminated }) => {
    g = g * gamma * (terminated ? 0 : 1) + reward;
    gs.push([g]);
    return reward / Math.sqrt(pooledWithPrior(gs, 1e-4).var[0] + epsilon);
  });
}

test('NormalizeReward follows the Gymnasium formula across terminations, resets and truncations', (t) => {
  const rng = new Rng(8);
  const rewards = Array.from({ length: 37 }, () => Math.round(rng.normal(1, 2) * 100) / 100);
  // Episodes of 7 steps end by termination; TimeLimit(5) truncates the others first, to check that
  // truncation (and reset) does not zero the running return while termination does.
  const inner = new ScriptedEnv([[0]], rewards, 7, true);
  for (const [wrapped, cut] of [
    [new NormalizeReward(inner, { gamma: 0.9 }), 7],
    [new NormalizeReward(new TimeLimit(new ScriptedEnv([[0]], rewards, 7, true), 5), { gamma: 0.9 }), 5],
  ] as const) {
    const steps: { reward: number; terminated: boolean }[] = [];
    const got: number[] = [];
    wrapped.reset({ seed: 1 });
    for (let i = 0; i < rewards.length; i++) {
      const r = wrapped.step(0);
      got.push(r.reward);
      steps.push({ reward: rewards[i], terminated: r.terminated });
      if (r.terminated || r.truncated) wrapped.reset();
    }
    t.is(steps.filter((s) => s.terminated).length, cut === 7 ? 5 : 0);
    const expected = expectedNormalizedRewards(steps, 0.9, 1e-8);
    for (let i = 0; i < got.length; i++) t.true(closeTo(got[i], expected[i], 1e-9), `step ${i}: ${got[i]} vs ${expected[i]}`);
  }
});

test('NormalizeReward: frozen statistics scale by a fixed factor; state round-trips; bad options throw', (t) => {
  const env = new NormalizeReward(new ScriptedEnv([[0]], [1, 2, 3, 4, 5]));
  env.reset();
  for (let i = 0; i < 5; i++) env.step(0);
  env.updateRunningMean = false;
  const state = env.getState();
  const scale = 1 / Math.sqrt(state.returnRms.var[0] + 1e-8);
  t.is(env.step(0).reward, 1 * scale);
  t.is(env.step(0).reward, 2 * scale);
  t.deepEqual(env.getState().returnRms, state.returnRms);
  const copy = new NormalizeReward(new ScriptedEnv([[0]], [1, 2, 3, 4, 5]));
  copy.setState(JSON.parse(JSON.stringify(env.getState())));
  t.deepEqual(copy.getState(), env.getState());
  t.throws(() => copy.setState({ returnRms: { mean: [0], var: [-1], count: 1 }, discountedReward: 0 }), { message: /var\[0\] must be a finite number >= 0/ });
  t.deepEqual(copy.getState(), env.getState());
  const nanReward = new NormalizeReward(new ScriptedEnv([[0]], [Number.NaN]));
  nanReward.reset();
  t.throws(() => nanReward.step(0), { message: /NormalizeReward: the env returned the non-finite reward NaN/ });
  t.deepEqual(nanReward.getState(), { returnRms: { mean: [0], var: [1], count: 1e-4 }, discountedReward: 0 });
  t.throws(() => new NormalizeReward(new ScriptedEnv([[0]]), { gamma: 1.5 }), { message: /gamma must be a finite number in \[0, 1\], got 1.5/ });
  t.throws(() => new NormalizeReward(new ScriptedEnv([[0]]), { epsilon: -1 }), { message: /epsilon must be a finite number in \(0, inf\)/ });
});

// ---------------------------------------------------------------- RecordEpisodeStatistics

test('RecordEpisodeStatistics reports r, l and t at each episode end and keeps bounded queues', (t) => {
  let now = 100;
  const clock = (): number => now;
  const rewards = [0.5, -1, 2.25, 3, 0.125, 1, 1, 1];
  const env = new RecordEpisodeStatistics(new TimeLimit(new ScriptedEnv([[0]], rewards, 3, true), 10), { bufferLength: 2, clock });
  const episodes: { r: number; l: number; t: number }[] = [];
  const manual: { r: number; l: number }[] = [];
  env.reset({ seed: 3 });
  let sum = 0;
  let length = 0;
  for (let i = 0; i < 8; i++) {
    now += 0.25 + 1e-7; // 0.2500001 s per step: t is rounded to microseconds
    const r = env.step(0);
    sum += r.reward;
    length++;
    if (r.terminated || r.truncated) {
      episodes.push(r.info.episode as { r: number; l: number; t: number });
      manual.push({ r: sum, l: length });
      sum = 0;
      length = 0;
      env.reset();
    } else {
      t.false('episode' in r.info);
    }
  }
  t.deepEqual(manual, [
    { r: 0.5 - 1 + 2.25, l: 3 },
    { r: 3 + 0.125 + 1, l: 3 },
  ]);
  t.deepEqual(episodes.map(({ r, l }) => ({ r, l })), manual);
  t.deepEqual(episodes.map((e) => e.t), [0.75, 0.75]);
  t.is(env.episodeCount, 2);
  t.deepEqual(env.returnQueue, manual.map((m) => m.r));
  t.deepEqual(env.lengthQueue, [3, 3]);
  // One more episode pushes the oldest out of the 2-long queues.
  env.reset();
  for (let i = 0; i < 3; i++) env.step(0);
  t.is(env.episodeCount, 3);
  t.is(env.returnQueue.length, 2);
  t.deepEqual(env.lengthQueue, [3, 3]);
  t.is(env.returnQueue[0], manual[1].r);
});

test('RecordEpisodeStatistics refuses a clashing stats key and bad options', (t) => {
  const twice = new RecordEpisodeStatistics(new RecordEpisodeStatistics(new ScriptedEnv([[0]], [1], 1)));
  twice.reset();
  t.throws(() => twice.step(0), { message: /already has a "episode" key/ });
  const renamed = new RecordEpisodeStatistics(new RecordEpisodeStatistics(new ScriptedEnv([[0]], [1], 1)), { statsKey: 'outer' });
  renamed.reset();
  const info = renamed.step(0).info;
  t.deepEqual([(info.episode as { l: number }).l, (info.outer as { l: number }).l], [1, 1]);
  t.throws(() => new RecordEpisodeStatistics(new ScriptedEnv([[0]]), { bufferLength: 0 }), { message: /bufferLength must be a positive integer, got 0/ });
  t.throws(() => new RecordEpisodeStatistics(new ScriptedEnv([[0]]), { statsKey: '' }), { message: /statsKey must be a non-empty string/ });
});

test('RecordEpisodeStatistics measures real elapsed time by default', (t) => {
  const env = new RecordEpisodeStatistics(new ScriptedEnv([[0]], [1], 1));
  env.reset();
  const start = performance.now();
  while (performance.now() - start < 5) {
    // Busy-wait a few milliseconds so that the episode lasts measurably.
  }
  const stats = env.step(0).info.episode as { t: number };
  t.true(stats.t >= 0.004 && stats.t < 5, `t = ${stats.t}`);
  t.is(Math.round(stats.t * 1e6) / 1e6, stats.t);
});
