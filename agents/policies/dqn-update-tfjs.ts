import * as tf from '@tensorflow/tfjs';
import { clipByGlobalNorm, FlatAdam, type AdamState } from '../nn/flat-adam.js';
import { mlpForward, type Mlp } from '../nn/mlp.js';
import type { ParameterVector } from '../nn/parameters.js';
import type { DqnBatch, DqnStepSettings, DqnUpdater } from './dqn-update.js';

/** DQN's gradient step on the selected TensorFlow.js backend (autodiff of the flat parameter vector, fused Adam). */
export class TfjsDqnUpdater implements DqnUpdater {
  readonly engine = 'tfjs' as const;
  private readonly adam: FlatAdam;
  private oneHot = new Float32Array(0);

  constructor(
    private readonly qNet: Mlp,
    private readonly params: ParameterVector,
    private readonly targetParams: ParameterVector,
  ) {
    this.adam = new FlatAdam(params.layout.size);
  }

  step(batch: DqnBatch, s: DqnStepSettings): number {
    const theta = this.params.variable;
    return tf.tidy(() => {
      const target = this.tdTarget(theta, batch, s.gamma, s.doubleQ);
      const { value, grads } = tf.variableGrads(() => this.loss(theta, batch, target), [theta]);
      const { clipped } = clipByGlobalNorm(grads[theta.name] as tf.Tensor1D, s.maxGradNorm);
      this.adam.apply(theta, clipped, s.learningRate);
      return value.dataSync()[0];
    });
  }

  /** The TD target `[B]` (computed outside the gradient, as SB3 does under torch.no_grad()). */
  tdTarget(theta: tf.Tensor1D, batch: DqnBatch, gamma: number, doubleQ: boolean): tf.Tensor1D {
    const B = batch.size;
    const k = this.qNet.outputSize;
    const os = this.qNet.inputSize;
    const layout = this.params.layout;
    const nextT = tf.tensor2d(batch.nextObservations.subarray(0, B * os), [B, os]);
    const nextQTarget = mlpForward(this.qNet, layout.split(this.targetParams.variable), nextT);
    const nextQ = doubleQ ? tf.sum(tf.mul(nextQTarget, tf.oneHot(tf.argMax(mlpForward(this.qNet, layout.split(theta), nextT), 1), k)), 1) : tf.max(nextQTarget, 1);
    const notDone = tf.sub(1, tf.tensor1d(batch.dones.subarray(0, B)));
    return tf.add(tf.tensor1d(batch.rewards.subarray(0, B)), tf.mul(tf.mul(notDone, gamma), nextQ)) as tf.Tensor1D;
  }

  /** The Huber loss of Q(s, a) (tfjs ops of `theta`) against a TD target from {@link tdTarget}. */
  loss(theta: tf.Tensor1D, batch: DqnBatch, target: tf.Tensor1D): tf.Scalar {
    const B = batch.size;
    const k = this.qNet.outputSize;
    const os = this.qNet.inputSize;
    if (this.oneHot.length < B * k) this.oneHot = new Float32Array(B * k);
    const oneHot = this.oneHot.subarray(0, B * k);
    oneHot.fill(0);
    for (let b = 0; b < B; b++) oneHot[b * k + batch.actions[b]] = 1;
    const q = tf.sum(tf.mul(mlpForward(this.qNet, this.params.layout.split(theta), tf.tensor2d(batch.observations.subarray(0, B * os), [B, os])), tf.tensor2d(oneHot, [B, k])), 1);
    return huberLoss(q, target);
  }

  syncHost(): void {
    this.params.pull();
  }

  optimizerState(): AdamState {
    return this.adam.getState();
  }

  setOptimizerState(state: AdamState): void {
    this.adam.setState(state);
  }
}

/** SB3's `F.smooth_l1_loss` (Huber with δ = 1), averaged over the batch. */
export function huberLoss(pred: tf.Tensor, target: tf.Tensor): tf.Scalar {
  const diff = tf.abs(tf.sub(pred, target));
  const quadratic = tf.minimum(diff, 1);
  // 0.5·q² + (|d| − q): equals 0.5 d² for |d| ≤ 1 and |d| − 0.5 beyond.
  return tf.mean(tf.add(tf.mul(tf.square(quadratic), 0.5), tf.sub(diff, quadratic))) as tf.Scalar;
}
