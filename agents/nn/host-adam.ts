import { resolveAdamOptions, type AdamOptions, type AdamState } from './flat-adam.js';
import { optimKernels, type OptimKernels } from './wasm-optim.js';

/**
 * Adam on a host parameter vector with PyTorch's update rule (the same as `FlatAdam`, without tfjs):
 * `m ← β1 m + (1−β1) g`, `v ← β2 v + (1−β2) g²`, `θ ← θ − lr/(1−β1ᵗ) · m / (√v/√(1−β2ᵗ) + ε)`.
 * Moments are float32, like torch's, so its state is a `FlatAdam` state and checkpoints are interchangeable.
 * The update runs on `wasm-optim.ts`'s SIMD pass where WebAssembly SIMD runs (the moments live in its memory;
 * θ and the gradient are copied in, θ back), else on the loop of {@link HostAdam.applyLoop}: the same bits.
 */
export class HostAdam {
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  private stepCount = 0;
  private readonly m: Float32Array;
  private readonly v: Float32Array;
  private readonly kernels: OptimKernels | undefined;
  /** Byte offsets of θ and the gradient in the kernels' memory. */
  private readonly thetaAt: number;
  private readonly gradAt: number;

  /** `options.simd: false` keeps the update on the JavaScript loop (tests compare the two). */
  constructor(
    readonly size: number,
    options: AdamOptions & { simd?: boolean } = {},
  ) {
    ({ beta1: this.beta1, beta2: this.beta2, eps: this.eps } = resolveAdamOptions(options));
    // Moments, θ (float32) and the gradient (float64, 8-byte aligned).
    this.thetaAt = 8 * size;
    this.gradAt = 8 * Math.ceil((12 * size) / 8);
    this.kernels = options.simd === false ? undefined : optimKernels(this.gradAt + 8 * size);
    if (this.kernels === undefined) {
      this.m = new Float32Array(size);
      this.v = new Float32Array(size);
    } else {
      this.m = new Float32Array(this.kernels.memory.buffer, 0, size);
      this.v = new Float32Array(this.kernels.memory.buffer, 4 * size, size);
    }
  }

  /** Number of updates applied so far. */
  get steps(): number {
    return this.stepCount;
  }

  /** Applies one update to `theta` (in place) with gradient `grad`. */
  apply(theta: Float32Array, grad: Float64Array, learningRate: number): void {
    if (theta.length !== this.size || grad.length !== this.size) throw new RangeError(`HostAdam.apply: expected θ and gradient of ${this.size} values, got ${theta.length} and ${grad.length}`);
    this.stepCount += 1;
    const t = this.stepCount;
    const b1 = this.beta1;
    const b2 = this.beta2;
    const stepSize = learningRate / (1 - b1 ** t);
    const vScale = 1 / Math.sqrt(1 - b2 ** t);
    const kernels = this.kernels;
    if (kernels === undefined) {
      this.applyLoop(theta, grad, 0, stepSize, vScale);
      return;
    }
    const n = this.size;
    const pairs = n >> 1;
    const buffer = kernels.memory.buffer;
    const thetaCopy = new Float32Array(buffer, this.thetaAt, n);
    thetaCopy.set(theta);
    new Float64Array(buffer, this.gradAt, n).set(grad);
    kernels.adam(this.thetaAt, this.gradAt, 0, 4 * n, pairs, b1, 1 - b1, b2, 1 - b2, stepSize, vScale, this.eps);
    theta.set(thetaCopy.subarray(0, 2 * pairs));
    this.applyLoop(theta, grad, 2 * pairs, stepSize, vScale);
  }

  /** The update of parameters `[from, size)` as a loop (all of them without the SIMD pass; the odd last one with it). */
  private applyLoop(theta: Float32Array, grad: Float64Array, from: number, stepSize: number, vScale: number): void {
    const b1 = this.beta1;
    const b2 = this.beta2;
    const eps = this.eps;
    const m = this.m;
    const v = this.v;
    for (let k = from; k < this.size; k++) {
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
