import test from 'ava';
import { checkEnv } from '../envs/checker/index.js';
import { make } from '../envs/registry/index.js';
import '../envs/autoscaling/index.js';
import { AUTOSCALING_OBSERVATION_NAMES, AUTOSCALING_PARTIAL_OBSERVATION_NAMES, autoscalingTasks } from '../envs/autoscaling/index.js';

const tasks = autoscalingTasks.catalog(8, 3);
const actions = [1, 1, 3, 0, 5, 2, 0, 4, 1, 6, 0, 0];

function trajectory(id: string, kwargs: Record<string, unknown>, seed: number): { observations: number[][]; rewards: number[]; infos: unknown[] } {
  const env = make<Float32Array, number>(id, kwargs);
  const first = env.reset({ seed, options: { task: tasks[seed % tasks.length] } });
  const observations = [Array.from(first.observation)];
  const rewards: number[] = [];
  const infos: unknown[] = [first.info];
  for (const a of actions) {
    const s = env.step(a);
    observations.push(Array.from(s.observation));
    rewards.push(s.reward);
    infos.push(s.info);
  }
  env.close();
  return { observations, rewards, infos };
}

test('AutoscalingPartial-v0 passes checkEnv and observes 6 values', (t) => {
  const env = make<Float32Array, number>('AutoscalingPartial-v0');
  t.deepEqual(env.observationSpace.shape, [AUTOSCALING_PARTIAL_OBSERVATION_NAMES.length]);
  t.deepEqual(checkEnv(env).filter((f) => f.level === 'error'), []);
});

test('the partial observation is the full one without the app-identifying values; dynamics and rewards are unchanged', (t) => {
  const kept = AUTOSCALING_PARTIAL_OBSERVATION_NAMES.map((name) => AUTOSCALING_OBSERVATION_NAMES.indexOf(name));
  t.false(kept.includes(-1));
  const hidden = AUTOSCALING_OBSERVATION_NAMES.filter((name) => !(AUTOSCALING_PARTIAL_OBSERVATION_NAMES as readonly string[]).includes(name));
  t.deepEqual([...hidden].sort(), ['arrivalRateOverMaxCapacity', 'latencyOverSlo', 'sloPreservation']);
  for (const seed of [0, 1, 2]) {
    const full = trajectory('Autoscaling-v0', {}, seed);
    const byId = trajectory('AutoscalingPartial-v0', {}, seed);
    const byKwarg = trajectory('Autoscaling-v0', { observe: 'partial' }, seed);
    t.deepEqual(byId, byKwarg);
    t.deepEqual(byId.rewards, full.rewards);
    t.deepEqual(byId.infos, full.infos);
    t.deepEqual(byId.observations, full.observations.map((o) => kept.map((i) => o[i])));
  }
});

test('observe: "full" is the default observation', (t) => {
  t.deepEqual(trajectory('Autoscaling-v0', { observe: 'full' }, 4), trajectory('Autoscaling-v0', {}, 4));
  t.deepEqual(trajectory('AutoscalingPartial-v0', { observe: 'full' }, 4), trajectory('Autoscaling-v0', {}, 4));
});

test('a bad observe kwarg is an error naming it and the allowed values', (t) => {
  const err = t.throws(() => make('Autoscaling-v0', { observe: 'latency' }));
  t.regex(err?.message ?? '', /observe.*"full", "partial"/);
});
