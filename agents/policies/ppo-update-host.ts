import type { AdamState } from '../nn/flat-adam.js';
import { HostAdam } from '../nn/host-adam.js';
import { createTrainableMlp, type TrainableMlp } from '../nn/wasm-mlp.js';
import type { ActorCriticPolicy } from './actor-critic.js';
import { klAndClipFraction, type PpoLossSettings, type PpoMinibatch, type PpoStepSettings, type PpoStepStats, type PpoUpdater } from './ppo-update.js';

/** The loss terms of one minibatch as {@link HostPpoUpdater.lossAndGradient} computes them. */
export interface PpoLossTerms {
  readonly pg: number;
  readonly vf: number;
  readonly ent: number;
  /** pg + entCoef·ent + vfCoef·vf. */
  readonly loss: number;
  /** log π(a|s) − log π_old(a|s) per row (a view, overwritten by the next call). */
  readonly logRatios: Float64Array;
}

/**
 * PPO's minibatch step as typed-array loops on the policy's host parameters: the forward passes of the
 * policy and value networks (`WasmMlp`: WebAssembly SIMD matrix products, float32), the loss gradient written out by hand, the backward passes, torch's
 * global-norm clipping and a host Adam (ε = 1e-5). No tfjs tensor is created, so the ~260 kernel dispatches
 * of an autodiff step (each tens of microseconds on the cpu and wasm backends) disappear.
 *
 * Gradient of the loss `pg + c_e·(−mean H) + c_v·mean (R − V̂)²` with respect to the log-probability of
 * row b: `−A_b r_b / B` when the unclipped surrogate is the minimum (or the ratio is inside the clip range),
 * else 0, matching tfjs's subgradients of `minimum` and `clipByValue`. Through a categorical head,
 * `∂ log p_a / ∂z_j = δ_aj − p_j` and `∂H/∂z_j = −p_j (log p_j + H)`; through a diagonal Gaussian,
 * `∂ log p / ∂μ_j = z_j / σ_j` and `∂ log p / ∂ log σ_j = z_j² − 1`, and the entropy adds 1 per `log σ_j`.
 */
export class HostPpoUpdater implements PpoUpdater {
  readonly engine = 'typed-array' as const;
  private readonly piNet: TrainableMlp;
  private readonly vfNet: TrainableMlp;
  private readonly adam: HostAdam;
  private readonly grad: Float64Array;
  private readonly logStdOffset: number;
  /** The entropy coefficient of the last forward pass (the Gaussian's entropy gradient lands in backward). */
  private lastEntCoef = 0;
  private scratch: { size: number; dOut: Float64Array; dV: Float64Array; logRatios: Float64Array; gLogProb: Float64Array; entropy: Float64Array; logP: Float64Array } | undefined;

  constructor(private readonly policy: ActorCriticPolicy) {
    const layout = policy.params.layout;
    this.piNet = createTrainableMlp(policy.pi, layout);
    this.vfNet = createTrainableMlp(policy.vf, layout);
    this.adam = new HostAdam(layout.size, { eps: 1e-5 });
    this.grad = new Float64Array(layout.size);
    this.logStdOffset = policy.action.kind === 'box' ? layout.entry('log_std').offset : -1;
  }

  step(batch: PpoMinibatch, settings: PpoStepSettings): PpoStepStats {
    const terms = this.forwardLoss(batch, settings);
    const { kl, clipFrac } = klAndClipFraction(terms.logRatios, batch.size, settings.clipRange);
    if (settings.targetKl !== null && kl > 1.5 * settings.targetKl) return { ...terms, loss: NaN, kl, clipFrac, stopped: true };
    const theta = this.policy.params.values;
    this.backward(batch.size, this.grad);
    const g = this.grad;
    let sq = 0;
    for (let k = 0; k < g.length; k++) sq += g[k] * g[k];
    // torch's clip_grad_norm_: scale by maxNorm / (‖g‖ + 1e-6) when that is below 1.
    const coef = settings.maxGradNorm / (Math.sqrt(sq) + 1e-6);
    if (coef < 1) for (let k = 0; k < g.length; k++) g[k] *= coef;
    this.adam.apply(theta, g, settings.learningRate);
    return { pg: terms.pg, vf: terms.vf, ent: terms.ent, loss: terms.loss, kl, clipFrac, stopped: false };
  }

  /**
   * The loss of `batch` at the current parameters and, when `grad` is given, its gradient with respect to
   * the flat parameter vector (overwritten). No parameter changes.
   */
  lossAndGradient(batch: PpoMinibatch, settings: PpoLossSettings, grad: Float64Array | null): PpoLossTerms {
    const terms = this.forwardLoss(batch, settings);
    if (grad !== null) this.backward(batch.size, grad);
    return terms;
  }

  syncHost(): void {
    // The host vector is the truth; keep a tfjs copy (if something created one) in step with it.
    this.policy.params.push();
  }

  optimizerState(): AdamState {
    return this.adam.getState();
  }

  setOptimizerState(state: AdamState): void {
    this.adam.setState(state);
  }

  /** Forward passes and loss; leaves the loss's gradient with respect to the network outputs in the scratch. */
  private forwardLoss(batch: PpoMinibatch, s: PpoLossSettings): PpoLossTerms {
    const p = this.policy;
    const B = batch.size;
    const theta = p.params.values;
    const sc = this.ensureScratch(B);
    this.lastEntCoef = s.entCoef;
    const k = p.outputSize;
    const out = this.piNet.forward(theta, batch.observations, B);
    const values = this.vfNet.forward(theta, batch.observations, B);
    const { dOut, dV, logRatios, gLogProb, entropy, logP } = sc;
    let entropyMean = 0;
    // Log-probabilities (and the categorical entropies) per row.
    if (p.action.kind === 'discrete') {
      for (let b = 0; b < B; b++) {
        const o = b * k;
        let max = -Infinity;
        for (let j = 0; j < k; j++) if (out[o + j] > max) max = out[o + j];
        let sum = 0;
        for (let j = 0; j < k; j++) sum += Math.exp(out[o + j] - max);
        const logSum = max + Math.log(sum);
        let h = 0;
        for (let j = 0; j < k; j++) {
          const lp = out[o + j] - logSum;
          logP[o + j] = lp;
          h -= Math.exp(lp) * lp;
        }
        entropy[b] = h;
        entropyMean += h / B;
        logRatios[b] = logP[o + batch.actions[b]] - batch.oldLogProbs[b];
      }
    } else {
      const off = this.logStdOffset;
      let sumLogStd = 0;
      for (let j = 0; j < k; j++) sumLogStd += theta[off + j];
      for (let b = 0; b < B; b++) {
        let sq = 0;
        for (let j = 0; j < k; j++) {
          const z = (batch.actions[b * k + j] - out[b * k + j]) / Math.exp(theta[off + j]);
          logP[b * k + j] = z; // the standardised action, reused by the gradient
          sq += z * z;
        }
        logRatios[b] = -0.5 * sq - sumLogStd - 0.5 * k * LOG_2PI - batch.oldLogProbs[b];
      }
      entropyMean = sumLogStd + 0.5 * k * (1 + LOG_2PI);
    }
    // Clipped surrogate and its gradient with respect to each log-probability.
    const c = s.clipRange;
    let pgSum = 0;
    for (let b = 0; b < B; b++) {
      const ratio = Math.exp(logRatios[b]);
      const a = batch.advantages[b];
      const clipped = Math.min(Math.max(ratio, 1 - c), 1 + c);
      const surr1 = a * ratio;
      const surr2 = a * clipped;
      pgSum += Math.min(surr1, surr2);
      const inside = ratio >= 1 - c && ratio <= 1 + c;
      gLogProb[b] = surr1 <= surr2 || inside ? (-a * ratio) / B : 0;
    }
    // Value loss (optionally clipped around the old values) and its gradient with respect to V.
    const cv = s.clipRangeVf;
    let vfSum = 0;
    for (let b = 0; b < B; b++) {
      const v = values[b];
      const old = batch.oldValues[b];
      const delta = v - old;
      const pred = cv === null ? v : old + Math.min(Math.max(delta, -cv), cv);
      const diff = pred - batch.returns[b];
      vfSum += diff * diff;
      const passes = cv === null || (delta >= -cv && delta <= cv);
      dV[b] = passes ? (s.vfCoef * 2 * diff) / B : 0;
    }
    // Gradient with respect to the policy head's outputs.
    if (p.action.kind === 'discrete') {
      const e = s.entCoef / B;
      for (let b = 0; b < B; b++) {
        const o = b * k;
        const a = batch.actions[b];
        const g = gLogProb[b];
        for (let j = 0; j < k; j++) {
          const pj = Math.exp(logP[o + j]);
          dOut[o + j] = g * ((j === a ? 1 : 0) - pj) + e * pj * (logP[o + j] + entropy[b]);
        }
      }
    } else {
      const off = this.logStdOffset;
      for (let b = 0; b < B; b++) {
        const g = gLogProb[b];
        for (let j = 0; j < k; j++) dOut[b * k + j] = (g * logP[b * k + j]) / Math.exp(theta[off + j]);
      }
    }
    const pg = -pgSum / B;
    const vf = vfSum / B;
    const ent = -entropyMean;
    return { pg, vf, ent, loss: pg + s.entCoef * ent + s.vfCoef * vf, logRatios: logRatios.subarray(0, B) };
  }

  /** Backward passes of the last {@link forwardLoss} into `grad` (overwritten). */
  private backward(B: number, grad: Float64Array): void {
    const p = this.policy;
    const theta = p.params.values;
    const sc = this.scratch as NonNullable<HostPpoUpdater['scratch']>;
    grad.fill(0);
    this.piNet.backward(theta, sc.dOut, grad, null);
    this.vfNet.backward(theta, sc.dV, grad, null);
    if (p.action.kind === 'box') {
      const k = p.outputSize;
      const off = this.logStdOffset;
      const entCoef = this.lastEntCoef;
      for (let j = 0; j < k; j++) {
        let g = 0;
        for (let b = 0; b < B; b++) {
          const z = sc.logP[b * k + j];
          g += sc.gLogProb[b] * (z * z - 1);
        }
        grad[off + j] += g - entCoef;
      }
    }
  }

  private ensureScratch(B: number): NonNullable<HostPpoUpdater['scratch']> {
    if (this.scratch === undefined || this.scratch.size < B) {
      const k = this.policy.outputSize;
      this.scratch = { size: B, dOut: new Float64Array(B * k), dV: new Float64Array(B), logRatios: new Float64Array(B), gLogProb: new Float64Array(B), entropy: new Float64Array(B), logP: new Float64Array(B * k) };
    }
    return this.scratch;
  }
}

const LOG_2PI = Math.log(2 * Math.PI);
