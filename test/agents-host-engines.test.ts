import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../envs/rng/index.js';
import { make } from '../envs/index.js';
import { selectBackend } from '../agents/backend.js';
import { DQN, PPO } from '../agents/index.js';
import { buildMlp, type Activation } from '../agents/nn/mlp.js';
import { HostMlp } from '../agents/nn/host-mlp.js';
import { fastTanh, TiledMlp } from '../agents/nn/tiled-mlp.js';
import { WasmMlp } from '../agents/nn/wasm-mlp.js';
import { WasmGemm } from '../agents/nn/wasm-gemm.js';
import { ParamLayout } from '../agents/nn/param-layout.js';
import { ParameterVector } from '../agents/nn/parameters.js';
import { ActorCriticPolicy } from '../agents/policies/actor-critic.js';
import { HostPpoUpdater } from '../agents/policies/ppo-update-host.js';
import { TfjsPpoUpdater } from '../agents/policies/ppo-update-tfjs.js';
import type { PpoLossSettings, PpoMinibatch } from '../agents/policies/ppo-update.js';
import { HostDqnUpdater } from '../agents/policies/dqn-update-host.js';
import { TfjsDqnUpdater } from '../agents/policies/dqn-update-tfjs.js';
import type { DqnBatch } from '../agents/policies/dqn-update.js';
import { usesTfjsEngine } from '../agents/policies/engine-choice.js';
import type { ActionKind } from '../agents/common/spaces.js';

test.before(async () => {
  await selectBackend('cpu');
});

const OBS = 5;
const B = 24;

/** A PPO policy with random (not initial) parameters and a minibatch whose ratios fall on both sides of the clip range. */
function ppoCase(action: ActionKind, seed: number): { policy: ActorCriticPolicy; batch: PpoMinibatch } {
  const rng = new Rng(seed);
  const policy = new ActorCriticPolicy(OBS, action, { netArch: { pi: [7, 6], vf: [8] } }, new Rng(seed + 1), 1);
  const theta = policy.params.values;
  for (let k = 0; k < theta.length; k++) theta[k] = 0.5 * rng.normal();
  const d = action.kind === 'discrete' ? 1 : action.size;
  const observations = Float32Array.from({ length: B * OBS }, () => rng.normal());
  const actions = action.kind === 'discrete' ? Float32Array.from({ length: B }, () => rng.integers(0, action.n)) : Float32Array.from({ length: B * d }, () => rng.normal());
  // Old log-probabilities: the current ones moved by up to ±0.6, so |r − 1| exceeds the clip range on some rows.
  const current = new HostPpoUpdater(policy).lossAndGradient({ size: B, observations, actions, advantages: new Float32Array(B), returns: new Float32Array(B), oldLogProbs: new Float32Array(B), oldValues: new Float32Array(B) }, SETTINGS, null).logRatios;
  const oldLogProbs = Float32Array.from({ length: B }, (_, b) => current[b] + rng.uniform(-0.6, 0.6));
  const values = Float32Array.from({ length: B }, () => rng.normal());
  return { policy, batch: { size: B, observations, actions, advantages: Float32Array.from({ length: B }, () => rng.normal()), returns: Float32Array.from({ length: B }, () => rng.normal()), oldLogProbs, oldValues: values } };
}

const SETTINGS: PpoLossSettings = { clipRange: 0.2, clipRangeVf: 0.3, entCoef: 0.05, vfCoef: 0.5 };

function tfjsPpoGradient(policy: ActorCriticPolicy, batch: PpoMinibatch, s: PpoLossSettings): { loss: number; grad: Float32Array } {
  const updater = new TfjsPpoUpdater(policy);
  return tf.tidy(() => {
    const theta = tf.tensor1d(policy.params.values);
    const { value, grad } = tf.valueAndGrad((th: tf.Tensor) => updater.lossTensors(th as tf.Tensor1D, batch, s).total)(theta);
    return { loss: value.dataSync()[0], grad: Float32Array.from(grad.dataSync()) };
  });
}

/** Central differences of `loss` along a few coordinates of `theta` (float32 parameters, float64 loss). */
function finiteDifferences(theta: Float32Array, coords: readonly number[], loss: () => number, eps = 1e-4): number[] {
  return coords.map((k) => {
    const saved = theta[k];
    theta[k] = saved + eps;
    const up = loss();
    const stepUp = theta[k] - saved;
    theta[k] = saved - eps;
    const down = loss();
    const stepDown = saved - theta[k];
    theta[k] = saved;
    return (up - down) / (stepUp + stepDown);
  });
}

function assertClose(t: import('ava').ExecutionContext, actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, what: string): void {
  let worst = 0;
  let scale = 0;
  for (let k = 0; k < expected.length; k++) scale = Math.max(scale, Math.abs(expected[k]));
  for (let k = 0; k < expected.length; k++) worst = Math.max(worst, Math.abs(actual[k] - expected[k]));
  t.true(worst <= tol * Math.max(scale, 1e-3), `${what}: max |difference| ${worst.toExponential(2)} vs scale ${scale.toExponential(2)}`);
}

for (const [name, action] of [
  ['categorical', { kind: 'discrete', n: 3, start: 0 }],
  ['diagonal Gaussian', { kind: 'box', size: 2 }],
] as const) {
  test(`PPO ${name}: the hand-written gradient matches tfjs autodiff and finite differences (clipped surrogate, clipped value, entropy)`, (t) => {
    const { policy, batch } = ppoCase(action as ActionKind, name.length);
    const host = new HostPpoUpdater(policy);
    const grad = new Float64Array(policy.params.layout.size);
    const terms = host.lossAndGradient(batch, SETTINGS, grad);
    // The case exercises both branches of each clip.
    const ratios = Array.from(terms.logRatios, Math.exp);
    t.true(ratios.some((r) => Math.abs(r - 1) > 0.2) && ratios.some((r) => Math.abs(r - 1) < 0.2), `ratios ${ratios.map((r) => r.toFixed(2)).join(' ')}`);
    const reference = tfjsPpoGradient(policy, batch, SETTINGS);
    t.true(Math.abs(terms.loss - reference.loss) < 1e-4 * Math.max(1, Math.abs(reference.loss)), `loss ${terms.loss} vs tfjs ${reference.loss}`);
    assertClose(t, grad, reference.grad, 2e-4, 'gradient vs tfjs');
    const rng = new Rng(9);
    const coords = Array.from({ length: 25 }, () => rng.integers(0, grad.length));
    if (action.kind === 'box') coords.push(policy.params.layout.entry('log_std').offset);
    const fd = finiteDifferences(policy.params.values, coords, () => host.lossAndGradient(batch, SETTINGS, null).loss);
    assertClose(t, coords.map((k) => grad[k]), fd, 2e-2, 'gradient vs finite differences');
  });
}

test('PPO: a step clips the gradient to maxGradNorm, moves θ like tfjs, and the KL limit skips the update', (t) => {
  const { policy, batch } = ppoCase({ kind: 'discrete', n: 3, start: 0 }, 4);
  const copy = new ActorCriticPolicy(OBS, { kind: 'discrete', n: 3, start: 0 }, { netArch: { pi: [7, 6], vf: [8] } }, new Rng(5), 1);
  copy.params.values.set(policy.params.values);
  const before = Float32Array.from(policy.params.values);
  const step = { ...SETTINGS, learningRate: 1e-2, maxGradNorm: 0.05, targetKl: null };
  const host = new HostPpoUpdater(policy);
  const tfjsUpd = new TfjsPpoUpdater(copy);
  for (let i = 0; i < 3; i++) {
    host.step(batch, step);
    tfjsUpd.step(batch, step);
  }
  tfjsUpd.syncHost();
  // Adam's first steps move every coordinate by about lr whatever the gradient's scale; the two engines agree.
  assertClose(t, policy.params.values, copy.params.values, 1e-3, 'θ after 3 steps');
  t.notDeepEqual(Array.from(policy.params.values), Array.from(before));
  const stopped = new HostPpoUpdater(policy);
  const frozen = Float32Array.from(policy.params.values);
  const stats = stopped.step(batch, { ...step, targetKl: 1e-6 });
  t.true(stats.stopped);
  t.deepEqual(policy.params.values, frozen);
  copy.params.dispose();
});

function dqnCase(activation: Activation, seed: number): { updater: HostDqnUpdater; reference: TfjsDqnUpdater; params: ParameterVector; batch: DqnBatch } {
  const rng = new Rng(seed);
  const layout = new ParamLayout();
  const init = new Map<string, Float32Array>();
  const qNet = buildMlp(layout, { name: 'q', inputSize: OBS, hiddenSizes: [9, 7], outputSize: 3, activation, hiddenInit: { kind: 'torch-default' }, outputInit: { kind: 'torch-default' } }, rng, (n, v) => init.set(n, v));
  const params = ParameterVector.fromTensors(layout, init);
  for (let k = 0; k < params.values.length; k++) params.values[k] = 0.6 * rng.normal();
  const target = new ParameterVector(layout, Float32Array.from(params.values, (v) => v + 0.3 * rng.normal()));
  const batch: DqnBatch = {
    size: B,
    observations: Float32Array.from({ length: B * OBS }, () => rng.normal()),
    actions: Float32Array.from({ length: B }, () => rng.integers(0, 3)),
    nextObservations: Float32Array.from({ length: B * OBS }, () => rng.normal()),
    rewards: Float32Array.from({ length: B }, () => 2 * rng.normal()),
    dones: Float32Array.from({ length: B }, () => (rng.random() < 0.3 ? 1 : 0)),
  };
  return { updater: new HostDqnUpdater(qNet, params, target), reference: new TfjsDqnUpdater(qNet, params, target), params, batch };
}

for (const doubleQ of [false, true]) {
  test(`DQN${doubleQ ? ' (double Q)' : ''}: the Huber TD gradient matches tfjs autodiff and finite differences`, (t) => {
    const { updater, reference, params, batch } = dqnCase('tanh', doubleQ ? 11 : 12);
    const grad = new Float64Array(params.layout.size);
    const loss = updater.lossAndGradient(batch, 0.9, doubleQ, grad);
    const expected = tf.tidy(() => {
      const theta = tf.tensor1d(params.values);
      const target = reference.tdTarget(theta, batch, 0.9, doubleQ);
      const { value, grad: g } = tf.valueAndGrad((th: tf.Tensor) => reference.loss(th as tf.Tensor1D, batch, target))(theta);
      return { loss: value.dataSync()[0], grad: Float32Array.from(g.dataSync()) };
    });
    t.true(Math.abs(loss - expected.loss) < 1e-4 * Math.max(1, expected.loss), `loss ${loss} vs tfjs ${expected.loss}`);
    assertClose(t, grad, expected.grad, 2e-4, 'gradient vs tfjs');
    const rng = new Rng(3);
    const coords = Array.from({ length: 25 }, () => rng.integers(0, grad.length));
    const fd = finiteDifferences(params.values, coords, () => updater.lossAndGradient(batch, 0.9, doubleQ, null));
    assertClose(t, coords.map((k) => grad[k]), fd, 2e-2, 'gradient vs finite differences');
  });
}

test('DQN relu: a clipped Adam step moves θ like the tfjs engine', (t) => {
  const a = dqnCase('relu', 21);
  const b = dqnCase('relu', 21);
  const s = { learningRate: 1e-2, gamma: 0.99, maxGradNorm: 0.1, doubleQ: false };
  const lossA = a.updater.step(a.batch, s);
  const lossB = b.reference.step(b.batch, s);
  b.reference.syncHost();
  t.true(Math.abs(lossA - lossB) < 1e-4 * Math.max(1, lossB));
  assertClose(t, a.params.values, b.params.values, 1e-4, 'θ after one step');
});

test('engine choice: explicit requests are obeyed; auto is tfjs on native backends, the typed-array engine on cpu and wasm', (t) => {
  const layout = new ParamLayout();
  const small = buildMlp(layout, { name: 's', inputSize: 4, hiddenSizes: [64, 64], outputSize: 2, activation: 'tanh', hiddenInit: { kind: 'torch-default' }, outputInit: { kind: 'torch-default' } }, new Rng(0), () => {});
  const big = buildMlp(layout, { name: 'b', inputSize: 4, hiddenSizes: [400, 300], outputSize: 1, activation: 'relu', hiddenInit: { kind: 'torch-default' }, outputInit: { kind: 'torch-default' } }, new Rng(0), () => {});
  t.true(usesTfjsEngine('tfjs', 'cpu', [small], 64));
  t.false(usesTfjsEngine('typed-array', 'node', [big], 256));
  t.true(usesTfjsEngine('auto', 'node', [small], 64));
  t.true(usesTfjsEngine('auto', 'node-gpu', [small], 64));
  t.false(usesTfjsEngine('auto', 'cpu', [big], 256));
  t.false(usesTfjsEngine('auto', 'wasm', [small, small], 64));
  t.false(usesTfjsEngine('auto', 'wasm', [big], 256));
  t.false(usesTfjsEngine('auto', undefined, [small], 64));
});

test('PPO and DQN learn the same on both engines (same seed), report their engine, and reject unknown engines', async (t) => {
  const ppo = (engine: 'typed-array' | 'tfjs') => new PPO(make('CartPole-v1'), { seed: 5, nSteps: 128, batchSize: 32, nEpochs: 2, engine, backend: 'cpu' });
  const [p1, p2] = [ppo('typed-array'), ppo('tfjs')];
  await p1.learn({ totalTimesteps: 128 });
  await p2.learn({ totalTimesteps: 128 });
  t.is(p1.engine, 'typed-array');
  t.is(p2.engine, 'tfjs');
  assertClose(t, p1.policy.params.values, p2.policy.params.values, 1e-3, 'PPO θ after one update');
  const dqn = (engine: 'typed-array' | 'tfjs') => new DQN(make('CartPole-v1'), { seed: 5, learningStarts: 50, trainFreq: 25, gradientSteps: 4, batchSize: 16, policyKwargs: { netArch: [16, 16] }, engine, backend: 'cpu' });
  const [d1, d2] = [dqn('typed-array'), dqn('tfjs')];
  await d1.learn({ totalTimesteps: 100 });
  await d2.learn({ totalTimesteps: 100 });
  t.is(d1.engine, 'typed-array');
  t.is(d2.engine, 'tfjs');
  assertClose(t, d1.params.values, d2.params.values, 1e-3, 'DQN θ after 8 steps');
  t.throws(() => new PPO(make('CartPole-v1'), { engine: 'gpu' as 'tfjs' }), { message: /engine must be "auto", "typed-array" or "tfjs", got "gpu"/ });
  t.throws(() => new DQN(make('CartPole-v1'), { engine: 'fast' as 'tfjs' }), { message: /DQN: engine must be/ });
});

test('TiledMlp and WasmMlp (SIMD, float32) compute what HostMlp computes (forward, parameter and input gradients); fastTanh is within 1e-6 of Math.tanh', (t) => {
  let worstTanh = 0;
  for (let v = -12; v <= 12; v += 1e-3) worstTanh = Math.max(worstTanh, Math.abs(fastTanh(v) - Math.tanh(v)));
  t.true(worstTanh < 1e-6, `fastTanh error ${worstTanh}`);
  const gemm = WasmGemm.create();
  t.truthy(gemm, 'WebAssembly SIMD is available in this Node');
  for (const [activation, sizes, batch] of [['tanh', [7, 5], 9], ['relu', [6, 3, 5], 4], ['tanh', [8], 1], ['relu', [32, 16], 7], ['tanh', [16, 48], 3], ['relu', [40, 30], 6]] as const) {
    const rng = new Rng(sizes.length + batch);
    const layout = new ParamLayout();
    const init = new Map<string, Float32Array>();
    const mlp = buildMlp(layout, { name: 'm', inputSize: 5, hiddenSizes: sizes, outputSize: 3, activation, hiddenInit: { kind: 'torch-default' }, outputInit: { kind: 'torch-default' } }, rng, (n, v) => init.set(n, v));
    const theta = ParameterVector.fromTensors(layout, init).values;
    const x = Float32Array.from({ length: batch * 5 }, () => rng.normal());
    const dOut = Float64Array.from({ length: batch * 3 }, () => rng.normal());
    const results = [new HostMlp(mlp, layout), new TiledMlp(mlp, layout), new WasmMlp(mlp, layout, gemm as WasmGemm)].map((m) => {
      const out = Float64Array.from(m.forward(theta, x, batch));
      const grads = new Float64Array(layout.size);
      const dInput = new Float64Array(batch * 5);
      m.backward(theta, dOut, grads, dInput);
      return { out, grads, dInput };
    });
    for (const [r, tol, engine] of [[results[1], 1e-6, 'tiled'], [results[2], 1e-5, 'wasm']] as const) {
      assertClose(t, r.out, results[0].out, tol, `${engine} ${activation} [${sizes}] forward`);
      assertClose(t, r.grads, results[0].grads, 10 * tol, `${engine} ${activation} [${sizes}] parameter gradient`);
      assertClose(t, r.dInput, results[0].dInput, 10 * tol, `${engine} ${activation} [${sizes}] input gradient`);
    }
  }
});

for (const [M, K, N] of [[5, 9, 32], [4, 3, 37], [3, 17, 5]]) test(`WasmGemm: C += A·B against a scalar product (${M}×${K}·${K}×${N})`, (t) => {
  const gemm = WasmGemm.create() as WasmGemm;
  gemm.reserve(M * K + K * N + M * N);
  const f = gemm.f32;
  const rng = new Rng(4);
  const [a, b, c] = [0, M * K, M * K + K * N];
  for (let i = 0; i < c + M * N; i++) f[i] = rng.normal();
  const before = f.slice(c, c + M * N);
  gemm.gemm(a, b, c, M, K, N);
  const expected = Array.from({ length: M * N }, (_, idx) => {
    const [m, j] = [Math.floor(idx / N), idx % N];
    let s = before[idx];
    for (let k = 0; k < K; k++) s += f[a + m * K + k] * f[b + k * N + j];
    return s;
  });
  assertClose(t, f.subarray(c, c + M * N), expected, 1e-6, 'gemm');
});
