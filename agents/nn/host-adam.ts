import { resolveAdamOptions, type AdamOptions, type AdamState } from './flat-adam.js';

/**
 * Adam on a host parameter vector with PyTorch's update rule (the same as `FlatAdam`, without tfjs):
 * `m ← β1 m + (1−β1) g`, `v ← β2 v + (1−β2) g²`, `θ ← θ − lr/(1−β1ᵗ) · m / (√v/√(1−β2ᵗ) + ε)`.
 * Moments are float32, like torch's, so its state is a `FlatAdam` state and checkpoints are interchangeable.
 */
export class HostAdam {
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  private stepCount = 0;
  private readonly m: Float32Array;
  private readonly v: Float32Array;

  constructor(
    readonly size: number,
    options: AdamOptions = {},
  ) {
    ({ beta1: this.beta1, beta2: this.beta2, eps: this.eps } = resolveAdamOptions(options));
    this.m = new Float32Array(size);
    this.v = new Float32Array(size);
  }

  /** Number of updates applied so far. */
  get steps(): number {
    return this.stepCount;
  }

  /** Applies one update to `theta` (in place) with gradient `grad`. */
  apply(theta: Float32Array, grad: Float64Array, learningRate: number): void {
    this.stepCount += 1;
    const t = this.stepCount;
    const b1 = this.beta1;
    const b2 = this.beta2;
    const stepSize = learningRate / (1 - b1 ** t);
    const vScale = 1 / Math.sqrt(1 - b2 ** t);
    const eps = this.eps;
    const m = this.m;
    const v = this.v;
    for (let k = 0; k < this.size; k++) {
      const g = grad[k];
      const mk = (m[k] = b1 * m[k] + (1 - b1) * g);
      const vk = (v[k] = b2 * v[k] + (1 - b2) * g * g);
      theta[k] -= (stepSize * mk) / (Math.sqrt(vk) * vScale + eps);
    }
  }

  /** The optimizer's state (copies). */
  getState(): AdamState {
    return { step: this.stepCount, m: this.m.slice(), v: this.v.slice() };
  }

  /** Restores a state from {@link HostAdam.getState} or `FlatAdam.getState`. */
  setState(state: AdamState): void {
    if (state.m.length !== this.size || state.v.length !== this.size || !Number.isInteger(state.step) || state.step < 0) {
      throw new RangeError(`Adam.setState: expected moments of ${this.size} values and a step count >= 0`);
    }
    this.stepCount = state.step;
    this.m.set(state.m);
    this.v.set(state.v);
  }
}
