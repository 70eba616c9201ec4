import { name, section } from './wasm-encoding.js';
import { ADAM_TYPE, adamBody, POLYAK_TYPE, polyakBody, type AdamFn, type PolyakFn } from './wasm-optim-code.js';
import { wasm, type WasmMemory } from './wasm-kernels.js';

/**
 * The optimizer's element-wise passes — Adam's update and the Polyak average of target networks — as
 * WebAssembly SIMD over pairs of float64 lanes. They compute exactly what the JavaScript loops compute
 * (each float32 value promoted to float64, the same operations in the same order, IEEE-rounded, then
 * rounded to float32 as `Math.fround` does), so swapping one for the other changes no bit of training;
 * the loops are bound by one square root and one division per parameter, which run on two lanes at once
 * here. A [400, 300] actor-critic has 2 × 122k parameters, which the JavaScript loops update in ≈ 1.5 ms
 * per gradient step. This is their module of its own, on its own memory (`HostAdam`'s default home and
 * `polyakUpdate`'s scratch); the products' module carries the same code (`wasm-optim-code.ts`) for vectors
 * that live in a `WasmGemm`'s memory.
 */

/** The module's functions on one memory. */
export interface OptimKernels {
  readonly memory: WasmMemory;
  readonly adam: AdamFn;
  readonly polyak: PolyakFn;
}

let compiled: object | null | undefined;

/** A fresh instance on its own memory of `bytes` bytes (rounded up to pages), or undefined without WebAssembly SIMD. */
export function optimKernels(bytes: number): OptimKernels | undefined {
  if (compiled === undefined) {
    try {
      compiled = new wasm.Module(moduleBytes());
    } catch {
      compiled = null;
    }
  }
  if (compiled === null) return undefined;
  const memory = new wasm.Memory({ initial: Math.max(1, Math.ceil(bytes / 65536)) });
  const instance = new wasm.Instance(compiled, { env: { mem: memory } });
  return { memory, adam: instance.exports.adam as AdamFn, polyak: instance.exports.polyak as PolyakFn };
}

/** {@link polyakUpdate}'s scratch instance: undefined until first used, null where the module does not compile. */
let polyakScratch: OptimKernels | null | undefined;

/**
 * θ' ← (1 − τ) θ' + τ θ in place (SB3's `polyak_update`), on the SIMD pass where it runs (the two vectors are
 * copied into its memory and the result back) and as a loop otherwise; both give the same bits.
 */
export function polyakUpdate(target: Float32Array, online: Float32Array, tau: number): void {
  if (target.length !== online.length) throw new RangeError(`polyakUpdate: target has ${target.length} values, online ${online.length}`);
  const n = target.length;
  const keep = 1 - tau;
  const pairs = n >> 1;
  const kernels = polyakKernels(n);
  if (kernels === undefined) {
    polyakLoop(target, online, keep, tau, 0);
    return;
  }
  const f = new Float32Array(kernels.memory.buffer, 0, 2 * n);
  f.set(target, 0);
  f.set(online, n);
  kernels.polyak(0, 4 * n, pairs, keep, tau);
  target.set(f.subarray(0, 2 * pairs));
  polyakLoop(target, online, keep, tau, 2 * pairs);
}

/** The Polyak average of elements `[from, n)` as a loop (all of them without the SIMD pass; the odd last one with it). */
export function polyakLoop(target: Float32Array, online: Float32Array, keep: number, tau: number, from: number): void {
  for (let k = from; k < target.length; k++) target[k] = keep * target[k] + tau * online[k];
}

/** The shared scratch instance for {@link polyakUpdate}, regrown (replaced) when a larger network needs it. */
function polyakKernels(n: number): OptimKernels | undefined {
  if (polyakScratch === null) return undefined;
  if (polyakScratch === undefined || polyakScratch.memory.buffer.byteLength < 8 * n) polyakScratch = optimKernels(8 * n) ?? null;
  return polyakScratch ?? undefined;
}

function moduleBytes(): Uint8Array {
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [2, ...ADAM_TYPE, ...POLYAK_TYPE]),
    ...section(2, [1, ...name('env'), ...name('mem'), 0x02, 0x00, 1]),
    ...section(3, [2, 0, 1]),
    ...section(7, [2, ...name('adam'), 0x00, 0, ...name('polyak'), 0x00, 1]),
    ...section(10, [2, ...adamBody(), ...polyakBody()]),
  ]);
}
