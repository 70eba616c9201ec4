import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '../envs/rng/rng.js';
import { Box } from '../envs/spaces/box.js';
import { Discrete } from '../envs/spaces/discrete.js';
import {
  BackendUnavailableError,
  CheckpointError,
  FastMlp,
  FlatAdam,
  Logger,
  PPO,
  DQN,
  ParamLayout,
  ParameterVector,
  RolloutBuffer,
  buildMlp,
  clipByGlobalNorm,
  linearSchedule,
  mlpForward,
  orthogonalKernel,
  scheduleValue,
  selectBackend,
  resolveBackendRequest,
} from '../agents/index.js';

test.before(async () => {
  await selectBackend('cpu');
});

test('orthogonal kernels have orthonormal rows or columns scaled by the gain, as torch.nn.init.orthogonal_', (t) => {
  for (const [fanIn, fanOut] of [[4, 64], [64, 64], [64, 2]]) {
    const gain = 1.7;
    const k = orthogonalKernel(fanIn, fanOut, gain, new Rng(3));
    // The smaller dimension's vectors are orthonormal (×gain).
    const small = Math.min(fanIn, fanOut);
    const large = Math.max(fanIn, fanOut);
    const at = (s: number, l: number) => (fanIn <= fanOut ? k[s * fanOut + l] : k[l * fanOut + s]);
    for (let a = 0; a < small; a++) {
      for (let b = 0; b < small; b++) {
        let dot = 0;
        for (let l = 0; l < large; l++) dot += at(a, l) * at(b, l);
        t.true(Math.abs(dot - (a === b ? gain * gain : 0)) < 1e-4, `${fanIn}x${fanOut} (${a},${b}) = ${dot}`);
      }
    }
  }
  t.deepEqual(orthogonalKernel(4, 8, 1, new Rng(9)), orthogonalKernel(4, 8, 1, new Rng(9)));
});

test('the typed-array fast path matches the tfjs forward pass (tanh and relu)', (t) => {
  for (const activation of ['tanh', 'relu'] as const) {
    const layout = new ParamLayout();
    const init = new Map<string, Float32Array>();
    const mlp = buildMlp(layout, { name: 'n', inputSize: 5, hiddenSizes: [16, 8], outputSize: 3, activation, hiddenInit: { kind: 'torch-default' }, outputInit: { kind: 'orthogonal', gain: 1 } }, new Rng(1), (n, v) => init.set(n, v));
    const params = ParameterVector.fromTensors(layout, init);
    const rng = new Rng(2);
    const x = Float32Array.from({ length: 7 * 5 }, () => rng.normal());
    const fast = new FastMlp(mlp, layout, params.values).forward(x, 7);
    const slow = tf.tidy(() => mlpForward(mlp, layout.split(params.variable), tf.tensor2d(x, [7, 5])).dataSync());
    for (let i = 0; i < fast.length; i++) t.true(Math.abs(fast[i] - slow[i]) < 1e-5);
    params.dispose();
  }
});

test('FlatAdam follows the Adam update of tfjs’s own optimizer, and clipByGlobalNorm the torch rule', (t) => {
  const start = [0.5, -1.5, 2, 3];
  const ours = tf.variable(tf.tensor1d(start)) as tf.Variable<tf.Rank.R1>;
  const theirs = tf.variable(tf.tensor1d(start));
  const adam = new FlatAdam(4, { eps: 1e-5 });
  const reference = tf.train.adam(0.01, 0.9, 0.999, 1e-5);
  const lossOf = (v: tf.Tensor) => tf.sum(tf.mul(tf.square(v), tf.tensor1d([1, 2, 3, 4]))) as tf.Scalar;
  for (let i = 0; i < 20; i++) {
    tf.tidy(() => {
      const g = tf.grad(lossOf)(ours) as tf.Tensor1D;
      adam.apply(ours, g, 0.01);
    });
    reference.minimize(() => lossOf(theirs));
  }
  const a = ours.dataSync();
  const b = theirs.dataSync();
  for (let i = 0; i < 4; i++) t.true(Math.abs(a[i] - b[i]) < 1e-5, `${a[i]} vs ${b[i]}`);
  t.is(adam.steps, 20);
  const { clipped, norm } = tf.tidy(() => clipByGlobalNorm(tf.tensor1d([3, 4]), 1));
  t.true(Math.abs(norm.dataSync()[0] - 5) < 1e-6);
  const c = clipped.dataSync();
  t.true(Math.abs(c[0] - 0.6) < 1e-5 && Math.abs(c[1] - 0.8) < 1e-5);
  tf.dispose([clipped, norm, ours, theirs]);
  adam.dispose();
  reference.dispose();
});

test('GAE: with λ = 1 advantages are discounted returns minus values; done cuts the bootstrap', (t) => {
  const gamma = 0.5;
  const buf = new RolloutBuffer(3, 1, 1, 1);
  const values = [0.25, 0.5, 1];
  for (let s = 0; s < 3; s++) {
    const k = buf.index(0);
    buf.rewards[k] = 1;
    buf.values[k] = values[s];
    buf.valid[k] = 1;
    buf.done[k] = s === 1 ? 1 : 0;
    buf.advance();
  }
  buf.computeReturnsAndAdvantage([8], gamma, 1);
  // Episode 1: steps 0–1 (done after step 1); episode 2: step 2 bootstrapped with V = 8.
  t.deepEqual(Array.from(buf.returns), [1 + gamma * 1, 1, 1 + gamma * 8]);
  t.deepEqual(Array.from(buf.advantages), [1.5 - 0.25, 1 - 0.5, 5 - 1]);
  // With λ = 0 the advantage is the one-step TD error.
  buf.computeReturnsAndAdvantage([8], gamma, 0);
  t.deepEqual(Array.from(buf.advantages), [1 + gamma * 0.5 - 0.25, 1 - 0.5, 1 + gamma * 8 - 1]);
});

test('linear schedules follow SB3’s get_linear_fn', (t) => {
  const s = linearSchedule(1, 0.05, 0.1);
  t.is(scheduleValue(s, 1), 1);
  t.true(Math.abs(scheduleValue(s, 0.95) - 0.525) < 1e-12);
  t.is(scheduleValue(s, 0.5), 0.05);
  t.throws(() => linearSchedule(1, 0, 0), { message: /endFraction/ });
});

test('backend selection: bad names and unloadable backends are errors that say why', async (t) => {
  t.throws(() => resolveBackendRequest('tpu'), { message: /allowed: auto, node-gpu, node, wasm, cpu/ });
  const saved = process.env.FLASH_GYM_BACKEND;
  process.env.FLASH_GYM_BACKEND = 'gpu-please';
  t.throws(() => resolveBackendRequest(undefined), { message: /FLASH_GYM_BACKEND is "gpu-please"/ });
  process.env.FLASH_GYM_BACKEND = 'cpu';
  t.is(resolveBackendRequest(undefined), 'cpu');
  t.is(resolveBackendRequest('wasm'), 'wasm');
  if (saved === undefined) delete process.env.FLASH_GYM_BACKEND;
  else process.env.FLASH_GYM_BACKEND = saved;
  let nodeLoads = true;
  try {
    await import(['@tensorflow', 'tfjs-node'].join('/'));
  } catch {
    nodeLoads = false;
  }
  if (!nodeLoads) {
    const error = await t.throwsAsync(selectBackend('node'), { instanceOf: BackendUnavailableError });
    t.regex(error?.message ?? '', /@tensorflow\/tfjs-node did not load/);
  }
  t.is((await selectBackend('cpu')).name, 'cpu');
});

test('bad hyperparameters are errors naming the option and what is allowed', (t) => {
  const spaces = { observationSpace: new Box(-1, 1, { shape: [3] }), actionSpace: new Discrete(2) };
  t.throws(() => new PPO(spaces, { nSteps: 0 }), { message: /nSteps must be a positive integer, got 0/ });
  t.throws(() => new PPO(spaces, { gamma: 1.5 }), { message: /gamma must be in \[0, 1\], got 1.5/ });
  t.throws(() => new PPO(spaces, { nStep: 8 } as never), { message: /unknown option "nStep"; allowed: .*nSteps/ });
  t.throws(() => new DQN({ observationSpace: spaces.observationSpace, actionSpace: new Box(-1, 1, { shape: [1] }) }), { message: /action space Box.* is not supported; allowed: Discrete/ });
  t.throws(() => new DQN(spaces, { explorationFinalEps: -0.1 }), { message: /explorationFinalEps must be in \[0, 1\]/ });
});

test('checkpoints: round trip of an agent without env; corrupt or mismatched checkpoints are clear errors', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'flash-gym-ckpt-'));
  const spaces = { observationSpace: new Box(-1, 1, { shape: [3] }), actionSpace: new Discrete(2) };
  const agent = new PPO(spaces, { seed: 5, nSteps: 16 });
  await agent.save(join(dir, 'a'));
  const loaded = await PPO.load(join(dir, 'a'));
  t.deepEqual(loaded.policy.params.values, agent.policy.params.values);
  const obs = Float32Array.from([0.1, -0.2, 0.3]);
  t.is(loaded.predict(obs, { deterministic: true }), agent.predict(obs, { deterministic: true }));
  await t.throwsAsync(DQN.load(join(dir, 'a')), { instanceOf: CheckpointError, message: /checkpoint of PPO, not DQN/ });
  const otherEnv = { observationSpace: new Box(-1, 1, { shape: [4] }), actionSpace: new Discrete(2) };
  await t.throwsAsync(PPO.load(join(dir, 'a'), otherEnv as never), { instanceOf: CheckpointError, message: /observation space .* differs/ });
  const weights = join(dir, 'a', 'weights.bin');
  const bytes = readFileSync(weights);
  bytes[10] ^= 0xff;
  writeFileSync(weights, bytes);
  await t.throwsAsync(PPO.load(join(dir, 'a')), { instanceOf: CheckpointError, message: /weights.bin is corrupt/ });
  writeFileSync(join(dir, 'a', 'state.json'), '{"format": "flash-gym-agent", "vers');
  await t.throwsAsync(PPO.load(join(dir, 'a')), { instanceOf: CheckpointError, message: /state.json is corrupt/ });
  await t.throwsAsync(PPO.load(join(dir, 'missing')), { instanceOf: CheckpointError, message: /not found/ });
});

test('logger writes SB3-style table, csv and jsonl', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'flash-gym-log-'));
  const printed: string[] = [];
  const logger = new Logger({ formats: ['stdout', 'csv', 'json'], folder: dir, print: (s) => printed.push(s) });
  logger.record('rollout/ep_rew_mean', 21.5);
  logger.record('time/fps', 1000);
  logger.dump(100);
  logger.record('rollout/ep_rew_mean', 30);
  logger.record('train/approx_kl', 0.01);
  logger.dump(200);
  t.regex(printed[0], /\| rollout\/ +\| +\|\n\| +ep_rew_mean +\| 21.5 +\|/);
  const csv = readFileSync(join(dir, 'progress.csv'), 'utf8').trim().split('\n');
  t.is(csv[0], 'rollout/ep_rew_mean,time/fps,train/approx_kl');
  t.is(csv.length, 3);
  const json = readFileSync(join(dir, 'progress.json'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, number>);
  t.is(json[1]['train/approx_kl'], 0.01);
  t.is(json[0].step, 100);
});
