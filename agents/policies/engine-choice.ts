import type { BackendName } from '../backend.js';
import type { Mlp } from '../nn/mlp.js';

/**
 * Multiply-adds per minibatch (forward pass of every trained network, summed over the batch) from which
 * `auto` trains PPO and DQN on tfjs's wasm backend rather than on typed-array loops. Set from
 * measurements on a 2-core EPYC (CPU time per step): DQN [256, 256] at batch 64 (4.3 M) takes 12.6 ms as
 * loops vs 22 ms on wasm, PPO 64-64 at batch 256 (2.3 M) 6.3 ms vs 9.2 ms, while DDPG [400, 300] at batch
 * 256 (31 M per critic) takes 380 ms as loops vs 180 ms on wasm (see `DDPGOptions.engine`): XNNPACK's SIMD
 * matMuls overtake the scalar loops once the matrices are large enough to amortise tfjs's per-kernel dispatch.
 */
export const WASM_TFJS_MIN_BATCH_MACS = 16_000_000;

/** Multiply-adds of one forward pass of `mlp` on one row. */
export function mlpMacs(mlp: Mlp): number {
  return mlp.layers.reduce((sum, l) => sum + l.fanIn * l.fanOut, 0);
}

/**
 * Whether an agent's gradient steps should run on tfjs (true) or on typed-array loops (false) for an
 * `engine` request: `tfjs` and `typed-array` are obeyed; `auto` picks tfjs on the native backends (node,
 * node-gpu: libtensorflow's kernels beat JavaScript loops at every size), typed arrays on the pure-JS `cpu`
 * backend (its kernels are JavaScript loops plus dispatch), and on `wasm` tfjs only from
 * {@link WASM_TFJS_MIN_BATCH_MACS} multiply-adds per minibatch.
 */
export function usesTfjsEngine(request: 'auto' | 'typed-array' | 'tfjs', backend: BackendName | undefined, nets: readonly Mlp[], batchSize: number): boolean {
  if (request !== 'auto') return request === 'tfjs';
  if (backend === 'node' || backend === 'node-gpu') return true;
  if (backend !== 'wasm') return false;
  const macs = nets.reduce((sum, n) => sum + mlpMacs(n), 0) * batchSize;
  return macs >= WASM_TFJS_MIN_BATCH_MACS;
}
