import test from 'ava';
import { checkEnv } from '../envs/checker/index.js';
import type { Env } from '../envs/core/index.js';
import { make } from '../envs/registry/index.js';
import '../envs/autoscaling/index.js';
import { AutoscalingEnv, AutoscalingContinuousEnv, autoscalingTasks, createAutoscalingTaskDistribution, type AutoscalingTask } from '../envs/autoscaling/index.js';

const catalog = autoscalingTasks.catalog(50, 0);
const stationary = catalog.find((t) => t.drift === undefined && t.pattern.kind === 'constant')!;

function rollout(env: Env<Float32Array, number>, seed: number, actions: number[], options?: Record<string, unknown>): unknown[] {
  const out: unknown[] = [];
  const r = env.reset({ seed, options });
  out.push(Array.from(r.observation), r.info);
  for (const a of actions) {
    const s = env.step(a);
    out.push(Array.from(s.observation), s.reward, s.info);
  }
  return out;
}

for (const id of ['Autoscaling-v0', 'AutoscalingContinuous-v0']) {
  test(`${id} passes checkEnv`, (t) => {
    const findings = checkEnv(make(id));
    t.deepEqual(findings.filter((f) => f.level === 'error'), []);
  });
}

test('make registers both envs with 50-step episodes', (t) => {
  const env = make<Float32Array, number>('Autoscaling-v0');
  env.reset({ seed: 0 });
  let steps = 0;
  for (;;) {
    steps++;
    const s = env.step(0);
    if (s.truncated) break;
    t.false(s.terminated);
  }
  t.is(steps, 50);
});

test('same seed and actions give the same episode; another seed differs', (t) => {
  const actions = [1, 1, 3, 0, 5, 2, 4, 6, 0, 1];
  const a = rollout(new AutoscalingEnv({ task: catalog[3] }), 5, actions);
  const b = rollout(new AutoscalingEnv({ task: catalog[3] }), 5, actions);
  t.deepEqual(a, b);
  t.notDeepEqual(rollout(new AutoscalingEnv({ task: catalog[3] }), 6, actions), a);
});

test('the observation and info describe the interval; the reward is AWARE’s', (t) => {
  const env = new AutoscalingEnv({ task: stationary });
  env.reset({ seed: 1, options: { config: { replicas: 4, cpuMillicores: 1024, memoryMiB: 1024 } } });
  const s = env.step(0);
  const info = s.info as Record<string, number | boolean>;
  for (const key of ['latencyMeanMs', 'latencyP95Ms', 'sloViolated', 'cpuUtilization', 'memoryUtilization', 'failedRequests', 'droppedRequests', 'resourceCost']) {
    t.true(key in info, key);
  }
  const slo = Math.min(1, stationary.sloMs / (info.latencyP95Ms as number)) * (((info.servedRequests as number) - (info.failedRequests as number)) / ((info.servedRequests as number) + (info.droppedRequests as number)));
  const expected = 0.3 * 0.5 * ((info.cpuUtilization as number) + (info.memoryUtilization as number)) + 0.7 * slo;
  t.true(Math.abs(s.reward - expected) < 1e-12);
  t.true(Math.abs(s.observation[2] - slo) < 1e-6);
  t.true(Math.abs(s.observation[6] - 4 / 20) < 1e-7);
  t.true(Math.abs(s.observation[7] - 1024 / 2048) < 1e-7);
  t.true(Math.abs(s.observation[8] - 1024 / 3072) < 1e-7);
  t.is(info.sloViolated, (info.latencyP95Ms as number) > stationary.sloMs);
});

test('illegal actions earn −1 and leave the configuration unchanged', (t) => {
  const env = new AutoscalingEnv({ task: stationary });
  const cases: Array<[{ replicas: number; cpuMillicores: number; memoryMiB: number }, number]> = [
    [{ replicas: 20, cpuMillicores: 512, memoryMiB: 512 }, 1],
    [{ replicas: 1, cpuMillicores: 512, memoryMiB: 512 }, 2],
    [{ replicas: 4, cpuMillicores: 2048, memoryMiB: 512 }, 3],
    [{ replicas: 4, cpuMillicores: 128, memoryMiB: 512 }, 4],
    [{ replicas: 4, cpuMillicores: 512, memoryMiB: 3072 }, 5],
    [{ replicas: 4, cpuMillicores: 512, memoryMiB: 256 }, 6],
    [{ replicas: 1, cpuMillicores: 512, memoryMiB: 512 }, 3], // vertical change with one replica
  ];
  for (const [config, action] of cases) {
    env.reset({ seed: 2, options: { config } });
    const s = env.step(action);
    t.is(s.reward, -1, `action ${action} at ${JSON.stringify(config)}`);
    t.true((s.info as { illegalAction: boolean }).illegalAction);
    t.deepEqual(env.config, config);
  }
  env.reset({ seed: 2, options: { config: { replicas: 2, cpuMillicores: 512, memoryMiB: 512 } } });
  t.true(env.step(3).reward > -1, 'a vertical change with 2 replicas is legal');
  t.is(env.config.cpuMillicores, 640);
});

test('reversing the previous step’s change costs a −1 flip-flop penalty', (t) => {
  const config = { replicas: 5, cpuMillicores: 1024, memoryMiB: 1024 };
  const env = new AutoscalingEnv({ task: stationary });
  for (const [first, second] of [[1, 2], [3, 4], [6, 5]]) {
    env.reset({ seed: 3, options: { config } });
    t.false((env.step(first).info as { flipFlop: boolean }).flipFlop);
    const flip = env.step(second);
    const info = flip.info as { flipFlop: boolean; cpuUtilization: number; memoryUtilization: number; sloPreservation: number };
    t.true(info.flipFlop, `${first} then ${second}`);
    const unpenalized = 0.3 * 0.5 * (info.cpuUtilization + info.memoryUtilization) + 0.7 * info.sloPreservation;
    t.true(Math.abs(flip.reward - (unpenalized - 1)) < 1e-12);
    t.deepEqual(env.config, config, 'the reversal itself is applied');
  }
  env.reset({ seed: 3, options: { config } });
  env.step(1);
  env.step(0);
  t.false((env.step(2).info as { flipFlop: boolean }).flipFlop, 'a no-op in between breaks the flip-flop');
});

test('reset({ options: { task } }) switches the task; env.task reads it, with drift applied at its step', (t) => {
  const drifting = createAutoscalingTaskDistribution({ driftProbability: 1 }).catalog(20, 1).find((x) => x.drift![0].set.rate !== undefined)!;
  const env = new AutoscalingEnv({ task: catalog[0] });
  t.is(env.task.id, catalog[0].id);
  env.reset({ seed: 0, options: { task: drifting } });
  t.is(env.task.id, drifting.id);
  const at = drifting.drift![0].atStep;
  const rates: number[] = [];
  for (let i = 1; i <= at; i++) {
    env.step(0);
    rates.push(env.task.rate);
  }
  t.is(rates[at - 2], drifting.rate);
  t.is(rates[at - 1], drifting.drift![0].set.rate as number);
  // Same seed, same drifting episode.
  const again = new AutoscalingEnv();
  const actions = Array.from({ length: at + 2 }, (_, i) => i % 7);
  t.deepEqual(rollout(again, 4, actions, { task: drifting }), rollout(new AutoscalingEnv(), 4, actions, { task: drifting }));
});

test('the drift changes the arrivals from its step on', (t) => {
  const base = createAutoscalingTaskDistribution({ driftProbability: 0 }).catalog(1, 2)[0];
  const task: AutoscalingTask = { ...base, pattern: { kind: 'constant' }, noise: 0, drift: [{ atStep: 10, set: { rate: base.rate * 3 } }] };
  const env = new AutoscalingEnv({ task });
  env.reset({ seed: 0 });
  const arrivals: number[] = [];
  for (let i = 1; i <= 20; i++) arrivals.push((env.step(0).info as { arrivals: number }).arrivals);
  const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
  const before = mean(arrivals.slice(0, 9));
  const after = mean(arrivals.slice(9));
  t.true(after / before > 2.5 && after / before < 3.5, `${before} → ${after}`);
});

test('bad options and kwargs raise clear errors and change nothing', (t) => {
  const env = new AutoscalingEnv({ task: stationary });
  env.reset({ seed: 0, options: { config: { replicas: 3, cpuMillicores: 512, memoryMiB: 512 } } });
  const before = { config: env.config, task: env.task };
  t.throws(() => env.reset({ options: { tsk: stationary } }), { message: /unknown option "tsk"; allowed: task, config/ });
  t.throws(() => env.reset({ options: { task: { ...stationary, rate: 'high' } } }), { message: /"rate" = "high"/ });
  t.throws(() => env.reset({ options: { config: { replicas: 21, cpuMillicores: 512, memoryMiB: 512 } } }), { message: /config.replicas" = 21.*\[1, 20\]/ });
  t.throws(() => env.reset({ options: { config: { replicas: 2, cpuMillicores: 512 } } }), { message: /config.memoryMiB" = undefined/ });
  t.throws(() => env.reset({ options: { task: catalog[1], config: { replicas: 2, cpuMillicores: 100, memoryMiB: 512 } } }), { message: /config.cpuMillicores" = 100/ });
  t.deepEqual({ config: env.config, task: env.task }, before, 'a failed reset leaves the task and configuration');
  t.throws(() => make('Autoscaling-v0', { controlIntervalS: 0 }), { message: /controlIntervalS.*\[1, 3600\]/ });
  t.throws(() => make('Autoscaling-v0', { task: { id: 'x' } }), { message: /kwarg "task" is invalid.*"segments"/ });
  t.throws(() => make('Autoscaling-v0', { tasks: [] }), { message: /unknown kwarg "tasks"/ });
  t.throws(() => env.step(7), { message: /Discrete\(7\)/ });
  t.throws(() => new AutoscalingContinuousEnv().step(Float32Array.from([0, 2, 0])), { message: /Box/ });
});

test('the continuous env scales and clips its action into the discrete units', (t) => {
  const env = new AutoscalingContinuousEnv({ task: stationary });
  env.reset({ seed: 0, options: { config: { replicas: 3, cpuMillicores: 1024, memoryMiB: 512 } } });
  env.step(Float32Array.from([0.5, 0.25, -1]));
  t.deepEqual(env.config, { replicas: 5, cpuMillicores: 1152, memoryMiB: 256 });
  env.step(Float32Array.from([1, 1, 1]));
  t.deepEqual(env.config, { replicas: 9, cpuMillicores: 1664, memoryMiB: 768 });
  env.reset({ seed: 0, options: { config: { replicas: 1, cpuMillicores: 1024, memoryMiB: 512 } } });
  const s = env.step(Float32Array.from([0, 0.5, 0]));
  t.is(s.reward, -1, 'a vertical change with one replica is illegal');
  t.deepEqual(env.config, { replicas: 1, cpuMillicores: 1024, memoryMiB: 512 });
});
