import { resolveAdamOptions, type AdamOptions, type AdamState } from './flat-adam.js';
import type { WasmGemm } from './wasm-gemm.js';
import { optimKernels, type OptimKernels } from './wasm-optim.js';

/** Where Adam's moments live and its SIMD pass runs: its own optimizer module's memory, or a `WasmGemm`'s. */
type AdamHome =
  | { readonly kind: 'loop'; readonly m: Float32Array; readonly v: Float32Array }
  /** θ and the gradient are copied to the byte offsets `thetaAt`, `gradAt` of the module's memory, after the moments. */
  | { readonly kind: 'optim'; readonly kernels: OptimKernels; readonly m: Float32Array; readonly v: Float32Array; readonly thetaAt: number; readonly gradAt: number }
  | { readonly kind: 'gemm'; readonly gemm: WasmGemm; readonly mAt: number; readonly vAt: number };

/**
 * Adam on a host parameter vector with PyTorch's update rule (the same as `FlatAdam`, without tfjs):
 * `m ← β1 m + (1−β1) g`, `v ← β2 v + (1−β2) g²`, `θ ← θ − lr/(1−β1ᵗ) · m / (√v/√(1−β2ᵗ) + ε)`.
 * Moments are float32, like torch's, so its state is a `FlatAdam` state and checkpoints are interchangeable.
 * The update runs on a WebAssembly SIMD pass where WebAssembly SIMD runs, else on the loop of
 * {@link HostAdam.applyLoop}: the same bits. The pass and the moments live in `wasm-optim.ts`'s module (θ and
 * the gradient are copied in, θ back), or, with `options.gemm`, in that `WasmGemm`'s memory: then θ and a
 * gradient that are views of it (resident vectors) are updated in place, and the pass is shared with the
 * helper thread.
 */
export class HostAdam {
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  private stepCount = 0;
  private readonly home: AdamHome;
  /** Float offsets of copies of a θ and a gradient that are not resident in the `WasmGemm` (allocated when first needed). */
  private copiesAt: { theta: number; grad: number } | undefined;

  /** `options.simd: false` keeps the update on the JavaScript loop (tests compare the two). */
  constructor(
    readonly size: number,
    options: AdamOptions & { simd?: boolean; gemm?: WasmGemm } = {},
  ) {
    ({ beta1: this.beta1, beta2: this.beta2, eps: this.eps } = resolveAdamOptions(options));
    this.home = HostAdam.homeFor(size, options);
  }

  /** The loop's plain arrays (`simd: false`, or no WebAssembly SIMD), the given `WasmGemm`'s memory, or the optimizer module's. */
  private static homeFor(size: number, options: { simd?: boolean; gemm?: WasmGemm }): AdamHome {
    if (options.simd === false) return { kind: 'loop', m: new Float32Array(size), v: new Float32Array(size) };
    const gemm = options.gemm;
    if (gemm !== undefined) return { kind: 'gemm', gemm, mAt: gemm.allocate(size), vAt: gemm.allocate(size) };
    // Moments, θ (float32) and the gradient (float64, 8-byte aligned).
    const thetaAt = 8 * size;
    const gradAt = 8 * Math.ceil((12 * size) / 8);
    const kernels = optimKernels(gradAt + 8 * size);
    if (kernels === undefined) return { kind: 'loop', m: new Float32Array(size), v: new Float32Array(size) };
    const buffer = kernels.memory.buffer;
    return { kind: 'optim', kernels, m: new Float32Array(buffer, 0, size), v: new Float32Array(buffer, 4 * size, size), thetaAt, gradAt };
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
    const n = this.size;
    const pairs = n >> 1;
    const home = this.home;
    if (home.kind === 'loop') {
      this.applyLoop(theta, grad, 0, stepSize, vScale);
      return;
    }
    if (home.kind === 'optim') {
      const buffer = home.kernels.memory.buffer;
      const thetaCopy = new Float32Array(buffer, home.thetaAt, n);
      thetaCopy.set(theta);
      new Float64Array(buffer, home.gradAt, n).set(grad);
      home.kernels.adam(home.thetaAt, home.gradAt, 0, 4 * n, pairs, b1, 1 - b1, b2, 1 - b2, stepSize, vScale, this.eps);
      theta.set(thetaCopy.subarray(0, 2 * pairs));
    } else {
      const gemm = home.gemm;
      const residentTheta = gemm.holds(theta);
      const residentGrad = gemm.holds(grad);
      let thetaAt = theta.byteOffset / 4;
      let gradAt = grad.byteOffset / 4;
      if (!residentTheta || !residentGrad) {
        this.copiesAt ??= { theta: gemm.allocate(n), grad: gemm.allocate(2 * n) };
        if (!residentTheta) gemm.f32.set(theta, (thetaAt = this.copiesAt.theta));
        if (!residentGrad) gemm.f64.set(grad, (gradAt = this.copiesAt.grad) / 2);
      }
      gemm.adam(thetaAt, gradAt, home.mAt, home.vAt, pairs, [b1, 1 - b1, b2, 1 - b2, stepSize, vScale, this.eps]);
      if (!residentTheta) theta.set(gemm.f32.subarray(thetaAt, thetaAt + 2 * pairs));
    }
    this.applyLoop(theta, grad, 2 * pairs, stepSize, vScale);
  }

  /** The moments (views of where they live: valid until the next update). */
  private moments(): { m: Float32Array; v: Float32Array } {
    const home = this.home;
    if (home.kind !== 'gemm') return home;
    const f = home.gemm.f32;
    return { m: f.subarray(home.mAt, home.mAt + this.size), v: f.subarray(home.vAt, home.vAt + this.size) };
  }

  /** The update of parameters `[from, size)` as a loop (all of them without the SIMD pass; the odd last one with it). */
  private applyLoop(theta: Float32Array, grad: Float64Array, from: number, stepSize: number, vScale: number): void {
    const b1 = this.beta1;
    const b2 = this.beta2;
    const eps = this.eps;
    const { m, v } = this.moments();
    for (let k = from; k < this.size; k++) {
      const g = grad[k];
      const mk = (m[k] = b1 * m[k] + (1 - b1) * g);
      const vk = (v[k] = b2 * v[k] + (1 - b2) * g * g);
      theta[k] -= (stepSize * mk) / (Math.sqrt(vk) * vScale + eps);
    }
  }

  /** The optimizer's state (copies). */
  getState(): AdamState {
    const { m, v } = this.moments();
    return { step: this.stepCount, m: m.slice(), v: v.slice() };
  }

  /** Restores a state from {@link HostAdam.getState} or `FlatAdam.getState`. */
  setState(state: AdamState): void {
    if (state.m.length !== this.size || state.v.length !== this.size || !Number.isInteger(state.step) || state.step < 0) {
      throw new RangeError(`Adam.setState: expected moments of ${this.size} values and a step count >= 0`);
    }
    this.stepCount = state.step;
    const { m, v } = this.moments();
    m.set(state.m);
    v.set(state.v);
  }
}
