import type { AdamState } from '../nn/flat-adam.js';
import { HostAdam } from '../nn/host-adam.js';
import { createTrainableMlp, type TrainableMlp } from '../nn/wasm-mlp.js';
import type { Mlp } from '../nn/mlp.js';
import type { ParameterVector } from '../nn/parameters.js';
import type { DqnBatch, DqnStepSettings, DqnUpdater } from './dqn-update.js';

/**
 * DQN's gradient step as typed-array loops on the host parameter vectors (`WasmMlp` forward and backward on a WebAssembly SIMD kernel,
 * host Adam). The Huber loss's gradient with respect to Q(s_b, a_b) is `clamp(Q − y, −1, 1) / B` (tfjs's
 * subgradients of `abs` and `minimum` give the same); every other Q-value gets none.
 */
export class HostDqnUpdater implements DqnUpdater {
  readonly engine = 'typed-array' as const;
  private readonly online: TrainableMlp;
  private readonly onlineNext: TrainableMlp;
  private readonly target: TrainableMlp;
  private readonly adam: HostAdam;
  private readonly grad: Float64Array;
  private scratch: { size: number; y: Float64Array; dOut: Float64Array } | undefined;

  constructor(
    private readonly qNet: Mlp,
    private readonly params: ParameterVector,
    private readonly targetParams: ParameterVector,
  ) {
    this.online = createTrainableMlp(qNet, params.layout);
    this.onlineNext = createTrainableMlp(qNet, params.layout);
    this.target = createTrainableMlp(qNet, params.layout);
    this.adam = new HostAdam(params.layout.size);
    this.grad = new Float64Array(params.layout.size);
  }

  step(batch: DqnBatch, settings: DqnStepSettings): number {
    const g = this.grad;
    const loss = this.lossAndGradient(batch, settings.gamma, settings.doubleQ, g);
    let sq = 0;
    for (let k = 0; k < g.length; k++) sq += g[k] * g[k];
    const coef = settings.maxGradNorm / (Math.sqrt(sq) + 1e-6);
    if (coef < 1) for (let k = 0; k < g.length; k++) g[k] *= coef;
    this.adam.apply(this.params.values, g, settings.learningRate);
    return loss;
  }

  /** The Huber TD loss of `batch` and, when `grad` is given, its gradient (overwritten); no parameter changes. */
  lossAndGradient(batch: DqnBatch, gamma: number, doubleQ: boolean, grad: Float64Array | null): number {
    const B = batch.size;
    const k = this.qNet.outputSize;
    const sc = this.ensureScratch(B);
    const theta = this.params.values;
    const qNext = this.target.forward(this.targetParams.values, batch.nextObservations, B);
    const qNextOnline = doubleQ ? this.onlineNext.forward(theta, batch.nextObservations, B) : null;
    for (let b = 0; b < B; b++) {
      let best: number;
      if (qNextOnline === null) {
        best = qNext[b * k];
        for (let j = 1; j < k; j++) if (qNext[b * k + j] > best) best = qNext[b * k + j];
      } else {
        // Ties go to the first index, as tf.argMax and torch.argmax break them.
        let arg = 0;
        for (let j = 1; j < k; j++) if (qNextOnline[b * k + j] > qNextOnline[b * k + arg]) arg = j;
        best = qNext[b * k + arg];
      }
      sc.y[b] = batch.rewards[b] + (1 - batch.dones[b]) * gamma * best;
    }
    const q = this.online.forward(theta, batch.observations, B);
    let loss = 0;
    sc.dOut.fill(0, 0, B * k);
    for (let b = 0; b < B; b++) {
      const a = batch.actions[b];
      const d = q[b * k + a] - sc.y[b];
      const ad = Math.abs(d);
      loss += ad <= 1 ? 0.5 * d * d : ad - 0.5;
      sc.dOut[b * k + a] = Math.min(1, Math.max(-1, d)) / B;
    }
    if (grad !== null) {
      grad.fill(0);
      this.online.backward(theta, sc.dOut, grad, null);
    }
    return loss / B;
  }

  syncHost(): void {
    // The host vector is the truth; keep a tfjs copy (if something created one) in step with it.
    this.params.push();
  }

  optimizerState(): AdamState {
    return this.adam.getState();
  }

  setOptimizerState(state: AdamState): void {
    this.adam.setState(state);
  }

  private ensureScratch(B: number): NonNullable<HostDqnUpdater['scratch']> {
    if (this.scratch === undefined || this.scratch.size < B) {
      this.scratch = { size: B, y: new Float64Array(B), dOut: new Float64Array(B * this.qNet.outputSize) };
    }
    return this.scratch;
  }
}
