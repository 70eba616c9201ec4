import type { Mlp } from './mlp.js';
import type { ParamLayout } from './param-layout.js';

/**
 * An MLP's forward and backward passes as plain typed-array loops over the host copy of a flat parameter
 * vector, in float64: the reference implementation of the typed-array engines' contract. Training uses the
 * faster `TiledMlp` and `WasmMlp` (through `createTrainableMlp`); the tests check both against this one, which
 * is kept simple on purpose so that it stays an independent check (it is itself checked against tfjs's
 * gradients and finite differences). Loops are blocked by four along the reduced dimension.
 *
 * `forward` keeps every layer's output for the `backward` that follows; `backward` adds the parameter
 * gradients into a float64 vector laid out like the parameters and, when asked, writes the gradient of the
 * input. Arithmetic is float64 on float32 weights.
 */
export class HostMlp {
  private readonly kernelOffsets: number[];
  private readonly biasOffsets: number[];
  /** outputs[l]: output of layer l (post-activation for hidden layers), `[batch × fanOut]`. */
  private outputs: Float64Array[] = [];
  private deltas: Float64Array[] = [];
  private capacity = 0;
  private input: ArrayLike<number> = new Float64Array(0);
  private batch = 0;

  constructor(
    readonly mlp: Mlp,
    layout: ParamLayout,
  ) {
    this.kernelOffsets = mlp.layers.map((l) => layout.entry(l.kernel).offset);
    this.biasOffsets = mlp.layers.map((l) => layout.entry(l.bias).offset);
  }

  /** Forward pass of `batch` rows of `input` (`[batch × inputSize]`); returns the output `[batch × outputSize]` (reused by the next call). */
  forward(theta: Float32Array, input: ArrayLike<number>, batch: number): Float64Array {
    this.ensure(batch);
    this.input = input;
    this.batch = batch;
    const layers = this.mlp.layers;
    const relu = this.mlp.activation === 'relu';
    let x: ArrayLike<number> = input;
    for (let l = 0; l < layers.length; l++) {
      const { fanIn, fanOut } = layers[l];
      const y = this.outputs[l];
      denseForward(theta, this.kernelOffsets[l], this.biasOffsets[l], x, y, batch, fanIn, fanOut);
      if (l + 1 < layers.length) {
        const n = batch * fanOut;
        if (relu) for (let k = 0; k < n; k++) y[k] = y[k] > 0 ? y[k] : 0;
        else for (let k = 0; k < n; k++) y[k] = Math.tanh(y[k]);
      }
      x = y;
    }
    return this.outputs[layers.length - 1];
  }

  /**
   * Backward pass of the last {@link forward}: given `dOut` (`[batch × outputSize]`, the loss's gradient
   * with respect to the output), adds the parameter gradients into `grads` (same layout as the
   * parameters; pass null to skip them) and writes the input's gradient into `dInput` when given.
   */
  backward(theta: Float32Array, dOut: Float64Array, grads: Float64Array | null, dInput: Float64Array | null): void {
    const layers = this.mlp.layers;
    const batch = this.batch;
    const relu = this.mlp.activation === 'relu';
    let dy: Float64Array = dOut;
    for (let l = layers.length - 1; l >= 0; l--) {
      const { fanIn, fanOut } = layers[l];
      const x = l === 0 ? this.input : this.outputs[l - 1];
      if (grads !== null) accumulateWeightGrad(x, dy, grads, this.kernelOffsets[l], this.biasOffsets[l], batch, fanIn, fanOut);
      if (l === 0) {
        if (dInput !== null) inputGrad(theta, this.kernelOffsets[0], dy, dInput, batch, fanIn, fanOut);
        break;
      }
      const dx = this.deltas[l - 1];
      inputGrad(theta, this.kernelOffsets[l], dy, dx, batch, fanIn, fanOut);
      // Through the activation of layer l − 1, from its stored output.
      const h = this.outputs[l - 1];
      const n = batch * fanIn;
      if (relu) for (let k = 0; k < n; k++) dx[k] = h[k] > 0 ? dx[k] : 0;
      else for (let k = 0; k < n; k++) dx[k] *= 1 - h[k] * h[k];
      dy = dx;
    }
  }

  private ensure(batch: number): void {
    if (batch <= this.capacity) return;
    this.outputs = this.mlp.layers.map((l) => new Float64Array(batch * l.fanOut));
    this.deltas = this.mlp.layers.map((l) => new Float64Array(batch * l.fanOut));
    this.capacity = batch;
  }
}

/** y[b, :] = bias + Σ_i x[b, i] W[i, :], blocked by four inputs. */
function denseForward(theta: Float32Array, wOff: number, bOff: number, x: ArrayLike<number>, y: Float64Array, batch: number, fanIn: number, fanOut: number): void {
  for (let b = 0; b < batch; b++) {
    const yo = b * fanOut;
    const xo = b * fanIn;
    for (let j = 0; j < fanOut; j++) y[yo + j] = theta[bOff + j];
    let i = 0;
    for (; i + 3 < fanIn; i += 4) {
      const x0 = x[xo + i];
      const x1 = x[xo + i + 1];
      const x2 = x[xo + i + 2];
      const x3 = x[xo + i + 3];
      if (x0 === 0 && x1 === 0 && x2 === 0 && x3 === 0) continue;
      const w0 = wOff + i * fanOut;
      const w1 = w0 + fanOut;
      const w2 = w1 + fanOut;
      const w3 = w2 + fanOut;
      for (let j = 0; j < fanOut; j++) y[yo + j] += x0 * theta[w0 + j] + x1 * theta[w1 + j] + x2 * theta[w2 + j] + x3 * theta[w3 + j];
    }
    for (; i < fanIn; i++) {
      const xi = x[xo + i];
      if (xi === 0) continue;
      const w0 = wOff + i * fanOut;
      for (let j = 0; j < fanOut; j++) y[yo + j] += xi * theta[w0 + j];
    }
  }
}

/** dW[i, :] += Σ_b x[b, i] dy[b, :] and db += Σ_b dy[b, :], blocked by four rows. */
function accumulateWeightGrad(x: ArrayLike<number>, dy: Float64Array, grads: Float64Array, wOff: number, bOff: number, batch: number, fanIn: number, fanOut: number): void {
  let b = 0;
  for (; b + 3 < batch; b += 4) {
    const d0 = b * fanOut;
    const d1 = d0 + fanOut;
    const d2 = d1 + fanOut;
    const d3 = d2 + fanOut;
    for (let j = 0; j < fanOut; j++) grads[bOff + j] += dy[d0 + j] + dy[d1 + j] + dy[d2 + j] + dy[d3 + j];
    for (let i = 0; i < fanIn; i++) {
      const x0 = x[b * fanIn + i];
      const x1 = x[(b + 1) * fanIn + i];
      const x2 = x[(b + 2) * fanIn + i];
      const x3 = x[(b + 3) * fanIn + i];
      if (x0 === 0 && x1 === 0 && x2 === 0 && x3 === 0) continue;
      const g = wOff + i * fanOut;
      for (let j = 0; j < fanOut; j++) grads[g + j] += x0 * dy[d0 + j] + x1 * dy[d1 + j] + x2 * dy[d2 + j] + x3 * dy[d3 + j];
    }
  }
  for (; b < batch; b++) {
    const d0 = b * fanOut;
    for (let j = 0; j < fanOut; j++) grads[bOff + j] += dy[d0 + j];
    for (let i = 0; i < fanIn; i++) {
      const x0 = x[b * fanIn + i];
      if (x0 === 0) continue;
      const g = wOff + i * fanOut;
      for (let j = 0; j < fanOut; j++) grads[g + j] += x0 * dy[d0 + j];
    }
  }
}

/** dx[b, i] = Σ_j dy[b, j] W[i, j], four inputs at a time (dot products kept in registers). */
function inputGrad(theta: Float32Array, wOff: number, dy: Float64Array, dx: Float64Array, batch: number, fanIn: number, fanOut: number): void {
  for (let b = 0; b < batch; b++) {
    const d0 = b * fanOut;
    const xo = b * fanIn;
    let i = 0;
    for (; i + 3 < fanIn; i += 4) {
      const w0 = wOff + i * fanOut;
      const w1 = w0 + fanOut;
      const w2 = w1 + fanOut;
      const w3 = w2 + fanOut;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let j = 0; j < fanOut; j++) {
        const g = dy[d0 + j];
        s0 += g * theta[w0 + j];
        s1 += g * theta[w1 + j];
        s2 += g * theta[w2 + j];
        s3 += g * theta[w3 + j];
      }
      dx[xo + i] = s0;
      dx[xo + i + 1] = s1;
      dx[xo + i + 2] = s2;
      dx[xo + i + 3] = s3;
    }
    for (; i < fanIn; i++) {
      const w0 = wOff + i * fanOut;
      let s = 0;
      for (let j = 0; j < fanOut; j++) s += dy[d0 + j] * theta[w0 + j];
      dx[xo + i] = s;
    }
  }
}
