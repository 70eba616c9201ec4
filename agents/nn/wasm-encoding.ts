/**
 * Just enough of the WebAssembly binary format to hand-assemble the SIMD kernels of `wasm-kernels.ts` and
 * `wasm-optim.ts`: LEB128 numbers, sections, function bodies and the opcodes they use. Each opcode is the
 * byte sequence the spec gives it (SIMD ones behind the 0xfd prefix).
 */

/** Unsigned LEB128. */
export function uleb(value: number): number[] {
  const out: number[] = [];
  let v = value;
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return out;
}

/** Signed LEB128 (for i32.const). */
export function sleb(value: number): number[] {
  const out: number[] = [];
  let v = value | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

/** A section: its id, its byte length, its body. */
export function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

/** A name: its length, then its characters (ASCII). */
export function name(text: string): number[] {
  return [...uleb(text.length), ...Array.from(text, (ch) => ch.charCodeAt(0))];
}

export const I32 = 0x7f;
export const F32 = 0x7d;
export const V128 = 0x7b;
export const get = (i: number) => [0x20, ...uleb(i)];
export const set = (i: number) => [0x21, ...uleb(i)];
export const i32 = (v: number) => [0x41, ...sleb(v)];
export const i32Add = [0x6a];
export const i32Mul = [0x6c];
export const i32GeS = [0x4e];
export const i32GtS = [0x4a];
export const i32Sub = [0x6b];
export const i32Shl = [0x74];
/** Scalar loads and stores (natural alignment) at a constant byte offset from the address on the stack. */
export const i32Load = (offset: number) => [0x28, 2, ...uleb(offset)];
export const i32Store = (offset: number) => [0x36, 2, ...uleb(offset)];
export const f32Load = (offset: number) => [0x2a, 2, ...uleb(offset)];
export const f32Store = (offset: number) => [0x38, 2, ...uleb(offset)];
export const simd = (op: number) => [0xfd, ...uleb(op)];
export const v128Load = (offset: number) => [...simd(0x00), 4, ...uleb(offset)];
export const v128Store = (offset: number) => [...simd(0x0b), 4, ...uleb(offset)];
export const f32x4Splat = simd(0x13);
export const f32x4Add = simd(0xe4);
export const f32x4Mul = simd(0xe6);
export const f32x4Pmax = simd(0xeb);
export const f32x4Gt = simd(0x44);
export const v128And = simd(0x4e);
export const f32x4RelaxedMadd = simd(0x105);
export const v128Zero = [...simd(0x0c), ...new Array<number>(16).fill(0)];
export const BLOCK_LOOP = [0x02, 0x40, 0x03, 0x40];
export const END_LOOP = [0x0c, 0, 0x0b, 0x0b];

/** A function body: local declarations then code. */
export function funcBody(locals: number[][], code: number[]): number[] {
  const func = [...uleb(locals.length), ...locals.flat(), ...code, 0x0b];
  return [...uleb(func.length), ...func];
}

export const F64 = 0x7c;
export const f64x2Splat = simd(0x14);
export const f64x2Sqrt = simd(0xef);
export const f64x2Add = simd(0xf0);
export const f64x2Sub = simd(0xf1);
export const f64x2Mul = simd(0xf2);
export const f64x2Div = simd(0xf3);
/** Two f32 of the low half → two f64 (exact). */
export const f64x2PromoteLowF32x4 = simd(0x5f);
/** Two f64 → two f32 in the low half, rounded to nearest even (what `Math.fround` does), high half zero. */
export const f32x4DemoteF64x2Zero = simd(0x5e);
/** Loads 8 bytes into the low half, zeroing the rest. */
export const v128Load64Zero = (offset: number) => [...simd(0x5d), 3, ...uleb(offset)];
/** Stores the low 8 bytes. */
export const v128Store64Lane0 = (offset: number) => [...simd(0x5b), 3, ...uleb(offset), 0];
