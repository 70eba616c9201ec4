import test from 'ava';
import {
  AimdController,
  CongestionControlEnv,
  InvalidActionError,
  InvalidOptionError,
  Rng,
  checkEnv,
  congestionTasks,
  congestionTraceTasks,
  make,
  runAimdEpisode,
  spec,
  type CongestionStepInfo,
  type CongestionTask,
  type Env,
} from '../envs/index.js';

// The env around the simulator: registration, Gymnasium conventions, seeding, tasks (sampling, catalogs,
// splits, validation, drift) and the AIMD baseline.

const LOSSY: CongestionTask = { id: 'lossy', bandwidth: 250, latency: 0.08, queue: 40, loss: 0.02, initialRate: 300 };

function rollout(env: Env<Float32Array, Float32Array>, seed: number, steps: number, task?: CongestionTask) {
  const actionRng = new Rng(99);
  const first = env.reset({ seed, options: task ? { task } : undefined });
  const observations = [Array.from(first.observation)];
  const rewards: number[] = [];
  for (let i = 0; i < steps; i++) {
    const r = env.step(Float32Array.of(actionRng.uniform(-3, 3)));
    observations.push(Array.from(r.observation));
    rewards.push(r.reward);
  }
  return { observations, rewards };
}

test('CongestionControl-v0 is registered with PCC-RL episode length and passes checkEnv', (t) => {
  const envSpec = spec('CongestionControl-v0');
  t.is(envSpec.maxEpisodeSteps, 400);
  t.is(envSpec.taskFamily, 'congestion');
  const env = make('CongestionControl-v0');
  t.deepEqual(env.observationSpace.shape, [30]);
  t.deepEqual(env.actionSpace.shape, [1]);
  t.deepEqual(checkEnv(make('CongestionControl-v0'), { throwOnError: false }).filter((f) => f.level === 'error'), []);
  t.deepEqual(checkEnv(make('CongestionControl-v0', { taskFamily: 'trace' }), { throwOnError: false }).filter((f) => f.level === 'error'), []);
});

test('same seed and actions give identical trajectories (with random loss); another seed differs', (t) => {
  const a = rollout(new CongestionControlEnv(), 5, 60, LOSSY);
  const b = rollout(new CongestionControlEnv(), 5, 60, LOSSY);
  const c = rollout(new CongestionControlEnv(), 6, 60, LOSSY);
  t.deepEqual(a, b);
  t.notDeepEqual(a.rewards, c.rewards);
  // Without a task, the seed also draws the link (PCC-RL samples one per reset).
  const envA = new CongestionControlEnv();
  const envB = new CongestionControlEnv();
  envA.reset({ seed: 3 });
  envB.reset({ seed: 3 });
  t.deepEqual(envA.task, envB.task);
  envA.reset();
  t.notDeepEqual(envA.task, envB.task, 'reset() without a seed continues the RNG: a new link');
});

test('trace tasks are deterministic under a seed too', (t) => {
  const make2 = () => new CongestionControlEnv({ taskFamily: 'trace' });
  t.deepEqual(rollout(make2(), 8, 40), rollout(make2(), 8, 40));
});

test('reset({ options: { task } }) switches the task and keeps it for later episodes', (t) => {
  const env = new CongestionControlEnv();
  t.throws(() => env.task, { message: /reset/ });
  env.reset({ seed: 1, options: { task: LOSSY } });
  t.is(env.task.id, 'lossy');
  env.reset();
  t.is(env.task.id, 'lossy');
  t.is(env.model.rate, LOSSY.initialRate);
  const fixed = new CongestionControlEnv({ task: { ...LOSSY, id: 'kwarg' } });
  t.is(fixed.task.id, 'kwarg');
});

test('malformed tasks raise errors naming the field and leave the env as it was', (t) => {
  const env = new CongestionControlEnv();
  env.reset({ seed: 2, options: { task: LOSSY } });
  const before = rollout(new CongestionControlEnv(), 2, 5, LOSSY);
  const bad: Array<[Record<string, unknown>, RegExp]> = [
    [{ ...LOSSY, bandwidth: -5 }, /"bandwidth" = -5.*\[1, 1000000\]/],
    [{ ...LOSSY, latency: 'fast' }, /"latency"/],
    [{ ...LOSSY, queue: 10.5 }, /"queue" = 10.5.*integer/],
    [{ ...LOSSY, loss: 1 }, /"loss" = 1/],
    [{ ...LOSSY, initialRate: Number.NaN }, /"initialRate" = NaN/],
    [{ ...LOSSY, bandwith: 300 }, /"bandwith".*no such field/],
    [{ id: 'x', bandwidth: 300, latency: 0.1, queue: 10, loss: 0 }, /"initialRate" = undefined/],
    [{ ...LOSSY, id: '' }, /"id"/],
    [{ ...LOSSY, trace: { interval: 1, bandwidths: [200], delayNoise: 0 } }, /trace\.bandwidths\.0.*task's bandwidth/],
    [{ ...LOSSY, trace: { interval: 0, bandwidths: [250], delayNoise: 0 } }, /trace\.interval/],
    [{ ...LOSSY, drift: [{ atStep: 5, set: { initialRate: 3 } }] }, /drift\[0\]\.set\.initialRate/],
  ];
  for (const [task, message] of bad) {
    const error = t.throws(() => env.reset({ options: { task } }), { instanceOf: InvalidOptionError });
    t.regex(error?.message ?? '', message);
    t.is(env.task.id, 'lossy', 'the previous task stays');
  }
  t.throws(() => env.reset({ options: { tsk: LOSSY } }), { instanceOf: InvalidOptionError, message: /unknown option "tsk".*task/ });
  t.throws(() => make('CongestionControl-v0', { taskFamily: 'genet' }), { message: /taskFamily.*"aurora", "trace"/ });
  t.throws(() => make('CongestionControl-v0', { task: { ...LOSSY, queue: 0 } }), { message: /queue/ });
  // After all the rejected calls, the env still replays the same trajectory as a fresh one.
  t.deepEqual(rollout(env, 2, 5), before);
});

test('invalid actions raise an error and leave the env unchanged', (t) => {
  const env = make('CongestionControl-v0') as Env<Float32Array, Float32Array>;
  const reference = make('CongestionControl-v0') as Env<Float32Array, Float32Array>;
  env.reset({ seed: 4, options: { task: LOSSY } });
  reference.reset({ seed: 4, options: { task: LOSSY } });
  for (const action of [Float32Array.of(Number.NaN), Float32Array.of(1, 2), [] as unknown as Float32Array, 0.5 as unknown as Float32Array]) {
    t.throws(() => env.step(action), { instanceOf: InvalidActionError, message: /CongestionControl-v0.*Box/ });
  }
  t.deepEqual(env.step(Float32Array.of(1)), reference.step(Float32Array.of(1)));
});

test('info reports the interval in packets/s and seconds, consistent with the reward', (t) => {
  const env = new CongestionControlEnv({ task: LOSSY });
  env.reset({ seed: 1 });
  for (let i = 0; i < 20; i++) {
    const { reward, info } = env.step(Float32Array.of(0.5));
    const s = info as CongestionStepInfo;
    t.true(Math.abs(reward - 0.001 * (10 * s.throughput - 1000 * s.latency - 2000 * s.lossRatio)) < 1e-12);
    t.is(s.rate, env.model.rate);
  }
});

test('a drift event changes the link at its step', (t) => {
  const task: CongestionTask = { id: 'drift', bandwidth: 400, latency: 0.05, queue: 50, loss: 0, initialRate: 800, drift: [{ atStep: 100, set: { bandwidth: 150 } }] };
  const env = new CongestionControlEnv({ task });
  env.reset({ seed: 1 });
  const throughputs: number[] = [];
  for (let i = 0; i < 250; i++) throughputs.push((env.step(Float32Array.of(0)).info as CongestionStepInfo).throughput);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  // PCC-RL's throughput counts one ack less than arrived (about 30 per interval here): ~3% under capacity.
  t.true(Math.abs(mean(throughputs.slice(50, 100)) / 400 - 1) < 0.05, 'saturates the 400 packets/s link');
  t.true(Math.abs(mean(throughputs.slice(150)) / 150 - 1) < 0.05, 'then the drifted 150 packets/s link');
  t.true(mean(throughputs.slice(150)) < 155, 'and no longer the old one');
  t.is(env.task.bandwidth, 150);
  env.reset();
  t.is(env.task.bandwidth, 400, 'a new episode starts from the base task');
});

test('sampled tasks follow PCC-RL ranges and distributions', (t) => {
  const rng = new Rng(21);
  const n = 4000;
  const tasks = Array.from({ length: n }, (_, i) => congestionTasks.sample(rng, `t${i}`));
  const mean = (f: (x: CongestionTask) => number) => tasks.reduce((a, x) => a + f(x), 0) / n;
  for (const task of tasks) {
    t.true(task.bandwidth >= 100 && task.bandwidth < 500);
    t.true(task.latency >= 0.05 && task.latency < 0.5);
    t.true(Number.isInteger(task.queue) && task.queue >= 2 && task.queue <= 1 + Math.floor(Math.exp(8)));
    t.true(task.loss >= 0 && task.loss < 0.05);
    t.true(task.initialRate >= 0.3 * task.bandwidth && task.initialRate < 1.5 * task.bandwidth);
  }
  // Uniform means, and E[⌊e^U(0,8)⌋] ≈ (e^8 − 1)/8 − 1/2 + 1.
  t.true(Math.abs(mean((x) => x.bandwidth) - 300) < 6);
  t.true(Math.abs(mean((x) => x.latency) - 0.275) < 0.01);
  t.true(Math.abs(mean((x) => x.loss) - 0.025) < 0.001);
  t.true(Math.abs(mean((x) => x.initialRate / x.bandwidth) - 0.9) < 0.02);
  const expectedQueue = (Math.exp(8) - 1) / 8 + 0.5;
  t.true(Math.abs(mean((x) => x.queue) / expectedQueue - 1) < 0.08, `queue mean ${mean((x) => x.queue)} vs ${expectedQueue}`);
});

test('catalogs, splits, fingerprints and JSON of both task families', (t) => {
  for (const family of [congestionTasks, congestionTraceTasks]) {
    const catalog = family.catalog(30, 4);
    t.deepEqual(family.catalog(30, 4), catalog);
    t.notDeepEqual(family.catalog(30, 5), catalog);
    t.is(new Set(catalog.map((task) => task.id)).size, 30);
    const split = family.split(catalog, { train: 0.8, seed: 2 });
    t.is(split.train.length, 24);
    t.is(split.heldOut.length, 6);
    t.deepEqual([...split.train, ...split.heldOut].map((x) => x.id).sort(), catalog.map((x) => x.id).sort());
    t.deepEqual(family.split(catalog, { train: 0.8, seed: 2 }), split);
    for (const task of catalog) {
      t.deepEqual(family.fromJSON(family.toJSON(task)), task);
      const fp = family.fingerprint(task);
      t.is(fp.length, family.fingerprintNames.length);
      t.is(fp[4], fp[0] * 2 * task.latency, 'BDP = bandwidth × RTT');
    }
  }
  t.deepEqual([...congestionTasks.fingerprintNames], ['bandwidth', 'latency', 'queue', 'loss', 'bdp', 'bandwidthVariation']);
  const trace = congestionTraceTasks.catalog(5, 1);
  for (const task of trace) {
    t.truthy(task.trace);
    t.is(task.trace?.bandwidths[0], task.bandwidth);
    t.true((task.trace?.bandwidths.length ?? 0) * (task.trace?.interval ?? 0) >= 120);
    t.true(congestionTraceTasks.fingerprint(task)[5] > 0, 'a trace varies');
  }
});

test('AIMD converges to a sawtooth at link capacity on clean links', (t) => {
  // A rate-based AIMD (no window, so no self-clocking) climbs to the bandwidth, overflows the queue, halves,
  // and climbs again: throughput peaks at capacity, never exceeds it, and averages about 3/4 of it (the
  // mean of a sawtooth between 1/2 and 1), with little loss.
  for (const [bandwidth, latency, queue, start] of [
    [300, 0.05, 30, 0.3],
    [200, 0.2, 80, 1.5],
    [450, 0.1, 90, 0.5],
  ]) {
    const task: CongestionTask = { id: 'clean', bandwidth, latency, queue, loss: 0, initialRate: start * bandwidth };
    const run = runAimdEpisode(make('CongestionControl-v0') as Env<Float32Array, Float32Array>, { seed: 1, task });
    t.is(run.rewards.length, 400, 'runs the full episode');
    const late = run.throughputs.slice(200);
    const utilisation = late.reduce((a, b) => a + b, 0) / late.length / bandwidth;
    t.true(utilisation > 0.65 && utilisation < 0.95, `utilisation ${utilisation}`);
    t.true(Math.max(...late) > 0.97 * bandwidth, 'reaches capacity');
    t.true(Math.max(...late) <= bandwidth * 1.001, 'never above capacity');
    const lossy = run.lossRatios.slice(200);
    t.true(lossy.reduce((a, b) => a + b, 0) / lossy.length < 0.05, 'little loss');
    const meanRate = run.rates.slice(200).reduce((a, b) => a + b, 0) / 200 / bandwidth;
    t.true(meanRate > 0.6 && meanRate < 1.1, `mean rate ${meanRate} × bandwidth`);
  }
});

test('AIMD backs off under random loss and validates its parameters', (t) => {
  const clean = runAimdEpisode(new CongestionControlEnv(), { seed: 1, task: { ...LOSSY, loss: 0 }, steps: 300 });
  const lossy = runAimdEpisode(new CongestionControlEnv(), { seed: 1, task: LOSSY, steps: 300 });
  const mean = (xs: number[]) => xs.slice(100).reduce((a, b) => a + b, 0) / (xs.length - 100);
  t.true(mean(lossy.rates) < 0.7 * mean(clean.rates), 'random loss keeps Reno-like AIMD below capacity');
  t.throws(() => new AimdController({ decreaseFactor: 1.5 }), { message: /decreaseFactor/ });
  t.throws(() => new AimdController({ increasePerRtt: -1 }), { message: /increasePerRtt/ });
});
