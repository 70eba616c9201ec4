import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import { innerAdapt, Maml } from '../meta/maml.js';
import { Reptile } from '../meta/reptile.js';
import { MlpRegressor, type RegressionBatch } from '../meta/supervised/regressor.js';

// A linear model y = w·x + b (no hidden layer): MSE gradient by hand is (2/n) Σ (ŷ − y) [x, 1].
const support: RegressionBatch = { x: Float32Array.from([1, 2, -1, 0.5, 0, -3]), y: Float32Array.from([1, -2, 0.5]), n: 3 };
const query: RegressionBatch = { x: Float32Array.from([2, 1, -0.5, 1]), y: Float32Array.from([0.3, -1]), n: 2 };

function handStep(w: number[], b: number, batch: RegressionBatch, lr: number): { w: number[]; b: number } {
  const g = [0, 0];
  let gb = 0;
  for (let i = 0; i < batch.n; i++) {
    const x = [batch.x[2 * i], batch.x[2 * i + 1]];
    const err = w[0] * x[0] + w[1] * x[1] + b - batch.y[i];
    g[0] += (2 / batch.n) * err * x[0];
    g[1] += (2 / batch.n) * err * x[1];
    gb += (2 / batch.n) * err;
  }
  return { w: [w[0] - lr * g[0], w[1] - lr * g[1]], b: b - lr * gb };
}

test("MAML's inner step equals a hand-computed gradient step on a linear model", (t) => {
  const model = new MlpRegressor({ inputSize: 2, hiddenSizes: [], seed: 1 });
  const v = model.params.values; // [kernel(2), bias(1)]
  const expected = handStep([v[0], v[1]], v[2], support, 0.1);
  for (const order of ['first', 'second'] as const) {
    const adapted = tf.tidy(() => Array.from(innerAdapt(model, model.params.variable, support, { innerLr: 0.1, order }).dataSync()));
    [...expected.w, expected.b].forEach((e, i) => t.true(Math.abs(adapted[i] - e) < 1e-6, `${order} param ${i}: ${adapted[i]} vs ${e}`));
  }
});

test('second-order MAML meta-gradient matches finite differences; first order differs from it', (t) => {
  const model = new MlpRegressor({ inputSize: 2, hiddenSizes: [], seed: 2 });
  const lr = 0.3;
  const metaLoss = (w: number[], b: number): number => {
    const a = handStep(w, b, support, lr);
    let l = 0;
    for (let i = 0; i < query.n; i++) l += (a.w[0] * query.x[2 * i] + a.w[1] * query.x[2 * i + 1] + a.b - query.y[i]) ** 2 / query.n;
    return l;
  };
  const v = Array.from(model.params.values);
  const numeric = v.map((_, i) => {
    const h = 1e-4;
    const p = [...v];
    const m = [...v];
    p[i] += h;
    m[i] -= h;
    return (metaLoss([p[0], p[1]], p[2]) - metaLoss([m[0], m[1]], m[2])) / (2 * h);
  });
  const grad = (order: 'first' | 'second') => tf.tidy(() => Array.from(tf.grad((th: tf.Tensor) => model.loss(innerAdapt(model, th as tf.Tensor1D, support, { innerLr: lr, order }), query))(model.params.variable).dataSync()));
  const second = grad('second');
  const first = grad('first');
  numeric.forEach((n, i) => t.true(Math.abs(second[i] - n) < 2e-3 * Math.max(1, Math.abs(n)), `param ${i}: ${second[i]} vs ${n}`));
  t.true(first.some((f, i) => Math.abs(f - numeric[i]) > 1e-2));
});

test('MAML and Reptile lower the post-adaptation loss on a family of sine-like tasks', (t) => {
  // Tasks y = a·relu(x) + c with a, c varying per task; few-shot regression.
  const makeTask = (a: number, c: number, xs: number[]): RegressionBatch => ({ x: Float32Array.from(xs), y: Float32Array.from(xs.map((x) => a * Math.max(0, x) + c)), n: xs.length });
  const tasks = [[1, 0], [2, -1], [-1, 0.5], [0.5, 1]].map(([a, c]) => ({ support: makeTask(a, c, [-1, 0.5, 1.5]), query: makeTask(a, c, [-0.5, 1, 2]) }));
  const model = new MlpRegressor({ inputSize: 1, hiddenSizes: [16], seed: 3 });
  const maml = new Maml(model, { innerLr: 0.05, outerLr: 0.01, order: 'second' });
  const first = maml.step(tasks);
  let last = first;
  for (let i = 0; i < 60; i++) last = maml.step(tasks);
  t.true(last < first * 0.7, `MAML meta-loss ${first} -> ${last}`);
  const model2 = new MlpRegressor({ inputSize: 1, hiddenSizes: [16], seed: 3 });
  const reptile = new Reptile(model2, { innerLr: 0.01, innerSteps: 5, metaStepSize: 0.5 });
  const evalLoss = () => tasks.reduce((s, task) => s + tf.tidy(() => model2.loss(tf.tensor1d(reptile.adapt([task.support])), task.query).dataSync()[0]), 0);
  const before = evalLoss();
  for (let i = 0; i < 30; i++) reptile.step(tasks.map((task) => [task.support, task.query]));
  t.true(evalLoss() < before, 'Reptile improves the adapted loss');
  t.throws(() => new Maml(model, { innerLr: -1 }).step(tasks), { message: /innerLr must be > 0/ });
});
