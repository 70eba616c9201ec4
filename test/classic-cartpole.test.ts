import test from 'ava';
import { CartPoleEnv, EnvError, InvalidActionError, InvalidOptionError, make, spec } from '../envs/index.js';
import type { Env } from '../envs/index.js';

const TAU = 0.02;
const THETA_LIMIT = (12 * 2 * Math.PI) / 360;

function makeCartPole(): Env<Float32Array, number> {
  return make<Float32Array, number>('CartPole-v1');
}

function unwrappedCartPole(env: Env<Float32Array, number>): CartPoleEnv {
  return env.unwrapped as unknown as CartPoleEnv;
}

test('registered as Gymnasium registers it: 500-step limit, reward threshold 475', (t) => {
  const s = spec('CartPole-v1');
  t.is(s.maxEpisodeSteps, 500);
  t.is(s.rewardThreshold, 475);
  const env = makeCartPole();
  t.is(env.actionSpace.toString(), 'Discrete(2)');
  t.deepEqual(env.observationSpace.shape, [4]);
  t.true(unwrappedCartPole(env) instanceof CartPoleEnv);
});

test('one step from rest follows the cart-pole equations of motion (analytic)', (t) => {
  // From the zero state, sin θ = 0 and cos θ = 1, so the equations reduce to closed forms.
  const totalMass = 1.1;
  for (const [action, force] of [
    [1, 10],
    [0, -10],
  ] as const) {
    const env = new CartPoleEnv();
    env.reset({ options: { state: [0, 0, 0, 0] } });
    const temp = force / totalMass;
    const thetaAcc = -temp / (0.5 * (4 / 3 - 0.1 / totalMass));
    const xAcc = temp - (0.05 * thetaAcc) / totalMass;
    const { observation, reward, terminated } = env.step(action);
    t.is(observation[0], 0);
    t.true(Math.abs(observation[1] - TAU * xAcc) < 1e-7, `x_dot for action ${action}`);
    t.is(observation[2], 0);
    t.true(Math.abs(observation[3] - TAU * thetaAcc) < 1e-7, `theta_dot for action ${action}`);
    t.is(reward, 1);
    t.false(terminated);
    // Explicit Euler: the position moves with the old velocity (zero), the velocity with the acceleration.
    t.deepEqual(env.state?.map((v) => Math.abs(v) < 1e-12), [true, false, true, false]);
  }
});

test('observations are the float64 state rounded to float32, in a fresh array each step', (t) => {
  const env = new CartPoleEnv();
  const start = [0.1234567890123, -0.5, 0.01, 0.3];
  const { observation } = env.reset({ options: { state: start } });
  t.true(observation instanceof Float32Array);
  t.deepEqual(Array.from(observation), start.map(Math.fround));
  t.deepEqual(env.state, start);
  const first = env.step(1).observation;
  first[0] = 99;
  const second = env.step(1).observation;
  t.not(first, second);
  t.not(second[0], 99);
});

test.serial('terminates beyond ±2.4 m or ±12°; +1 on the terminating step, then 0 with one warning', async (t) => {
  const warnings: Error[] = [];
  const onWarning = (w: Error & { code?: string }) => {
    if (w.code === 'FLASH_GYM_STEP_AFTER_TERMINATED') warnings.push(w);
  };
  process.on('warning', onWarning);
  try {
    const env = new CartPoleEnv();
    env.reset({ options: { state: [0, 0, THETA_LIMIT - 1e-4, 1] } });
    const fell = env.step(1);
    t.true(fell.terminated);
    t.is(fell.reward, 1);
    t.false(fell.truncated);
    const after = [env.step(0), env.step(0), env.step(0)];
    t.deepEqual(
      after.map((r) => [r.reward, r.terminated]),
      [
        [0, true],
        [0, true],
        [0, true],
      ],
    );
    await new Promise((resolve) => setImmediate(resolve));
    t.is(warnings.length, 1, 'warns once, on the first step after termination');

    // A reset starts the count again: the next fall pays +1.
    env.reset({ options: { state: [2.4, 1, 0, 0] } });
    const offTrack = env.step(1);
    t.true(offTrack.terminated);
    t.is(offTrack.reward, 1);
  } finally {
    process.off('warning', onWarning);
  }
  const inside = new CartPoleEnv();
  inside.reset({ options: { state: [2.3, 0, 0.1, 0] } });
  t.false(inside.step(1).terminated);
});

test('suttonBartoReward: 0 per surviving step, −1 on and after termination', (t) => {
  const env = make<Float32Array, number>('CartPole-v1', { suttonBartoReward: true });
  env.reset({ options: { state: [0, 0, 0, 0] } });
  t.is(env.step(1).reward, 0);
  const bare = new CartPoleEnv({ suttonBartoReward: true });
  bare.reset({ options: { state: [0, 0, THETA_LIMIT, 1] } });
  t.deepEqual([bare.step(1).reward, bare.step(1).reward], [-1, -1]);
});

test('seeding: same seed, same episode; reset() continues the RNG; other seeds differ', (t) => {
  const run = (env: Env<Float32Array, number>) => {
    const out: number[][] = [Array.from(env.reset({ seed: 42 }).observation)];
    for (let i = 0; i < 50; i++) {
      const r = env.step(i % 3 === 0 ? 0 : 1);
      out.push(Array.from(r.observation));
      if (r.terminated || r.truncated) out.push(Array.from(env.reset().observation));
    }
    out.push(Array.from(env.reset().observation));
    return out;
  };
  const a = run(makeCartPole());
  const b = run(makeCartPole());
  t.deepEqual(a, b);
  t.notDeepEqual(a[0], a[a.length - 1], 'a reset without a seed draws a new start');
  const other = makeCartPole().reset({ seed: 43 }).observation;
  t.notDeepEqual(Array.from(other), a[0]);
  for (const v of a[0]) t.true(v >= -0.05 && v < 0.05, 'default start within ±0.05');
});

test('reset options low/high bound the random start; low = high pins it', (t) => {
  const env = new CartPoleEnv();
  env.reset({ seed: 1 });
  for (let i = 0; i < 100; i++) {
    const { observation } = env.reset({ options: { low: 0.2, high: 0.4 } });
    for (const v of observation) t.true(v >= Math.fround(0.2) && v <= Math.fround(0.4));
  }
  t.deepEqual(Array.from(env.reset({ options: { low: 0.25, high: 0.25 } }).observation), [0.25, 0.25, 0.25, 0.25]);
  // Only one bound given: the other keeps its default (Gymnasium's maybe_parse_reset_bounds).
  for (const v of env.reset({ options: { high: -0.01 } }).observation) t.true(v >= Math.fround(-0.05) && v <= Math.fround(-0.01));
});

test('bad reset options raise errors naming the option and what is allowed, and change nothing', (t) => {
  const env = makeCartPole();
  env.reset({ options: { state: [0.1, 0.2, 0.03, 0.04] } });
  const bad: Array<[Record<string, unknown>, RegExp]> = [
    [{ state: [0, 0, 0] }, /"state" has 3 values, expected 4/],
    [{ state: [0, 0, 0, 0, 0] }, /"state" has 5 values, expected 4/],
    [{ state: [0, NaN, 0, 0] }, /NaN for x_dot \(index 1\)/],
    [{ state: [0, 0, Infinity, 0] }, /Infinity for theta/],
    [{ state: 'upright' }, /"state" = "upright" is invalid; allowed: an array of 4 finite numbers/],
    [{ state: [0, 0, 0, 0], low: -1 }, /cannot be combined with "low"/],
    [{ low: 1, high: 0 }, /"low" \(1\) must not be above "high" \(0\)/],
    [{ low: 'a' }, /"low" = "a" is invalid; allowed: a finite number/],
    [{ high: Infinity }, /"high" = Infinity is invalid/],
    [{ x_init: 1 }, /unknown option "x_init"; allowed: low, high, state/],
  ];
  for (const [options, message] of bad) {
    const error = t.throws(() => env.reset({ options }), { instanceOf: InvalidOptionError, message }, JSON.stringify(options));
    t.regex(error?.message ?? '', /CartPole-v1/);
  }
  t.deepEqual(unwrappedCartPole(env).state, [0.1, 0.2, 0.03, 0.04], 'state unchanged');
  const fresh = new CartPoleEnv();
  fresh.reset({ options: { state: [0.1, 0.2, 0.03, 0.04] } });
  t.deepEqual(env.step(1).observation, fresh.step(1).observation, 'the episode continues as if nothing happened');
});

test('the state option is copied: changing the caller array later does not move the cart', (t) => {
  const env = new CartPoleEnv();
  const start = [0, 0, 0, 0];
  env.reset({ options: { state: start } });
  start[0] = 1;
  t.deepEqual(env.state, [0, 0, 0, 0]);
  env.reset({ options: { state: Float64Array.of(0.5, 0, 0, 0) } });
  t.is(env.state?.[0], 0.5, 'typed arrays are accepted');
});

test('invalid actions raise InvalidActionError naming env, value and space; the state is unchanged', (t) => {
  const env = makeCartPole();
  env.reset({ options: { state: [0.1, 0.2, 0.03, 0.04] } });
  for (const action of [2, -1, 0.5, NaN, '1', [1], null, undefined]) {
    t.throws(() => env.step(action as unknown as number), {
      instanceOf: InvalidActionError,
      message: /^CartPole-v1\.step: invalid action .+; expected an element of Discrete\(2\)$/,
    });
  }
  t.throws(() => env.step(2), { message: /invalid action 2;/ });
  t.deepEqual(unwrappedCartPole(env).state, [0.1, 0.2, 0.03, 0.04]);
  t.false(env.step(1).terminated, 'still steppable: an invalid action does not end the episode');
});

test('step before reset and after the episode ended raise errors saying so', (t) => {
  t.throws(() => makeCartPole().step(1), { instanceOf: EnvError, message: /before reset/ });
  t.throws(() => new CartPoleEnv().step(1), { instanceOf: EnvError, message: /reset\(\) before step\(\)/ });
  const env = makeCartPole();
  env.reset({ options: { state: [0, 0, THETA_LIMIT, 1] } });
  t.true(env.step(1).terminated);
  t.throws(() => env.step(1), { instanceOf: EnvError, message: /episode ended.*call reset\(\)/ });
  env.reset();
  t.notThrows(() => env.step(1));
});

test('kwargs are validated by make and by the constructor', (t) => {
  t.throws(() => make('CartPole-v1', { gravity: 9.81 }), { instanceOf: InvalidOptionError, message: /unknown kwarg "gravity"; allowed: suttonBartoReward/ });
  t.throws(() => make('CartPole-v1', { suttonBartoReward: 1 }), { message: /"suttonBartoReward" = 1 is invalid; allowed: a boolean/ });
  t.throws(() => spec('CartPole-v1').entryPoint({ suttonBartoReward: 'yes' }), { instanceOf: InvalidOptionError, message: /suttonBartoReward/ });
});
