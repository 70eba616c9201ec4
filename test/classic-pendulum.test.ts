import test from 'ava';
import { EnvError, InvalidActionError, InvalidOptionError, PendulumEnv, angleNormalize, make, spec } from '../envs/index.js';
import type { Env } from '../envs/index.js';

const DT = 0.05;

function makePendulum(kwargs: Record<string, unknown> = {}): Env<Float32Array, Float32Array> {
  return make<Float32Array, Float32Array>('Pendulum-v1', kwargs);
}

function torque(u: number): Float32Array {
  return Float32Array.of(u);
}

/** numpy's floor-style remainder, written independently of the env: x − y·floor(x / y). */
function floorMod(x: number, y: number): number {
  return x - y * Math.floor(x / y);
}

test('registered as Gymnasium registers it: 200-step limit, no reward threshold', (t) => {
  const s = spec('Pendulum-v1');
  t.is(s.maxEpisodeSteps, 200);
  t.is(s.rewardThreshold, undefined);
  const env = makePendulum();
  t.is(env.actionSpace.toString(), 'Box(-2.0, 2.0, (1,), float32)');
  t.deepEqual(env.observationSpace.shape, [3]);
});

test('angleNormalize wraps into [-π, π) with the divisor-signed remainder', (t) => {
  t.is(angleNormalize(0), 0);
  t.is(angleNormalize(Math.PI), -Math.PI);
  t.is(angleNormalize(-Math.PI), -Math.PI);
  t.true(Math.abs(angleNormalize(1.5 * Math.PI) + 0.5 * Math.PI) < 1e-12);
  t.true(Math.abs(angleNormalize(-1.5 * Math.PI) - 0.5 * Math.PI) < 1e-12);
  for (let x = -40; x <= 40; x += 0.37) {
    const wrapped = angleNormalize(x);
    t.true(wrapped >= -Math.PI && wrapped < Math.PI, `in range for ${x}`);
    t.true(Math.abs(wrapped - (floorMod(x + Math.PI, 2 * Math.PI) - Math.PI)) < 1e-12, `matches floor-mod for ${x}`);
  }
});

test('dynamics and reward match the pendulum equations (analytic)', (t) => {
  const env = new PendulumEnv();
  // Horizontal, at rest, no torque: gravity alone accelerates it by 3g/(2l) = 15 rad/s².
  env.reset({ options: { state: [Math.PI / 2, 0] } });
  const horizontal = env.step(torque(0));
  const thetaDot = 15 * DT;
  t.true(Math.abs((env.state?.[1] ?? NaN) - thetaDot) < 1e-12);
  t.true(Math.abs((env.state?.[0] ?? NaN) - (Math.PI / 2 + thetaDot * DT)) < 1e-12, 'semi-implicit: θ moves with the new θ̇');
  t.true(Math.abs(horizontal.reward + (Math.PI / 2) ** 2) < 1e-12, 'reward −θ² at rest without torque');
  t.deepEqual(Array.from(horizontal.observation), [
    Math.fround(Math.cos(Math.PI / 2 + thetaDot * DT)),
    Math.fround(Math.sin(Math.PI / 2 + thetaDot * DT)),
    Math.fround(thetaDot),
  ]);
  t.false(horizontal.terminated);
  t.false(horizontal.truncated);

  // Upright and still with no torque: an equilibrium with the best possible reward, 0.
  env.reset({ options: { state: [0, 0] } });
  const upright = env.step(torque(0));
  t.true(upright.reward === 0);
  t.deepEqual(env.state, [0, 0]);

  // Reward with speed and torque: −(θ² + 0.1 θ̇² + 0.001 u²), θ normalized first.
  env.reset({ options: { state: [2 * Math.PI + 0.5, 2] } });
  const r = env.step(torque(1)).reward;
  t.true(Math.abs(r + (0.25 + 0.1 * 4 + 0.001)) < 1e-9);
});

test('angular speed is clipped to ±8 before θ advances', (t) => {
  const env = new PendulumEnv();
  env.reset({ options: { state: [Math.PI / 2, 7.9] } });
  env.step(torque(2)); // 7.9 + (15 + 6)·0.05 = 8.95 → 8
  t.is(env.state?.[1], 8);
  t.true(Math.abs((env.state?.[0] ?? NaN) - (Math.PI / 2 + 8 * DT)) < 1e-12);
  env.reset({ options: { state: [-Math.PI / 2, -7.9] } });
  env.step(torque(-2));
  t.is(env.state?.[1], -8);
});

test('torques beyond ±2 are clipped, not rejected (as Gymnasium)', (t) => {
  const outcome = (u: number) => {
    const env = new PendulumEnv();
    env.reset({ options: { state: [0.3, -0.4] } });
    const r = env.step(torque(u));
    return { obs: Array.from(r.observation), reward: r.reward, state: env.state, applied: env.lastAppliedTorque };
  };
  t.deepEqual(outcome(5), outcome(2));
  t.deepEqual(outcome(Infinity), outcome(2));
  t.deepEqual(outcome(-1e9), outcome(-2));
  t.is(outcome(5).applied, 2);
  t.notDeepEqual(outcome(1.5), outcome(2));
});

test('torque terms are computed in float32 (numpy 2 promotes the float32 action with weak Python floats)', (t) => {
  // u = 0.1 is not a float32: the action holds fround(0.1), and 3·u and 0.001·u² round to float32.
  const env = new PendulumEnv();
  const [theta, thetaDot] = [0.3, -0.2];
  env.reset({ options: { state: [theta, thetaDot] } });
  const { reward } = env.step(torque(0.1));
  const u = Math.fround(0.1);
  const float32ThetaDot = thetaDot + (15 * Math.sin(theta) + Math.fround(3 * u)) * DT;
  const float64ThetaDot = thetaDot + (15 * Math.sin(theta) + 3 * u) * DT;
  t.not(float32ThetaDot, float64ThetaDot, 'the example distinguishes the two');
  t.is(env.state?.[1], float32ThetaDot);
  // Gymnasium wraps θ first: ((θ + π) mod 2π) − π, which rounds 0.3 by an ulp; floorMod is our own.
  const wrapped = floorMod(theta + Math.PI, 2 * Math.PI) - Math.PI;
  const angleAndSpeedCost = wrapped * wrapped + 0.1 * (thetaDot * thetaDot);
  const torqueCost32 = Math.fround(Math.fround(0.001) * Math.fround(u * u));
  t.is(reward, -(angleAndSpeedCost + torqueCost32));
  t.not(reward, -(angleAndSpeedCost + 0.001 * (u * u)));
  // A float64 action is read as float32 too: the action space's dtype.
  const viaFloat64 = new PendulumEnv();
  viaFloat64.reset({ options: { state: [theta, thetaDot] } });
  viaFloat64.step([0.1] as unknown as Float32Array);
  t.deepEqual(viaFloat64.state, env.state);
});

test('the g kwarg changes gravity; bad values are rejected by make and the constructor', (t) => {
  const env = makePendulum({ g: 9.81 });
  env.reset({ options: { state: [Math.PI / 2, 0] } });
  env.step(torque(0));
  t.true(Math.abs(((env.unwrapped as unknown as PendulumEnv).state?.[1] ?? NaN) - 1.5 * 9.81 * DT) < 1e-12);
  t.throws(() => makePendulum({ g: -1 }), { instanceOf: InvalidOptionError, message: /kwarg "g" = -1 is invalid; allowed: a number in \[0, Infinity\]/ });
  t.throws(() => makePendulum({ length: 2 }), { message: /unknown kwarg "length"; allowed: g/ });
  t.throws(() => new PendulumEnv({ g: NaN }), { instanceOf: InvalidOptionError, message: /"g"/ });
});

test('seeding: same seed, same start; defaults θ ∈ [−π, π], θ̇ ∈ [−1, 1]; x_init/y_init bound the start', (t) => {
  const a = makePendulum();
  const b = makePendulum();
  t.deepEqual(Array.from(a.reset({ seed: 7 }).observation), Array.from(b.reset({ seed: 7 }).observation));
  t.deepEqual(Array.from(a.reset().observation), Array.from(b.reset().observation), 'reset() continues the same RNG');
  t.notDeepEqual(Array.from(a.reset({ seed: 8 }).observation), Array.from(b.reset({ seed: 7 }).observation));

  const env = new PendulumEnv();
  env.reset({ seed: 3 });
  for (let i = 0; i < 100; i++) {
    env.reset();
    const [theta, thetaDot] = env.state ?? [NaN, NaN];
    t.true(Math.abs(theta) <= Math.PI && Math.abs(thetaDot) <= 1);
    env.reset({ options: { x_init: 0.5, y_init: 0.1 } });
    const [narrowTheta, narrowThetaDot] = env.state ?? [NaN, NaN];
    t.true(Math.abs(narrowTheta) <= 0.5 && Math.abs(narrowThetaDot) <= 0.1);
  }
  env.reset({ options: { x_init: 0, y_init: 0 } });
  t.deepEqual(env.state?.map(Math.abs), [0, 0]);
});

test('bad reset options raise errors naming the option, and change nothing', (t) => {
  const env = makePendulum();
  env.reset({ options: { state: [1, -1] } });
  const bad: Array<[Record<string, unknown>, RegExp]> = [
    [{ state: [1] }, /"state" has 1 values, expected 2/],
    [{ state: [1, 2, 3] }, /"state" has 3 values, expected 2/],
    [{ state: [NaN, 0] }, /NaN for theta \(index 0\)/],
    [{ state: { theta: 1 } }, /"state" = \{"theta":1\} is invalid; allowed: an array of 2 finite numbers \[theta, theta_dot\]/],
    [{ state: [0, 0], y_init: 1 }, /cannot be combined with "y_init"/],
    [{ x_init: 'pi' }, /"x_init" = "pi" is invalid; allowed: a finite number/],
    [{ low: 0 }, /unknown option "low"; allowed: x_init, y_init, state/],
  ];
  for (const [options, message] of bad) {
    t.throws(() => env.reset({ options }), { instanceOf: InvalidOptionError, message }, JSON.stringify(options));
  }
  t.deepEqual((env.unwrapped as unknown as PendulumEnv).state, [1, -1]);
});

test('invalid actions raise InvalidActionError naming env, value and space; the state is unchanged', (t) => {
  const env = makePendulum();
  env.reset({ options: { state: [1, -1] } });
  const invalid: unknown[] = [Float32Array.of(NaN), [NaN], new Float32Array(0), Float32Array.of(1, 2), 1, '1', null, undefined, ['1']];
  for (const action of invalid) {
    t.throws(() => env.step(action as Float32Array), {
      instanceOf: InvalidActionError,
      message: /^Pendulum-v1\.step: invalid action .+; expected an element of Box\(-2\.0, 2\.0, \(1,\), float32\)/,
    });
  }
  t.throws(() => env.step(Float32Array.of(NaN)), { message: /invalid action Float32Array\[NaN\]/ });
  t.deepEqual((env.unwrapped as unknown as PendulumEnv).state, [1, -1]);
});

test('step before reset raises; the time limit truncates at 200 steps', (t) => {
  t.throws(() => new PendulumEnv().step(torque(0)), { instanceOf: EnvError, message: /reset\(\) before step\(\)/ });
  const env = makePendulum();
  t.throws(() => env.step(torque(0)), { instanceOf: EnvError, message: /before reset/ });
  env.reset({ seed: 0 });
  let steps = 0;
  for (;;) {
    const r = env.step(torque(0.5));
    steps++;
    t.false(r.terminated);
    if (r.truncated) break;
  }
  t.is(steps, 200);
});
