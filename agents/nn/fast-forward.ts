import type { Mlp } from './mlp.js';
import type { ParamLayout } from './param-layout.js';

/**
 * The acting fast path: an MLP forward pass as plain typed-array loops over a host copy of the weights.
 * For the tiny networks of RL a tfjs call costs tens of microseconds of dispatch, while these loops
 * take a few; the host copy is refreshed from the tfjs variable after every update. Scratch buffers are
 * allocated once per batch size, so acting allocates nothing.
 */
export class FastMlp {
  private readonly kernels: Float32Array[] = [];
  private readonly biases: Float32Array[] = [];
  private scratch: Float64Array[] = [];
  private scratchBatch = 0;

  constructor(
    readonly mlp: Mlp,
    layout: ParamLayout,
    values: Float32Array,
  ) {
    for (const layer of mlp.layers) {
      this.kernels.push(layout.view(values, layer.kernel));
      this.biases.push(layout.view(values, layer.bias));
    }
  }

  /**
   * Forward pass of `batch` rows of `input` (row-major `[batch, inputSize]`); writes `[batch, outputSize]`
   * into `out` (allocated when not given) and returns it. Computes in float64 from float32 weights.
   */
  forward(input: ArrayLike<number>, batch: number, out: Float64Array = new Float64Array(batch * this.mlp.outputSize)): Float64Array {
    if (this.scratchBatch < batch) {
      this.scratch = this.mlp.layers.map((l) => new Float64Array(batch * l.fanOut));
      this.scratchBatch = batch;
    }
    const layers = this.mlp.layers;
    const relu = this.mlp.activation === 'relu';
    let x: ArrayLike<number> = input;
    for (let l = 0; l < layers.length; l++) {
      const { fanIn, fanOut } = layers[l];
      const w = this.kernels[l];
      const b = this.biases[l];
      const isLast = l + 1 === layers.length;
      const y = isLast ? out : this.scratch[l];
      for (let r = 0; r < batch; r++) {
        const yo = r * fanOut;
        for (let j = 0; j < fanOut; j++) y[yo + j] = b[j];
        const xo = r * fanIn;
        for (let i = 0; i < fanIn; i++) {
          const xi = x[xo + i];
          if (xi === 0) continue;
          const wo = i * fanOut;
          for (let j = 0; j < fanOut; j++) y[yo + j] += xi * w[wo + j];
        }
        if (!isLast) {
          if (relu) for (let j = 0; j < fanOut; j++) y[yo + j] = y[yo + j] > 0 ? y[yo + j] : 0;
          else for (let j = 0; j < fanOut; j++) y[yo + j] = Math.tanh(y[yo + j]);
        }
      }
      x = y;
    }
    return out;
  }
}
