import type { BackendName } from '../backend.js';
import type { Mlp } from '../nn/mlp.js';

/**
 * Whether an agent's gradient steps should run on tfjs (true) or on the typed-array engine (false) for an
 * `engine` request: `tfjs` and `typed-array` are obeyed; `auto` picks tfjs on the native backends (node,
 * node-gpu: libtensorflow's multithreaded kernels, or the GPU) and the typed-array engine on `cpu` and
 * `wasm`. Measured on a 2-core EPYC (CPU time per gradient step, typed-array engine with its WebAssembly
 * SIMD products vs tfjs on wasm): PPO 64-64 at batch 64 0.5 vs 4.6 ms, at batch 256 1.8 vs 9.3 ms; DQN
 * [256, 256] at batch 64 3.3 vs 22 ms; a [400, 300] Q-network at batch 256 23 vs 92 ms. tfjs's wasm
 * matMul ran at ≈ 0.4 GFLOP/s here (11 ms for 64×256·256×256, 50 ms transposed), below scalar loops.
 * `nets` and `batchSize` are kept for a size rule should a backend need one.
 */
export function usesTfjsEngine(request: 'auto' | 'typed-array' | 'tfjs', backend: BackendName | undefined, nets: readonly Mlp[], batchSize: number): boolean {
  void nets;
  void batchSize;
  if (request !== 'auto') return request === 'tfjs';
  return backend === 'node' || backend === 'node-gpu';
}
