import * as tf from '@tensorflow/tfjs';
import { FlatAdam, clipByGlobalNorm } from '../agents/nn/flat-adam.js';
import type { PPO } from '../agents/ppo.js';
import type { TaskConditioningWrapper, TransitionLog } from './conditioning-wrapper.js';
import type { TaskEncoder } from './encoders/task-encoder.js';

/**
 * What an agent must offer for its loss to train the encoder (the minimal, read-only hook: no change
 * to the agent). Given observations already conditioned on embeddings that are tfjs ops of the encoder's
 * parameters, it returns the agent's loss on the logged steps with its own parameters held fixed.
 */
export interface DifferentiableAgentLoss {
  loss(conditionedObs: tf.Tensor2D, log: TransitionLog, hostObs: Float32Array): tf.Scalar;
}

/**
 * PPO's loss as a function of its input (θ fixed): the clipped surrogate at the current policy (the
 * ratio is 1 there, so its gradient is the policy gradient A·∇log π) plus `vfCoef` × the value loss,
 * with GAE(λ) advantages and returns computed from the current value function, normalized as PPO does.
 * Truncated episodes are bootstrapped with γ·V(final observation), as in the agent.
 */
export function ppoInputLoss(agent: PPO): DifferentiableAgentLoss {
  const policy = agent.policy;
  const h = agent.hyperparameters;
  return {
    loss(conditionedObs, log, hostObs) {
      const n = log.steps.length;
      const width = conditionedObs.shape[1];
      const values = new Float64Array(n);
      policy.values(hostObs, n, values);
      const nextHost = new Float32Array(n * width);
      for (let i = 0; i < n; i++) {
        nextHost.set(hostObs.subarray(i * width, (i + 1) * width), i * width);
        nextHost.set(log.steps[i].nextObservation, i * width);
      }
      const nextValues = new Float64Array(n);
      policy.values(nextHost, n, nextValues);
      const adv = new Float32Array(n);
      const ret = new Float32Array(n);
      let gae = 0;
      for (let i = n - 1; i >= 0; i--) {
        const s = log.steps[i];
        const last = i === n - 1 || s.terminated || s.truncated;
        const bootstrap = s.terminated ? 0 : last ? nextValues[i] : values[i + 1];
        const delta = s.reward + h.gamma * bootstrap - values[i];
        gae = delta + (last ? 0 : h.gamma * h.gaeLambda * gae);
        adv[i] = gae;
        ret[i] = gae + values[i];
      }
      if (h.normalizeAdvantage && n > 1) {
        const mean = adv.reduce((a, b) => a + b, 0) / n;
        const std = Math.sqrt(adv.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
        for (let i = 0; i < n; i++) adv[i] = (adv[i] - mean) / (std + 1e-8);
      }
      const isDiscrete = policy.action.kind === 'discrete';
      const k = policy.outputSize;
      const actions = new Float32Array(n * k);
      log.steps.forEach((s, i) => {
        if (isDiscrete) actions[i * k + (s.action as number) - (policy.action as { start: number }).start] = 1;
        else actions.set(s.action as Float32Array, i * k);
      });
      const actT = tf.tensor2d(actions, [n, k]);
      const theta = policy.params.variable;
      const current = policy.evaluateActions(theta, conditionedObs, actT);
      const oldLogProb = tf.tensor1d(policy.evaluateActions(theta, tf.tensor2d(hostObs, [n, width]), actT).logProb.dataSync() as Float32Array);
      const ratio = tf.exp(tf.sub(current.logProb, oldLogProb));
      const pg = tf.neg(tf.mean(tf.mul(tf.tensor1d(adv), ratio)));
      const vf = tf.mean(tf.square(tf.sub(tf.tensor1d(ret), current.values)));
      return tf.add(pg, tf.mul(vf, h.vfCoef)) as tf.Scalar;
    },
  };
}

/**
 * Trains a task encoder end to end through a differentiable agent's loss (FLASH/AWARE): after each of
 * the agent's updates, the logged steps are re-conditioned on embeddings computed as tfjs ops of the
 * encoder's parameters, and the agent's loss is differentiated with respect to them.
 */
export class EndToEndEncoderTrainer {
  readonly optimizer: FlatAdam;

  constructor(
    readonly encoder: TaskEncoder,
    readonly agentLoss: DifferentiableAgentLoss,
    readonly learningRate = 3e-4,
    readonly maxGradNorm = 0.5,
  ) {
    if (!(learningRate > 0)) throw new RangeError(`EndToEndEncoderTrainer: learningRate must be > 0, got ${learningRate}`);
    this.optimizer = new FlatAdam(encoder.params.layout.size);
  }

  /** One encoder update on the wrapper's log (which is drained); returns the loss, or NaN without steps. */
  update(wrapper: TaskConditioningWrapper): number {
    const loss = this.updateOn(wrapper.drainLog(), wrapper.features.observationSize);
    wrapper.refreshEmbedding();
    return loss;
  }

  /**
   * One encoder update on a drained log whose steps have `observationSize` observation features; the
   * caller refreshes its wrapper's embedding. Returns the loss, or NaN when no step has a context.
   */
  updateOn(log: TransitionLog, observationSize: number): number {
    const n = log.steps.length;
    if (n === 0) return NaN;
    const o = observationSize;
    const e = this.encoder.embeddingSize;
    const width = o + e;
    const usedContexts = [...new Set(log.steps.map((s) => s.context))];
    const contextRow = new Map(usedContexts.map((c, i) => [c, i]));
    // Steps conditioned only on empty contexts carry no gradient to the encoder (their embedding is 0).
    if (usedContexts.every((c) => log.contexts[c].length === 0)) return NaN;
    const theta = this.encoder.params.variable;
    const loss = tf.tidy(() => {
      const hostEmb = this.encoder.forward(theta, usedContexts.map((c) => log.contexts[c])).dataSync();
      const hostObs = new Float32Array(n * width);
      const obsOnly = new Float32Array(n * o);
      const select = new Int32Array(n);
      log.steps.forEach((s, i) => {
        hostObs.set(s.observation, i * width);
        obsOnly.set(s.observation, i * o);
        const r = contextRow.get(s.context) as number;
        select[i] = r;
        hostObs.set(hostEmb.subarray(r * e, (r + 1) * e), i * width + o);
      });
      const { value, grads } = tf.variableGrads(() => {
        // A one-hot selection matmul instead of gather: gather's gradient (UnsortedSegmentSum) has no wasm kernel.
        const emb = tf.matMul(selectionMatrix(select, usedContexts.length), this.encoder.forward(theta, usedContexts.map((c) => log.contexts[c])));
        const conditioned = tf.concat([tf.tensor2d(obsOnly, [n, o]), emb], 1) as tf.Tensor2D;
        return this.agentLoss.loss(conditioned, log, hostObs);
      }, [theta]);
      const { clipped } = clipByGlobalNorm(grads[theta.name] as tf.Tensor1D, this.maxGradNorm);
      this.optimizer.apply(theta, clipped, this.learningRate);
      return value.dataSync()[0];
    });
    this.encoder.params.pull();
    return loss;
  }
}

/** The `[rows, columns]` matrix with a 1 at (i, select[i]): row selection as a matmul. */
function selectionMatrix(select: Int32Array, columns: number): tf.Tensor2D {
  const m = new Float32Array(select.length * columns);
  select.forEach((c, i) => (m[i * columns + c] = 1));
  return tf.tensor2d(m, [select.length, columns]);
}
