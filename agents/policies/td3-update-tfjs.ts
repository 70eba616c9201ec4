import * as tf from '@tensorflow/tfjs';
import { FlatAdam, type AdamState } from '../nn/flat-adam.js';
import type { Td3Policy } from './td3-policy.js';
import type { Td3Batch, Td3Losses, Td3StepSettings, Td3Updater } from './td3-update.js';

/**
 * TD3/DDPG gradient steps on the selected TensorFlow.js backend: one tfjs gradient of the critics' flat
 * parameter vector and, when due, one of the actor's, each followed by a fused Adam step, all inside one
 * `tf.tidy`. Worth it with native kernels (tfjs-node, tfjs-node-gpu) on large networks.
 */
export class TfjsTd3Updater implements Td3Updater {
  readonly engine = 'tfjs' as const;
  private readonly actorAdam: FlatAdam;
  private readonly criticAdam: FlatAdam;

  constructor(private readonly policy: Td3Policy) {
    this.actorAdam = new FlatAdam(policy.actorParams.layout.size);
    this.criticAdam = new FlatAdam(policy.criticParams.layout.size);
    // The variables start from the host values, which may have been changed since they were created.
    for (const v of [policy.actorParams, policy.criticParams, policy.actorTarget, policy.criticTarget]) {
      if (v.onDevice) v.push();
    }
  }

  step(batch: Td3Batch, settings: Td3StepSettings): Td3Losses {
    const p = this.policy;
    const B = batch.size;
    const os = p.obsSize;
    const d = p.actionDim;
    const criticTheta = p.criticParams.variable;
    const actorTheta = p.actorParams.variable;
    const actorTargetTheta = p.actorTarget.variable;
    const criticTargetTheta = p.criticTarget.variable;
    const losses = tf.tidy(() => {
      const obsT = tf.tensor2d(batch.observations.subarray(0, B * os), [B, os]);
      const actT = tf.tensor2d(batch.actions.subarray(0, B * d), [B, d]);
      const nextObsT = tf.tensor2d(batch.nextObservations.subarray(0, B * os), [B, os]);
      let nextActions = p.actorForward(actorTargetTheta, nextObsT);
      if (batch.targetNoise !== null) nextActions = tf.clipByValue(tf.add(nextActions, tf.tensor2d(batch.targetNoise.subarray(0, B * d), [B, d])), -1, 1) as tf.Tensor2D;
      const nextQ = p.criticForward(criticTargetTheta, nextObsT, nextActions).reduce((a, b) => tf.minimum(a, b) as tf.Tensor2D);
      const y = tf.add(tf.tensor2d(batch.rewards.subarray(0, B), [B, 1]), tf.mul(tf.tensor2d(batch.notDone.subarray(0, B), [B, 1]), tf.mul(nextQ, settings.gamma)));
      const critic = tf.variableGrads(() => {
        const qs = p.criticForward(criticTheta, obsT, actT);
        return qs.map((q) => tf.mean(tf.square(tf.sub(q, y)))).reduce((a, b) => tf.add(a, b)) as tf.Scalar;
      }, [criticTheta]);
      this.criticAdam.apply(criticTheta, critic.grads[criticTheta.name] as tf.Tensor1D, settings.learningRate);
      const out = [critic.value];
      if (settings.updateActor) {
        const actor = tf.variableGrads(() => tf.neg(tf.mean(p.criticForward(criticTheta, obsT, p.actorForward(actorTheta, obsT), 1)[0])) as tf.Scalar, [actorTheta]);
        this.actorAdam.apply(actorTheta, actor.grads[actorTheta.name] as tf.Tensor1D, settings.learningRate);
        p.updateTargets(settings.tau);
        out.push(actor.value);
      }
      return Array.from(tf.stack(out).dataSync());
    });
    return { criticLoss: losses[0], actorLoss: settings.updateActor ? losses[1] : NaN };
  }

  syncHost(actorOnly: boolean): void {
    if (actorOnly) this.policy.actorParams.pull();
    else this.policy.pullAll();
  }

  optimizerStates(): { actor: AdamState; critic: AdamState } {
    return { actor: this.actorAdam.getState(), critic: this.criticAdam.getState() };
  }

  setOptimizerStates(states: { actor: AdamState; critic: AdamState }): void {
    this.actorAdam.setState(states.actor);
    this.criticAdam.setState(states.critic);
  }

  dispose(): void {
    this.actorAdam.dispose();
    this.criticAdam.dispose();
  }
}
