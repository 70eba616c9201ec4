import type { Rng } from '../../envs/rng/rng.js';

/**
 * Weight initialisers, drawn from flash-gym's seeded {@link Rng} (never tfjs's random initialisers), so
 * that the same seed gives the same network in any process and on any backend.
 * Kernels are returned in tfjs's `[fanIn, fanOut]` layout (PyTorch stores `[fanOut, fanIn]`).
 */

/** How a dense layer's weights and biases start. */
export type InitScheme =
  /** Orthogonal kernel scaled by `gain`, zero bias: SB3's `ortho_init` (PPO/A2C policies). */
  | { readonly kind: 'orthogonal'; readonly gain: number }
  /** PyTorch's `nn.Linear` default: kernel and bias uniform in ±1/√fanIn (SB3's DQN, DDPG, TD3 nets). */
  | { readonly kind: 'torch-default' };

/**
 * An orthogonal matrix as `torch.nn.init.orthogonal_` draws it: a standard normal `fanOut × fanIn` matrix,
 * QR-factorised with the signs fixed so that R has a positive diagonal, times `gain`. Returned transposed,
 * `[fanIn, fanOut]` row-major. Uses modified Gram–Schmidt in float64 (whose R has a positive diagonal).
 */
export function orthogonalKernel(fanIn: number, fanOut: number, gain: number, rng: Rng): Float32Array {
  const rows = fanOut;
  const cols = fanIn;
  // Factorise the tall orientation: m >= n.
  const tall = rows >= cols;
  const m = tall ? rows : cols;
  const n = tall ? cols : rows;
  const a = new Float64Array(rows * cols);
  for (let i = 0; i < a.length; i++) a[i] = rng.normal();
  // Column j of the tall matrix, element i: torch's matrix is [rows, cols]; tall = it, else its transpose.
  const q = new Float64Array(m * n); // column-major: q[j * m + i]
  for (let j = 0; j < n; j++) for (let i = 0; i < m; i++) q[j * m + i] = tall ? a[i * cols + j] : a[j * cols + i];
  for (let j = 0; j < n; j++) {
    for (let k = 0; k < j; k++) {
      let dot = 0;
      for (let i = 0; i < m; i++) dot += q[k * m + i] * q[j * m + i];
      for (let i = 0; i < m; i++) q[j * m + i] -= dot * q[k * m + i];
    }
    let norm = 0;
    for (let i = 0; i < m; i++) norm += q[j * m + i] * q[j * m + i];
    norm = Math.sqrt(norm);
    if (norm === 0) throw new Error('orthogonalKernel: degenerate random matrix');
    for (let i = 0; i < m; i++) q[j * m + i] /= norm;
  }
  // torch's result W[r][c] (rows = fanOut, cols = fanIn); we return W transposed: out[c * fanOut + r].
  const out = new Float32Array(fanIn * fanOut);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const value = tall ? q[c * m + r] : q[r * m + c];
      out[c * fanOut + r] = gain * value;
    }
  }
  return out;
}

/** Fills a dense layer's kernel (`[fanIn, fanOut]`) and bias by the given scheme. */
export function initDense(fanIn: number, fanOut: number, scheme: InitScheme, rng: Rng): { kernel: Float32Array; bias: Float32Array } {
  if (scheme.kind === 'orthogonal') {
    return { kernel: orthogonalKernel(fanIn, fanOut, scheme.gain, rng), bias: new Float32Array(fanOut) };
  }
  // kaiming_uniform_(a=√5) reduces to U(−1/√fanIn, 1/√fanIn); the bias uses the same bound.
  const bound = 1 / Math.sqrt(fanIn);
  const kernel = new Float32Array(fanIn * fanOut);
  for (let i = 0; i < kernel.length; i++) kernel[i] = rng.uniform(-bound, bound);
  const bias = new Float32Array(fanOut);
  for (let i = 0; i < fanOut; i++) bias[i] = rng.uniform(-bound, bound);
  return { kernel, bias };
}
