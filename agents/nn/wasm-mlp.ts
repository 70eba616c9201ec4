import type { Mlp } from './mlp.js';
import type { ParamLayout } from './param-layout.js';
import { fastTanh, TiledMlp } from './tiled-mlp.js';
import { WasmGemm } from './wasm-gemm.js';

/** What the typed-array training engines need of an MLP: `HostMlp`'s contract. */
export interface TrainableMlp {
  /** Forward pass of `batch` rows; returns `[batch × outputSize]` (reused by the next call). */
  forward(theta: Float32Array, input: ArrayLike<number>, batch: number): Float64Array;
  /** Backward pass of the last forward: adds parameter gradients into `grads`, writes the input gradient into `dInput`. */
  backward(theta: Float32Array, dOut: Float64Array, grads: Float64Array | null, dInput: Float64Array | null): void;
  /** Makes room for batches of up to `batch` rows now, where the engine has memory to grow (optional). */
  reserve?(batch: number): void;
}

/**
 * The fastest trainable MLP this runtime offers: {@link WasmMlp} where WebAssembly SIMD runs (on `gemm`, by
 * default a kernel with its own memory), else `TiledMlp`.
 */
export function createTrainableMlp(mlp: Mlp, layout: ParamLayout, gemm: WasmGemm | undefined = WasmGemm.create()): TrainableMlp {
  return gemm === undefined ? new TiledMlp(mlp, layout) : new WasmMlp(mlp, layout, gemm);
}

/**
 * Whether a ReLU {@link WasmMlp} skips its operands' zeros by default: yes, unless the environment variable
 * `FLASH_GYM_SKIP_ZEROS=0` (for comparing with the dense products: the results are the same bits).
 */
export function skipZerosByDefault(): boolean {
  const setting = process.env.FLASH_GYM_SKIP_ZEROS;
  if (setting !== undefined && setting !== '' && setting !== '0' && setting !== '1') throw new Error(`FLASH_GYM_SKIP_ZEROS must be 0 or 1, got "${setting}"`);
  return setting !== '0';
}

/**
 * An MLP trained in float32 (like torch and tfjs) with its matrix products on the WebAssembly SIMD kernel
 * of {@link WasmGemm}: forward `Y = 1·b + X·W` (the kernels start every row from the bias), then the
 * activation; weight gradient `dW = Xᵀ·dY` (X read in place as a transposed operand) and input gradient
 * `dX = dY·Wᵀ` (Wᵀ written by the SIMD transpose, a small fraction of the product's work), both started from a
 * row of zeros rather than a filled C; output columns beyond the last multiple of 4 (all of a 1- or 2-unit head) run as scalar
 * loops inside `WasmGemm.gemm`. ReLU and its backward mask run as SIMD passes (branch-free: the JavaScript
 * `x > 0 ? x : 0` mispredicted on about half the units).
 * Its parameters are copied into the module's memory at each forward pass — unless the vector it is given is a
 * view of that memory (a resident vector, which `HostTd3Updater` keeps there with its gradients and Adam's
 * moments), which it reads in place; a gradient vector that is such a view is accumulated by a SIMD pass.
 * Activations and deltas stay in the memory.
 *
 * In a ReLU net, about half of every hidden layer's output is zero, and so is the gradient masked by it (in a
 * trained DDPG actor, up to 95% of the second layer's). The products whose A operand is one of those — the
 * forward pass of every layer after the first, the weight gradient dW = Xᵀ·dY of those layers, and the input
 * gradient dX = dY·Wᵀ of every hidden layer — skip A's zeros on `WasmGemm`'s sparse kernels (`skipZeros`, on by
 * default), with the same bits as the dense products.
 */
export class WasmMlp implements TrainableMlp {
  private readonly kernelOffsets: number[];
  private readonly biasOffsets: number[];
  private readonly thetaSize: number;
  /** The span `[ownFirst, ownEnd)` of the parameter vector that holds this net's parameters (copied at each forward pass). */
  private readonly ownFirst: number;
  private readonly ownEnd: number;
  private capacity = 0;
  private batch = 0;
  /** Float offset of this net's own copy of the parameter vector (used when the vector it is given lives elsewhere). */
  private readonly thetaAt: number;
  /** Float offset of the parameter vector the last forward pass read: {@link thetaAt}, or a resident vector's. */
  private base = 0;
  /** Float offsets in the kernel's memory. */
  private xOff = 0;
  private yOffs: number[] = [];
  private dOffs: number[] = [];
  private dInOff = 0;
  private tOff = 0;
  private gOff = 0;
  /** A row of zeros as wide as the widest layer: where dW and dX products start from. */
  private zeroOff = 0;
  /** Whether the products with a ReLU operand skip its zeros (never in a tanh net). */
  private readonly skipZeros: boolean;
  /** Scratch for the products that skip a ReLU operand's zeros. */
  private sparseOff = 0;
  private out = new Float64Array(0);

  constructor(
    readonly mlp: Mlp,
    layout: ParamLayout,
    private readonly gemm: WasmGemm,
    options: { readonly skipZeros?: boolean } = {},
  ) {
    this.skipZeros = mlp.activation === 'relu' && (options.skipZeros ?? skipZerosByDefault());
    this.kernelOffsets = mlp.layers.map((l) => layout.entry(l.kernel).offset);
    this.biasOffsets = mlp.layers.map((l) => layout.entry(l.bias).offset);
    this.thetaSize = layout.size;
    // Its own parameters' span of the vector: a TD3 critic's vector holds both critics, and copying the other's cost ~0.25 ms a step.
    this.ownFirst = Math.min(...this.kernelOffsets, ...this.biasOffsets);
    this.ownEnd = Math.max(...mlp.layers.map((l, i) => Math.max(this.kernelOffsets[i] + l.fanIn * l.fanOut, this.biasOffsets[i] + l.fanOut)));
    this.thetaAt = gemm.allocate(this.thetaSize);
  }

  forward(theta: Float32Array, input: ArrayLike<number>, batch: number): Float64Array {
    this.reserve(batch);
    this.batch = batch;
    const f = this.gemm.f32;
    if (this.gemm.holds(theta)) {
      // The parameters already live in the kernels' memory (a resident vector): read them in place.
      this.base = theta.byteOffset / 4;
    } else {
      this.base = this.thetaAt;
      f.set(theta.subarray(this.ownFirst, this.ownEnd), this.thetaAt + this.ownFirst);
    }
    const nIn = batch * this.mlp.inputSize;
    for (let k = 0; k < nIn; k++) f[this.xOff + k] = input[k];
    const layers = this.mlp.layers;
    const relu = this.mlp.activation === 'relu';
    let x = this.xOff;
    for (let l = 0; l < layers.length; l++) {
      const { fanIn, fanOut } = layers[l];
      const y = this.yOffs[l];
      const w = this.base + this.kernelOffsets[l];
      const bias = this.base + this.biasOffsets[l];
      this.gemm.gemm(x, w, y, batch, fanIn, fanOut, bias, this.sparseFor(l > 0));
      if (l + 1 < layers.length) {
        const n = batch * fanOut;
        if (relu) this.gemm.relu(y, n);
        else for (let k = y; k < y + n; k++) f[k] = fastTanh(f[k]);
      }
      x = y;
    }
    const last = this.yOffs[layers.length - 1];
    const n = batch * this.mlp.outputSize;
    for (let k = 0; k < n; k++) this.out[k] = f[last + k];
    return this.out;
  }

  backward(_theta: Float32Array, dOut: Float64Array, grads: Float64Array | null, dInput: Float64Array | null): void {
    // The parameters are where the last forward pass read them (this.base).
    const layers = this.mlp.layers;
    const B = this.batch;
    const relu = this.mlp.activation === 'relu';
    const gemm = this.gemm;
    const f = gemm.f32;
    const L = layers.length;
    const nOut = B * this.mlp.outputSize;
    for (let k = 0; k < nOut; k++) f[this.dOffs[L - 1] + k] = dOut[k];
    for (let l = L - 1; l >= 0; l--) {
      const { fanIn, fanOut } = layers[l];
      const x = l === 0 ? this.xOff : this.yOffs[l - 1];
      const d = this.dOffs[l];
      const w = this.base + this.kernelOffsets[l];
      if (grads !== null) {
        addColumnSums(f, d, B, fanOut, grads, this.biasOffsets[l]);
        // dW = Xᵀ · dY, reading X in place as the transposed operand.
        const g = this.gOff;
        gemm.gemmTransA(x, d, g, fanIn, B, fanOut, this.zeroOff, this.sparseFor(l > 0));
        const n = fanIn * fanOut;
        const at = this.kernelOffsets[l];
        if (gemm.holds(grads)) gemm.accumulate(grads.byteOffset / 4 + 2 * at, g, n);
        else for (let k = 0; k < n; k++) grads[at + k] += f[g + k];
      }
      if (l === 0 && dInput === null) break;
      // dX = dY · Wᵀ.
      const dx = l === 0 ? this.dInOff : this.dOffs[l - 1];
      const t = this.tOff;
      gemm.transpose(w, t, fanIn, fanOut);
      gemm.gemm(d, t, dx, B, fanOut, fanIn, this.zeroOff, this.sparseFor(l < L - 1));
      if (l === 0) {
        const n = B * fanIn;
        for (let k = 0; k < n; k++) (dInput as Float64Array)[k] = f[dx + k];
        break;
      }
      const h = this.yOffs[l - 1];
      const n = B * fanIn;
      if (relu) gemm.reluGrad(dx, h, n);
      else for (let k = 0; k < n; k++) f[dx + k] *= 1 - f[h + k] * f[h + k];
    }
  }

  /** The sparse products' scratch when the product's A operand is a ReLU output (or a gradient masked by one) and zeros are skipped, else undefined (dense). */
  private sparseFor(reluOperand: boolean): number | undefined {
    return reluOperand && this.skipZeros ? this.sparseOff : undefined;
  }

  /** Makes room for batches of up to `batch` rows (at the first forward pass, or earlier, so that the kernels' memory does not grow later). */
  reserve(batch: number): void {
    if (batch <= this.capacity) return;
    const layers = this.mlp.layers;
    const take = (n: number) => this.gemm.allocate(n);
    this.xOff = take(batch * this.mlp.inputSize);
    this.dInOff = take(batch * this.mlp.inputSize);
    this.yOffs = layers.map((l) => take(batch * l.fanOut));
    this.dOffs = layers.map((l) => take(batch * l.fanOut));
    const scratch = Math.max(...layers.map((l) => l.fanIn * l.fanOut));
    this.tOff = take(scratch);
    this.gOff = take(scratch);
    const widest = Math.max(...layers.map((l) => Math.max(l.fanIn, l.fanOut)));
    this.zeroOff = take(widest);
    if (this.skipZeros) {
      // A's rows and reduced dimension: a layer's input at forward (batch × fanIn), read transposed for dW (fanIn × batch), dY for dX (batch × fanOut).
      this.sparseOff = take(Math.max(...layers.map((l) => Math.max(WasmGemm.sparseScratchFloats(batch, l.fanIn), WasmGemm.sparseScratchFloats(l.fanIn, batch), WasmGemm.sparseScratchFloats(batch, l.fanOut)))));
    }
    this.gemm.f32.fill(0, this.zeroOff, this.zeroOff + widest);
    this.out = new Float64Array(batch * this.mlp.outputSize);
    this.capacity = batch;
  }
}

/**
 * `sums[at + j] += Σ_b f[d + b·width + j]` (a bias gradient: the column sums of dY), adding the rows in order
 * into each float64 total — the same additions, in the same order, as a row-by-row loop — four columns at a
 * time in registers rather than through memory.
 */
function addColumnSums(f: Float32Array, d: number, rows: number, width: number, sums: Float64Array, at: number): void {
  const w4 = width & ~3;
  for (let j = 0; j < w4; j += 4) {
    let s0 = sums[at + j];
    let s1 = sums[at + j + 1];
    let s2 = sums[at + j + 2];
    let s3 = sums[at + j + 3];
    for (let p = d + j, end = d + rows * width + j; p < end; p += width) {
      s0 += f[p];
      s1 += f[p + 1];
      s2 += f[p + 2];
      s3 += f[p + 3];
    }
    sums[at + j] = s0;
    sums[at + j + 1] = s1;
    sums[at + j + 2] = s2;
    sums[at + j + 3] = s3;
  }
  for (let j = w4; j < width; j++) {
    let s = sums[at + j];
    for (let p = d + j, end = d + rows * width + j; p < end; p += width) s += f[p];
    sums[at + j] = s;
  }
}
