import * as tf from '@tensorflow/tfjs';
import { clipByGlobalNorm, FlatAdam, type AdamState } from '../nn/flat-adam.js';
import type { ActorCriticPolicy } from './actor-critic.js';
import { klAndClipFraction, type PpoLossSettings, type PpoMinibatch, type PpoStepSettings, type PpoStepStats, type PpoUpdater } from './ppo-update.js';

/**
 * PPO's minibatch step on the selected TensorFlow.js backend: one `variableGrads` of the flat parameter
 * vector through `ActorCriticPolicy.evaluateActions`, global-norm clipping and a fused `FlatAdam` step.
 * The reference the typed-array engine is checked against, and the faster engine on native kernels.
 */
export class TfjsPpoUpdater implements PpoUpdater {
  readonly engine = 'tfjs' as const;
  private readonly adam: FlatAdam;
  private oneHot = new Float32Array(0);

  constructor(private readonly policy: ActorCriticPolicy) {
    this.adam = new FlatAdam(policy.params.layout.size, { eps: 1e-5 });
  }

  step(batch: PpoMinibatch, s: PpoStepSettings): PpoStepStats {
    const theta = this.policy.params.variable;
    return tf.tidy(() => {
      let report: tf.Tensor | undefined;
      const { value: loss, grads } = tf.variableGrads(() => {
        const { total, parts } = this.lossTensors(theta, batch, s);
        report = tf.keep(parts);
        return total;
      }, [theta]);
      const values = (report as tf.Tensor).dataSync();
      (report as tf.Tensor).dispose();
      const { kl, clipFrac } = klAndClipFraction(values.subarray(3), batch.size, s.clipRange);
      const stats = { pg: values[0], vf: values[1], ent: values[2], kl, clipFrac };
      if (s.targetKl !== null && kl > 1.5 * s.targetKl) return { ...stats, loss: NaN, stopped: true };
      const { clipped } = clipByGlobalNorm(grads[theta.name] as tf.Tensor1D, s.maxGradNorm);
      this.adam.apply(theta, clipped, s.learningRate);
      return { ...stats, loss: loss.dataSync()[0], stopped: false };
    });
  }

  /** The loss of `batch` (as a scalar) and `[pg, value, entropy losses, log-ratios…]`, as tfjs ops of `theta`. */
  lossTensors(theta: tf.Tensor1D, batch: PpoMinibatch, s: PpoLossSettings): { total: tf.Scalar; parts: tf.Tensor1D } {
    const p = this.policy;
    const B = batch.size;
    const os = p.obsSize;
    const discrete = p.action.kind === 'discrete';
    const width = p.outputSize;
    let actions: Float32Array;
    if (discrete) {
      if (this.oneHot.length < B * width) this.oneHot = new Float32Array(B * width);
      actions = this.oneHot.subarray(0, B * width);
      actions.fill(0);
      for (let b = 0; b < B; b++) actions[b * width + batch.actions[b]] = 1;
    } else {
      actions = batch.actions.subarray(0, B * width);
    }
    const obsT = tf.tensor2d(batch.observations.subarray(0, B * os), [B, os]);
    const actT = tf.tensor2d(actions, [B, width]);
    const advT = tf.tensor1d(batch.advantages.subarray(0, B));
    const retT = tf.tensor1d(batch.returns.subarray(0, B));
    const oldLpT = tf.tensor1d(batch.oldLogProbs.subarray(0, B));
    const oldVT = tf.tensor1d(batch.oldValues.subarray(0, B));
    const { logProb, entropy, values } = p.evaluateActions(theta, obsT, actT);
    const logRatio = tf.sub(logProb, oldLpT);
    const ratio = tf.exp(logRatio);
    const clip = s.clipRange;
    const pgLoss = tf.neg(tf.mean(tf.minimum(tf.mul(advT, ratio), tf.mul(advT, tf.clipByValue(ratio, 1 - clip, 1 + clip)))));
    const cv = s.clipRangeVf;
    const valuesPred = cv === null ? values : tf.add(oldVT, tf.clipByValue(tf.sub(values, oldVT), -cv, cv));
    const valueLoss = tf.mean(tf.square(tf.sub(retT, valuesPred)));
    const entropyLoss = tf.neg(tf.mean(entropy));
    const parts = tf.concat([tf.stack([pgLoss, valueLoss, entropyLoss]), logRatio]) as tf.Tensor1D;
    const total = tf.add(tf.add(pgLoss, tf.mul(entropyLoss, s.entCoef)), tf.mul(valueLoss, s.vfCoef)) as tf.Scalar;
    return { total, parts };
  }

  syncHost(): void {
    this.policy.params.pull();
  }

  optimizerState(): AdamState {
    return this.adam.getState();
  }

  setOptimizerState(state: AdamState): void {
    this.adam.setState(state);
  }
}
