import test from 'ava';
import { BaseEnv, Box, Discrete, EnvError, InvalidOptionError, listEnvs, make, register, spec, unregister, type ResetResult, type StepResult } from '../index.js';

/** Counts steps; its RNG draws the start value, so seeding is observable. */
class CounterEnv extends BaseEnv<Float32Array, number> {
  readonly observationSpace = new Box(0, 1000, { shape: [1] });
  readonly actionSpace = new Discrete(2);
  private count = 0;
  constructor(readonly stepSize: number) {
    super();
  }
  protected resetEnv(): ResetResult<Float32Array> {
    this.count = this.npRandom.integers(0, 10);
    return { observation: Float32Array.of(this.count), info: {} };
  }
  protected stepEnv(action: number): StepResult<Float32Array> {
    this.count += action * this.stepSize;
    return { observation: Float32Array.of(this.count), reward: action, terminated: this.count >= 900, truncated: false, info: {} };
  }
}

register({
  id: 'Test/Counter-v3',
  entryPoint: (kwargs) => new CounterEnv(kwargs.stepSize as number),
  maxEpisodeSteps: 5,
  kwargs: { stepSize: 1 },
  kwargsSchema: { stepSize: { type: 'number', min: 1, max: 100, integer: true } },
});

test('make builds the env with merged kwargs, its spec and the time limit', (t) => {
  const env = make<Float32Array, number>('Test/Counter-v3', { stepSize: 3 });
  t.is(env.spec?.id, 'Test/Counter-v3');
  t.is(env.spec?.namespace, 'Test');
  t.is(env.spec?.name, 'Counter');
  t.is(env.spec?.version, 3);
  t.deepEqual({ ...env.spec?.kwargs }, { stepSize: 3 });
  const start = env.reset({ seed: 1 }).observation[0];
  let last = env.step(1);
  t.is(last.observation[0], start + 3);
  for (let i = 0; i < 4; i++) last = env.step(1);
  t.true(last.truncated, 'truncated after maxEpisodeSteps');
  t.true(listEnvs().includes('Test/Counter-v3'));
});

test('step before reset and after the end of an episode raise until the next reset', (t) => {
  const env = make<Float32Array, number>('Test/Counter-v3');
  t.throws(() => env.step(0), { instanceOf: EnvError, message: /before reset/ });
  env.reset({ seed: 0 });
  for (let i = 0; i < 5; i++) env.step(0);
  t.throws(() => env.step(0), { instanceOf: EnvError, message: /call reset\(\) before step/ });
  env.reset();
  t.notThrows(() => env.step(0));
});

test('an unknown id lists the closest registered ids', (t) => {
  const error = t.throws(() => make('Test/Countr-v3'), { instanceOf: EnvError });
  t.regex(error.message, /unknown env id "Test\/Countr-v3"/);
  t.regex(error.message, /Did you mean: Test\/Counter-v3/);
  t.throws(() => spec('CartPole'), { message: /malformed env id|unknown env id/ });
  t.throws(() => register({ id: 'NoVersion', entryPoint: () => new CounterEnv(1) }), { message: /malformed env id "NoVersion"/ });
});

test('unknown and out-of-range kwargs name the key and what is allowed', (t) => {
  t.throws(() => make('Test/Counter-v3', { stepsize: 2 }), { instanceOf: InvalidOptionError, message: /unknown kwarg "stepsize"; allowed: stepSize \(an integer in \[1, 100\]\)/ });
  t.throws(() => make('Test/Counter-v3', { stepSize: 0 }), { message: /kwarg "stepSize" = 0 is invalid; allowed: an integer in \[1, 100\]/ });
  t.throws(() => make('Test/Counter-v3', { stepSize: 2.5 }), { message: /"stepSize" = 2.5/ });
});

test('a bad reset leaves the RNG untouched; invalid actions leave the state unchanged', (t) => {
  const env = make<Float32Array, number>('Test/Counter-v3');
  const first = env.reset({ seed: 5 }).observation[0];
  const reference = make<Float32Array, number>('Test/Counter-v3');
  reference.reset({ seed: 5 });
  t.throws(() => env.reset({ seed: 99, options: { bogus: 1 } }), { message: /unknown option "bogus"; allowed: \(none\)/ });
  t.throws(() => env.reset({ seed: -3 }), { message: /non-negative integer/ });
  // The failed resets did not reseed: an unseeded reset continues the seed-5 stream like the reference.
  t.is(env.reset().observation[0], reference.reset().observation[0]);
  const before = env.step(1).observation[0];
  t.throws(() => env.step(2), { message: /invalid action 2; expected an element of Discrete\(2\)/ });
  t.throws(() => env.step(Number.NaN), { message: /invalid action NaN/ });
  t.is(env.step(0).observation[0], before, 'state unchanged by the rejected actions');
  t.true(Number.isFinite(first));
});

test('unregister removes an id', (t) => {
  register({ id: 'Test/Temp-v0', entryPoint: () => new CounterEnv(1) });
  t.true(unregister('Test/Temp-v0'));
  t.false(listEnvs().includes('Test/Temp-v0'));
});
