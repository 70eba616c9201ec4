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
  set,
  v128Load,
  v128Load64Zero,
  v128Store,
  v128Store64Lane0,
} from './wasm-encoding.js';

/**
 * The code of the optimizer's element-wise WebAssembly passes, two float64 lanes at a time: Adam's update, the
 * Polyak average and the float64 accumulation of a float32 gradient. `wasm-optim.ts` builds them into a module
 * of their own, `wasm-kernels.ts` into the products' module (so a helper thread can share them). Each computes
 * what its JavaScript loop computes — float32 values promoted to float64, the same operations in the same
 * order, rounded to float32 where the loop stores into a Float32Array — so the bits are the loop's.
 */

/** `adam(theta, grad, m, v, pairs, β1, 1−β1, β2, 1−β2, stepSize, vScale, ε)`: byte addresses (θ, m, v float32; grad float64), then the constants. */
export type AdamFn = (theta: number, grad: number, m: number, v: number, pairs: number, b1: number, omb1: number, b2: number, omb2: number, stepSize: number, vScale: number, eps: number) => void;
/** `polyak(target, online, pairs, 1−τ, τ)`: float32 vectors at byte addresses. */
export type PolyakFn = (target: number, online: number, pairs: number, keep: number, tau: number) => void;

/** `accumulate(dst, src, pairs)`: float64 `dst`, float32 `src`, byte addresses. */
export type AccumulateFn = (dst: number, src: number, pairs: number) => void;

/** The functions' WebAssembly types (type-section entries). */
export const ADAM_TYPE = [0x60, 12, I32, I32, I32, I32, I32, F64, F64, F64, F64, F64, F64, F64, 0];
export const POLYAK_TYPE = [0x60, 5, I32, I32, I32, F64, F64, 0];
export const ACCUMULATE_TYPE = [0x60, 3, I32, I32, I32, 0];

/**
 * Adam's loop body on two parameters at a time, in `HostAdam.apply`'s order:
 * `m ← β1·m + (1−β1)·g`, `v ← β2·v + ((1−β2)·g)·g` (stored rounded to float32, used unrounded),
 * `θ ← θ − (stepSize·m) / (√v·vScale + ε)`.
 */
export function adamBody(): number[] {
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
export function polyakBody(): number[] {
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

/** `accumulate(dst, src, pairs)`: `dst[k] += src[k]` on float64 `dst` and float32 `src` (byte addresses), two at a time. */
export function accumulateBody(): number[] {
  const [D, S, N, i] = [0, 1, 2, 3];
  const code = [
    ...i32(0), ...set(i),
    ...BLOCK_LOOP,
    ...get(i), ...get(N), ...i32GeS, 0x0d, 1,
    ...get(D),
    ...get(D), ...v128Load(0), ...get(S), ...v128Load64Zero(0), ...f64x2PromoteLowF32x4, ...f64x2Add,
    ...v128Store(0),
    ...get(D), ...i32(16), ...i32Add, ...set(D),
    ...get(S), ...i32(8), ...i32Add, ...set(S),
    ...get(i), ...i32(1), ...i32Add, ...set(i),
    ...END_LOOP,
  ];
  return funcBody([[1, I32]], code);
}
