import type { AdamState } from '../nn/flat-adam.js';
import { HostAdam } from '../nn/host-adam.js';
import { polyakUpdate } from '../nn/wasm-optim.js';
import { createTrainableMlp, type TrainableMlp } from '../nn/wasm-mlp.js';
import type { Td3Policy } from './td3-policy.js';
import type { Td3Batch, Td3Losses, Td3StepSettings, Td3Updater } from './td3-update.js';

/**
 * TD3/DDPG gradient steps on the policy's host parameter vectors, with every network's forward and backward
 * pass on the fastest trainable MLP the runtime offers (`createTrainableMlp`: `WasmMlp`'s WebAssembly SIMD
 * float32 matrix products — fused multiply-adds where relaxed SIMD runs, the large ones split by rows with
 * a helper thread, bit-identical to one thread, and skipping the zeros of ReLU outputs and of the gradients
 * they mask — else `TiledMlp`'s loops) and host Adam: no tfjs tensors at all, so nothing to
 * dispose and no per-op dispatch. Each network (online and target actor, each online and target critic) has
 * its own `TrainableMlp`, because one keeps its activations from `forward` for `backward` and reuses its
 * output array.
 */
export class HostTd3Updater implements Td3Updater {
  readonly engine = 'typed-array' as const;
  private readonly actor: TrainableMlp;
  private readonly actorTarget: TrainableMlp;
  private readonly critics: TrainableMlp[];
  private readonly criticTargets: TrainableMlp[];
  private readonly actorAdam: HostAdam;
  private readonly criticAdam: HostAdam;
  private readonly actorGrad: Float64Array;
  private readonly criticGrad: Float64Array;
  private buffers: { size: number; input: Float64Array; dInput: Float64Array; y: Float64Array; dq: Float64Array; mu: Float64Array; dMu: Float64Array } | undefined;

  constructor(private readonly policy: Td3Policy) {
    const actorLayout = policy.actorParams.layout;
    const criticLayout = policy.criticParams.layout;
    this.actor = createTrainableMlp(policy.actor, actorLayout);
    this.actorTarget = createTrainableMlp(policy.actor, actorLayout);
    this.critics = policy.critics.map((c) => createTrainableMlp(c, criticLayout));
    this.criticTargets = policy.critics.map((c) => createTrainableMlp(c, criticLayout));
    this.actorAdam = new HostAdam(actorLayout.size);
    this.criticAdam = new HostAdam(criticLayout.size);
    this.actorGrad = new Float64Array(actorLayout.size);
    this.criticGrad = new Float64Array(criticLayout.size);
  }

  step(batch: Td3Batch, settings: Td3StepSettings): Td3Losses {
    const p = this.policy;
    const B = batch.size;
    const os = p.obsSize;
    const d = p.actionDim;
    const w = os + d;
    const buf = this.scratch(B, w);
    const actorTheta = p.actorParams.values;
    const criticTheta = p.criticParams.values;
    // Targets, from the target networks.
    const nextRaw = this.actorTarget.forward(p.actorTarget.values, batch.nextObservations, B);
    for (let b = 0; b < B; b++) {
      for (let j = 0; j < os; j++) buf.input[b * w + j] = batch.nextObservations[b * os + j];
      for (let j = 0; j < d; j++) {
        let a = Math.tanh(nextRaw[b * d + j]);
        if (batch.targetNoise !== null) a = Math.min(1, Math.max(-1, a + batch.targetNoise[b * d + j]));
        buf.input[b * w + os + j] = a;
      }
    }
    buf.y.fill(Infinity, 0, B);
    for (const target of this.criticTargets) {
      const q = target.forward(p.criticTarget.values, buf.input, B);
      for (let b = 0; b < B; b++) if (q[b] < buf.y[b]) buf.y[b] = q[b];
    }
    for (let b = 0; b < B; b++) buf.y[b] = batch.rewards[b] + batch.notDone[b] * settings.gamma * buf.y[b];
    // Critic regression on the stored actions.
    for (let b = 0; b < B; b++) {
      for (let j = 0; j < os; j++) buf.input[b * w + j] = batch.observations[b * os + j];
      for (let j = 0; j < d; j++) buf.input[b * w + os + j] = batch.actions[b * d + j];
    }
    this.criticGrad.fill(0);
    let criticLoss = 0;
    for (const critic of this.critics) {
      const q = critic.forward(criticTheta, buf.input, B);
      for (let b = 0; b < B; b++) {
        const e = q[b] - buf.y[b];
        criticLoss += (e * e) / B;
        buf.dq[b] = (2 * e) / B;
      }
      critic.backward(criticTheta, buf.dq, this.criticGrad, null);
    }
    this.criticAdam.apply(criticTheta, this.criticGrad, settings.learningRate);
    if (!settings.updateActor) return { criticLoss, actorLoss: NaN };
    // Actor: ascend Q_1(s, μ(s)) through the updated first critic.
    const raw = this.actor.forward(actorTheta, batch.observations, B);
    for (let b = 0; b < B; b++) {
      for (let j = 0; j < d; j++) {
        const mu = Math.tanh(raw[b * d + j]);
        buf.mu[b * d + j] = mu;
        buf.input[b * w + os + j] = mu;
      }
    }
    const q = this.critics[0].forward(criticTheta, buf.input, B);
    let actorLoss = 0;
    for (let b = 0; b < B; b++) {
      actorLoss -= q[b] / B;
      buf.dq[b] = -1 / B;
    }
    this.critics[0].backward(criticTheta, buf.dq, null, buf.dInput);
    for (let b = 0; b < B; b++) {
      for (let j = 0; j < d; j++) {
        const mu = buf.mu[b * d + j];
        buf.dMu[b * d + j] = buf.dInput[b * w + os + j] * (1 - mu * mu);
      }
    }
    this.actorGrad.fill(0);
    this.actor.backward(actorTheta, buf.dMu, this.actorGrad, null);
    this.actorAdam.apply(actorTheta, this.actorGrad, settings.learningRate);
    polyakUpdate(p.actorTarget.values, actorTheta, settings.tau);
    polyakUpdate(p.criticTarget.values, criticTheta, settings.tau);
    return { criticLoss, actorLoss };
  }

  syncHost(): void {}

  optimizerStates(): { actor: AdamState; critic: AdamState } {
    return { actor: this.actorAdam.getState(), critic: this.criticAdam.getState() };
  }

  setOptimizerStates(states: { actor: AdamState; critic: AdamState }): void {
    this.actorAdam.setState(states.actor);
    this.criticAdam.setState(states.critic);
  }

  dispose(): void {}

  private scratch(B: number, w: number): NonNullable<HostTd3Updater['buffers']> {
    if (this.buffers === undefined || this.buffers.size < B) {
      const d = this.policy.actionDim;
      this.buffers = { size: B, input: new Float64Array(B * w), dInput: new Float64Array(B * w), y: new Float64Array(B), dq: new Float64Array(B), mu: new Float64Array(B * d), dMu: new Float64Array(B * d) };
    }
    return this.buffers;
  }
}
