import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../envs/rng/index.js';
import { Box, Discrete } from '../envs/spaces/index.js';
import { makeActionNoise, NormalActionNoise, OrnsteinUhlenbeckActionNoise } from '../agents/noise.js';
import { HostMlp } from '../agents/nn/host-mlp.js';
import { HostAdam } from '../agents/nn/host-adam.js';
import { FlatAdam } from '../agents/nn/flat-adam.js';
import { buildMlp, mlpForward } from '../agents/nn/mlp.js';
import { ParamLayout } from '../agents/nn/param-layout.js';
import { ParameterVector } from '../agents/nn/parameters.js';
import { Td3Policy } from '../agents/policies/td3-policy.js';
import { HostTd3Updater } from '../agents/policies/td3-update-host.js';
import { TfjsTd3Updater } from '../agents/policies/td3-update-tfjs.js';
import type { Td3Batch } from '../agents/policies/td3-update.js';
import { DDPG } from '../agents/ddpg.js';
import { TD3 } from '../agents/td3.js';
import { selectBackend } from '../agents/backend.js';

test.before(async () => {
  await selectBackend('cpu');
});

test('Gaussian noise has the requested per-dimension mean and standard deviation, and is seeded', (t) => {
  const noise = makeActionNoise({ type: 'normal', sigma: [0.1, 0.5], mean: [0, 0.2] }, 2, 1);
  t.true(noise instanceof NormalActionNoise);
  const rng = new Rng(3);
  const n = 20000;
  const sum = [0, 0];
  const sq = [0, 0];
  const out = new Float64Array(2);
  for (let k = 0; k < n; k++) {
    noise.sample(0, rng, out, 0);
    for (let j = 0; j < 2; j++) {
      sum[j] += out[j];
      sq[j] += out[j] * out[j];
    }
  }
  const expected = [[0, 0.1], [0.2, 0.5]];
  for (let j = 0; j < 2; j++) {
    const mean = sum[j] / n;
    const std = Math.sqrt(sq[j] / n - mean * mean);
    // Standard errors: σ/√n for the mean, σ/√(2n) for the std; 5 of them.
    t.true(Math.abs(mean - expected[j][0]) < (5 * expected[j][1]) / Math.sqrt(n), `mean ${mean}`);
    t.true(Math.abs(std - expected[j][1]) < (5 * expected[j][1]) / Math.sqrt(2 * n), `std ${std}`);
  }
  const a = new Float64Array(2);
  const b = new Float64Array(2);
  noise.sample(0, new Rng(9), a, 0);
  noise.sample(0, new Rng(9), b, 0);
  t.deepEqual(a, b);
});

test('OU noise without diffusion decays geometrically to its mean; reset restarts it per env', (t) => {
  const spec = { type: 'ornstein-uhlenbeck', sigma: 0, mean: 0.3, theta: 0.15, dt: 0.01, initialNoise: 1 } as const;
  const noise = makeActionNoise(spec, 1, 2) as OrnsteinUhlenbeckActionNoise;
  const rng = new Rng(1);
  const out = new Float64Array(1);
  for (let step = 1; step <= 50; step++) {
    noise.sample(0, rng, out, 0);
    // x_t = μ + (x_0 − μ)(1 − θ dt)^t
    t.true(Math.abs(out[0] - (0.3 + 0.7 * (1 - 0.15 * 0.01) ** step)) < 1e-12);
  }
  noise.sample(1, rng, out, 0);
  t.true(Math.abs(out[0] - (0.3 + 0.7 * (1 - 0.0015))) < 1e-12, 'env 1 has its own process');
  noise.reset(0);
  noise.sample(0, rng, out, 0);
  t.true(Math.abs(out[0] - (0.3 + 0.7 * (1 - 0.0015))) < 1e-12, 'reset(0) restarts env 0 from initialNoise');
  const state = noise.getState();
  const copy = makeActionNoise(spec, 1, 2);
  copy.setState(JSON.parse(JSON.stringify(state)));
  const x = new Float64Array(1);
  const y = new Float64Array(1);
  noise.sample(0, new Rng(5), x, 0);
  copy.sample(0, new Rng(5), y, 0);
  t.is(x[0], y[0]);
});

test('OU noise reaches the stationary variance of its discretisation', (t) => {
  const theta = 0.15;
  const dt = 0.01;
  const sigma = 0.2;
  const noise = makeActionNoise({ type: 'ornstein-uhlenbeck', sigma, theta, dt }, 1, 1);
  const rng = new Rng(11);
  const out = new Float64Array(1);
  // x' = a x + σ√dt z with a = 1 − θ dt: Var = σ² dt / (1 − a²).
  const a = 1 - theta * dt;
  const variance = (sigma * sigma * dt) / (1 - a * a);
  for (let k = 0; k < 5000; k++) noise.sample(0, rng, out, 0);
  let sq = 0;
  const n = 400000;
  for (let k = 0; k < n; k++) {
    noise.sample(0, rng, out, 0);
    sq += out[0] * out[0];
  }
  const measured = sq / n;
  // Samples are correlated over ≈ 1/(θ dt) ≈ 667 steps: ≈ 300 independent blocks, so allow 25%.
  t.true(Math.abs(measured / variance - 1) < 0.25, `measured ${measured}, expected ${variance}`);
});

test('noise specs are validated with errors naming the field', (t) => {
  t.throws(() => makeActionNoise({ type: 'uniform', sigma: 1 } as never, 1, 1), { message: /type must be "normal" or "ornstein-uhlenbeck"/ });
  t.throws(() => makeActionNoise({ type: 'normal', sigma: [0.1, 0.2] }, 3, 1), { message: /sigma must be a finite number or 3 finite numbers/ });
  t.throws(() => makeActionNoise({ type: 'normal', sigma: -1 }, 1, 1), { message: /sigma must be >= 0/ });
  t.throws(() => makeActionNoise({ type: 'normal', sigma: 0.1, theta: 0.2 } as never, 1, 1), { message: /unknown field "theta"/ });
  t.throws(() => makeActionNoise({ type: 'ornstein-uhlenbeck', sigma: 0.1, dt: 0 }, 1, 1), { message: /dt must be a finite number > 0/ });
});

/** A small MLP with random parameters in a layout of its own. */
function smallMlp(activation: 'relu' | 'tanh', seed: number) {
  const layout = new ParamLayout();
  const init = new Map<string, Float32Array>();
  const mlp = buildMlp(layout, { name: 'net', inputSize: 5, hiddenSizes: [7, 6], outputSize: 3, activation, hiddenInit: { kind: 'torch-default' }, outputInit: { kind: 'torch-default' } }, new Rng(seed), (n, v) => init.set(n, v));
  return { mlp, layout, params: ParameterVector.fromTensors(layout, init) };
}

for (const activation of ['relu', 'tanh'] as const) {
  test(`HostMlp (${activation}) matches tfjs's forward pass and gradients, and finite differences`, (t) => {
    const { mlp, layout, params } = smallMlp(activation, 4);
    const rng = new Rng(8);
    const B = 9;
    const input = Float32Array.from({ length: B * 5 }, () => rng.normal());
    const weights = Float32Array.from({ length: B * 3 }, () => rng.normal());
    const host = new HostMlp(mlp, layout);
    // Loss L = Σ weights ⊙ output, so dL/dOut = weights.
    const out = Float64Array.from(host.forward(params.values, input, B));
    const grads = new Float64Array(layout.size);
    const dInput = new Float64Array(B * 5);
    host.backward(params.values, Float64Array.from(weights), grads, dInput);
    const theta = tf.variable(tf.tensor1d(params.values));
    const x = tf.tensor2d(input, [B, 5]);
    const w = tf.tensor2d(weights, [B, 3]);
    const tfOut = tf.tidy(() => mlpForward(mlp, layout.split(theta), x).dataSync());
    for (let k = 0; k < out.length; k++) t.true(Math.abs(out[k] - tfOut[k]) < 1e-5, `output ${k}`);
    const tfGrad = tf.tidy(() => tf.grad((th) => tf.sum(tf.mul(mlpForward(mlp, layout.split(th as tf.Tensor1D), x), w)))(theta).dataSync());
    for (let k = 0; k < layout.size; k++) t.true(Math.abs(grads[k] - tfGrad[k]) < 1e-4, `grad ${k}: ${grads[k]} vs ${tfGrad[k]}`);
    const tfDx = tf.tidy(() => tf.grad((xx) => tf.sum(tf.mul(mlpForward(mlp, layout.split(theta), xx as tf.Tensor2D), w)))(x).dataSync());
    for (let k = 0; k < dInput.length; k++) t.true(Math.abs(dInput[k] - tfDx[k]) < 1e-4, `dInput ${k}`);
    theta.dispose();
    x.dispose();
    w.dispose();
    // Central differences in float64 on a few parameters (relu kinks are avoided by the random inputs).
    const loss = (values: Float32Array) => {
      const o = new HostMlp(mlp, layout).forward(values, input, B);
      let s = 0;
      for (let k = 0; k < o.length; k++) s += o[k] * weights[k];
      return s;
    };
    for (const k of [0, 3, 17, layout.size - 1]) {
      const plus = Float32Array.from(params.values);
      const minus = Float32Array.from(params.values);
      const h = 1e-2;
      plus[k] += h;
      minus[k] -= h;
      const fd = (loss(plus) - loss(minus)) / (plus[k] - minus[k]);
      t.true(Math.abs(fd - grads[k]) < 2e-3 * Math.max(1, Math.abs(fd)), `finite difference ${k}: ${fd} vs ${grads[k]}`);
    }
  });
}

test('HostAdam follows the same update as the tfjs FlatAdam (PyTorch rule)', (t) => {
  const size = 6;
  const theta0 = Float32Array.from([0.5, -1, 2, 0, 0.1, -0.3]);
  const host = new HostAdam(size);
  const flat = new FlatAdam(size);
  const hostTheta = Float32Array.from(theta0);
  const variable = tf.variable(tf.tensor1d(theta0));
  const rng = new Rng(2);
  for (let step = 0; step < 5; step++) {
    const g = Float64Array.from({ length: size }, () => rng.normal());
    host.apply(hostTheta, g, 1e-2);
    tf.tidy(() => flat.apply(variable as tf.Variable<tf.Rank.R1>, tf.tensor1d(Float32Array.from(g)), 1e-2));
  }
  const tfTheta = variable.dataSync();
  for (let k = 0; k < size; k++) t.true(Math.abs(hostTheta[k] - tfTheta[k]) < 1e-6);
  t.is(host.getState().step, 5);
  variable.dispose();
  flat.dispose();
});

/** A random TD3 minibatch for 3-dimensional observations and 2-dimensional actions: every fifth transition terminal, clipped target noise. */
function randomTd3Batch(rng: Rng, B: number): Td3Batch {
  return {
    size: B,
    observations: Float32Array.from({ length: B * 3 }, () => rng.normal()),
    actions: Float32Array.from({ length: B * 2 }, () => rng.uniform(-1, 1)),
    nextObservations: Float32Array.from({ length: B * 3 }, () => rng.normal()),
    rewards: Float32Array.from({ length: B }, () => rng.normal()),
    notDone: Float32Array.from({ length: B }, (_, i) => (i % 5 === 0 ? 0 : 1)),
    targetNoise: Float32Array.from({ length: B * 2 }, () => Math.max(-0.5, Math.min(0.5, 0.2 * rng.normal()))),
  };
}

// [16, 12] runs WasmGemm's scalar path for every width below 16; [40, 19] at an odd batch runs its SIMD
// strips, the overlapping last strip (40 = 2·16 + 8, 19 = 16 + 3) and the 1-row kernel for the odd row.
for (const { netArch, B } of [{ netArch: [16, 12], B: 16 }, { netArch: [40, 19], B: 15 }]) test(`the typed-array and tfjs TD3 engines compute the same update (losses, parameters, targets), nets [${netArch}], batch ${B}`, (t) => {
  const batch = randomTd3Batch(new Rng(21), B);
  const a = new Td3Policy(3, 2, { netArch }, 2, new Rng(5));
  const b = new Td3Policy(3, 2, { netArch }, 2, new Rng(5));
  const host = new HostTd3Updater(a);
  const tfjs = new TfjsTd3Updater(b);
  let before = 0;
  for (const updateActor of [false, true, true]) {
    const settings = { learningRate: 1e-2, gamma: 0.9, tau: 0.1, updateActor };
    const l1 = host.step(batch, settings);
    const l2 = tfjs.step(batch, settings);
    t.true(Math.abs(l1.criticLoss - l2.criticLoss) < 1e-4 * Math.max(1, l2.criticLoss), `critic loss ${l1.criticLoss} vs ${l2.criticLoss}`);
    if (updateActor) t.true(Math.abs(l1.actorLoss - l2.actorLoss) < 1e-4 * Math.max(1, Math.abs(l2.actorLoss)));
    else t.true(Number.isNaN(l1.actorLoss) && Number.isNaN(l2.actorLoss));
    // Variables and Adam slots exist from the first actor step on; nothing else may accumulate.
    if (updateActor && before === 0) before = tf.memory().numTensors;
  }
  tfjs.syncHost(false);
  host.syncHost(false);
  for (const key of ['actorParams', 'criticParams', 'actorTarget', 'criticTarget'] as const) {
    let maxDiff = 0;
    for (let k = 0; k < a[key].values.length; k++) maxDiff = Math.max(maxDiff, Math.abs(a[key].values[k] - b[key].values[k]));
    t.true(maxDiff < 1e-5, `${key} differs by ${maxDiff}`);
  }
  // Targets moved toward the online networks only on the actor steps.
  t.notDeepEqual(Array.from(a.actorTarget.values), Array.from(new Td3Policy(3, 2, { netArch }, 2, new Rng(5)).actorTarget.values));
  t.is(tf.memory().numTensors, before, 'the tfjs engine keeps no tensors besides its variables');
  tfjs.dispose();
  b.dispose();
});

test('the typed-array TD3 engine keeps resident copies: syncHost brings the host vectors up to date, push() after a host edit reaches them, and a second updater on the same edited values steps identically', (t) => {
  const netArch = [40, 19];
  const batch = randomTd3Batch(new Rng(22), 12);
  const settings = { learningRate: 1e-2, gamma: 0.9, tau: 0.1, updateActor: true };
  const policy = new Td3Policy(3, 2, { netArch }, 2, new Rng(5));
  const initialCritic = policy.criticParams.values.slice();
  const updater = new HostTd3Updater(policy);
  updater.step(batch, settings);
  updater.syncHost(true);
  t.deepEqual(Array.from(policy.criticParams.values), Array.from(initialCritic), 'syncHost(true) copies the actor only');
  updater.syncHost(false);
  t.notDeepEqual(Array.from(policy.criticParams.values), Array.from(initialCritic), 'syncHost(false) copies the critics');
  // Edit every host vector to another policy's values and push: the next step must start from them.
  const other = new Td3Policy(3, 2, { netArch }, 2, new Rng(9));
  for (const key of ['actorParams', 'criticParams', 'actorTarget', 'criticTarget'] as const) {
    policy[key].values.set(other[key].values);
    policy[key].push();
  }
  const twin = new HostTd3Updater(other);
  twin.setOptimizerStates(updater.optimizerStates());
  const l1 = updater.step(batch, settings);
  const l2 = twin.step(batch, settings);
  t.is(l1.criticLoss, l2.criticLoss);
  t.is(l1.actorLoss, l2.actorLoss);
  updater.syncHost(false);
  twin.syncHost(false);
  for (const key of ['actorParams', 'criticParams', 'actorTarget', 'criticTarget'] as const) t.deepEqual(Array.from(policy[key].values), Array.from(other[key].values), key);
  // Once disposed, the updater no longer listens to push().
  updater.dispose();
  policy.actorParams.values.fill(0);
  policy.actorParams.push();
  updater.syncHost(true);
  t.true(policy.actorParams.values.some((v) => v !== 0));
  twin.dispose();
});

const pendulumSpaces = { observationSpace: new Box([-1, -1, -8], [1, 1, 8]), actionSpace: new Box([-2], [2]) };

test('DDPG and TD3 take SB3 defaults and reject bad hyperparameters with clear errors', (t) => {
  const ddpg = new DDPG(pendulumSpaces, { seed: 0 });
  t.like(ddpg.hyperparameters, { learningRate: 1e-3, bufferSize: 1_000_000, learningStarts: 100, batchSize: 256, tau: 0.005, gamma: 0.99, trainFreq: 1, gradientSteps: 1, policyDelay: 1, targetNoiseClip: 0, td3: false });
  t.is(ddpg.policy.nCritics, 1);
  t.deepEqual(ddpg.policy.netArch, { pi: [256, 256], qf: [256, 256] });
  const td3 = new TD3(pendulumSpaces, { seed: 0 });
  t.like(td3.hyperparameters, { policyDelay: 2, targetPolicyNoise: 0.2, targetNoiseClip: 0.5, td3: true });
  t.is(td3.policy.nCritics, 2);
  t.is(td3.algorithmName, 'TD3');
  t.throws(() => new DDPG(pendulumSpaces, { tau: 2 }), { message: /DDPG: tau must be in \[0, 1\], got 2/ });
  t.throws(() => new DDPG(pendulumSpaces, { learningRate: 0 }), { message: /learningRate must be a finite number > 0/ });
  t.throws(() => new DDPG(pendulumSpaces, { gradientSteps: -2 }), { message: /gradientSteps must be an integer >= 0, or -1/ });
  t.throws(() => new DDPG(pendulumSpaces, { nStep: 3 } as never), { message: /unknown option "nStep"/ });
  t.throws(() => new DDPG(pendulumSpaces, { actionNoise: { type: 'normal', sigma: [1, 2] } }), { message: /sigma must be a finite number or 1 finite numbers/ });
  t.throws(() => new DDPG(pendulumSpaces, { engine: 'gpu' as never }), { message: /engine must be "auto", "typed-array" or "tfjs"/ });
  t.throws(() => new DDPG(pendulumSpaces, { policyKwargs: { netArch: [64, 0] } }), { message: /netArch must be positive integers/ });
  t.throws(() => new TD3(pendulumSpaces, { td3: false }), { message: /TD3: option "td3" can only be true/ });
  t.throws(() => new DDPG({ observationSpace: pendulumSpaces.observationSpace, actionSpace: new Discrete(3) }), { message: /action space Discrete\(3\) is not supported; allowed: Box/ });
  t.throws(() => new DDPG({ observationSpace: pendulumSpaces.observationSpace, actionSpace: new Box([-Infinity], [Infinity]) }), { message: /must be bounded/ });
});

test('predict maps the tanh actor output onto the Box bounds', (t) => {
  const agent = new DDPG({ observationSpace: pendulumSpaces.observationSpace, actionSpace: new Box([-2, 0], [2, 10]) }, { seed: 1, policyKwargs: { netArch: [8] } });
  const obs = Float32Array.from([0.3, -0.2, 1]);
  const scaled = new Float32Array(2);
  agent.policy.act(obs, 1, scaled);
  const action = agent.predict(obs);
  t.true(Math.abs(action[0] - 2 * scaled[0]) < 1e-6);
  t.true(Math.abs(action[1] - (5 + 5 * scaled[1])) < 1e-5);
  t.true(action[0] >= -2 && action[0] <= 2 && action[1] >= 0 && action[1] <= 10);
});
