import {
  BLOCK_LOOP,
  END_LOOP,
  F64,
  I32,
  V128,
  f32x4DemoteF64x2Zero,
  f64x2Add,
  f64x2Div,
  f64x2Mul,
  f64x2PromoteLowF32x4,
  f64x2Splat,
  f64x2Sqrt,
  f64x2Sub,
  funcBody,
  get,
  i32,
  i32Add,
  i32GeS,
  name,
  section,
  set,
  v128Load,
  v128Load64Zero,
  v128Store64Lane0,
} from './wasm-encoding.js';
import { wasm, type WasmMemory } from './wasm-kernels.js';

/**
 * The optimizer's element-wise passes — Adam's update and the Polyak average of target networks — as
 * WebAssembly SIMD over pairs of float64 lanes. They compute exactly what the JavaScript loops compute
 * (each float32 value promoted to float64, the same operations in the same order, IEEE-rounded, then
 * rounded to float32 as `Math.fround` does), so swapping one for the other changes no bit of training;
 * the loops are bound by one square root and one division per parameter, which run on two lanes at once
 * here. A [400, 300] actor-critic has 2 × 122k parameters, which the JavaScript loops update in ≈ 1.5 ms
 * per gradient step.
 */

/** `adam(theta, grad, m, v, pairs, β1, 1−β1, β2, 1−β2, stepSize, vScale, ε)`: byte addresses (θ, m, v float32; grad float64), then the constants. */
type AdamFn = (theta: number, grad: number, m: number, v: number, pairs: number, b1: number, omb1: number, b2: number, omb2: number, stepSize: number, vScale: number, eps: number) => void;
/** `polyak(target, online, pairs, 1−τ, τ)`: float32 vectors at byte addresses. */
type PolyakFn = (target: number, online: number, pairs: number, keep: number, tau: number) => void;

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
function polyakLoop(target: Float32Array, online: Float32Array, keep: number, tau: number, from: number): void {
  for (let k = from; k < target.length; k++) target[k] = keep * target[k] + tau * online[k];
}

/** The shared scratch instance for {@link polyakUpdate}, regrown (replaced) when a larger network needs it. */
function polyakKernels(n: number): OptimKernels | undefined {
  if (polyakScratch === null) return undefined;
  if (polyakScratch === undefined || polyakScratch.memory.buffer.byteLength < 8 * n) polyakScratch = optimKernels(8 * n) ?? null;
  return polyakScratch ?? undefined;
}

/**
 * Adam's loop body on two parameters at a time, in `HostAdam.apply`'s order:
 * `m ← β1·m + (1−β1)·g`, `v ← β2·v + ((1−β2)·g)·g` (stored rounded to float32, used unrounded),
 * `θ ← θ − (stepSize·m) / (√v·vScale + ε)`.
 */
function adamBody(): number[] {
  const [TH, G, M, V, N, B1, OMB1, B2, OMB2, SS, VS, EPS] = Array.from({ length: 12 }, (_, k) => k);
  const [i, g, mk, vk] = [12, 13, 14, 15];
  const splat = (local: number) => [...get(local), ...f64x2Splat];
  const advance = (ptr: number, bytes: number) => [...get(ptr), ...i32(bytes), ...i32Add, ...set(ptr)];
  const code = [
    ...i32(0), ...set(i),
    ...BLOCK_LOOP,
    ...get(i), ...get(N), ...i32GeS, 0x0d, 1,
    ...get(G), ...v128Load(0), ...set(g),
    ...splat(B1), ...get(M), ...v128Load64Zero(0), ...f64x2PromoteLowF32x4, ...f64x2Mul,
    ...splat(OMB1), ...get(g), ...f64x2Mul, ...f64x2Add, ...set(mk),
    ...splat(B2), ...get(V), ...v128Load64Zero(0), ...f64x2PromoteLowF32x4, ...f64x2Mul,
    ...splat(OMB2), ...get(g), ...f64x2Mul, ...get(g), ...f64x2Mul, ...f64x2Add, ...set(vk),
    ...get(M), ...get(mk), ...f32x4DemoteF64x2Zero, ...v128Store64Lane0(0),
    ...get(V), ...get(vk), ...f32x4DemoteF64x2Zero, ...v128Store64Lane0(0),
    ...get(TH),
    ...get(TH), ...v128Load64Zero(0), ...f64x2PromoteLowF32x4,
    ...splat(SS), ...get(mk), ...f64x2Mul,
    ...get(vk), ...f64x2Sqrt, ...splat(VS), ...f64x2Mul, ...splat(EPS), ...f64x2Add,
    ...f64x2Div, ...f64x2Sub, ...f32x4DemoteF64x2Zero, ...v128Store64Lane0(0),
    ...advance(TH, 8), ...advance(G, 16), ...advance(M, 8), ...advance(V, 8),
    ...advance(i, 1),
    ...END_LOOP,
  ];
  return funcBody([[1, I32], [3, V128]], code);
}

/** The Polyak average on two parameters at a time: `t ← keep·t + τ·o`. */
function polyakBody(): number[] {
  const [T, O, N, KEEP, TAU, i] = [0, 1, 2, 3, 4, 5];
  const code = [
    ...i32(0), ...set(i),
    ...BLOCK_LOOP,
    ...get(i), ...get(N), ...i32GeS, 0x0d, 1,
    ...get(T),
    ...get(KEEP), ...f64x2Splat, ...get(T), ...v128Load64Zero(0), ...f64x2PromoteLowF32x4, ...f64x2Mul,
    ...get(TAU), ...f64x2Splat, ...get(O), ...v128Load64Zero(0), ...f64x2PromoteLowF32x4, ...f64x2Mul,
    ...f64x2Add, ...f32x4DemoteF64x2Zero, ...v128Store64Lane0(0),
    ...get(T), ...i32(8), ...i32Add, ...set(T),
    ...get(O), ...i32(8), ...i32Add, ...set(O),
    ...get(i), ...i32(1), ...i32Add, ...set(i),
    ...END_LOOP,
  ];
  return funcBody([[1, I32]], code);
}

function moduleBytes(): Uint8Array {
  const adamType = [0x60, 12, I32, I32, I32, I32, I32, F64, F64, F64, F64, F64, F64, F64, 0];
  const polyakType = [0x60, 5, I32, I32, I32, F64, F64, 0];
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [2, ...adamType, ...polyakType]),
    ...section(2, [1, ...name('env'), ...name('mem'), 0x02, 0x00, 1]),
    ...section(3, [2, 0, 1]),
    ...section(7, [2, ...name('adam'), 0x00, 0, ...name('polyak'), 0x00, 1]),
    ...section(10, [2, ...adamBody(), ...polyakBody()]),
  ]);
}
