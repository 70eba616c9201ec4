/** The slice of the WebAssembly API used here (the project's TypeScript libs do not declare it). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmInstance {
  readonly exports: Record<string, unknown>;
}
type WasmModule = object;
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule, imports: object) => WasmInstance;
};

/**
 * A single-precision matrix multiply-accumulate `C[M×N] += A[M×K] · B[K×N]` (row-major) as a hand-assembled
 * WebAssembly SIMD kernel: the one piece of the typed-array training engine that JavaScript cannot make
 * fast, since V8 does not vectorise loops. The kernel walks 16-column strips of B (kept in L1 across the
 * rows of A) and keeps a 1 × 16 tile of C in four f32x4 registers over the reduced dimension: per step of
 * k one broadcast of A[m, k], four vector loads of B and eight vector multiply/adds. N must be a multiple
 * of 16 (callers fall back to scalar loops otherwise). Matrices live in the module's own memory; callers
 * address them by float offsets and write them through {@link WasmGemm.f32}.
 */
export class WasmGemm {
  private readonly instance: WasmInstance;
  private readonly memory: WasmMemory;
  private view: Float32Array;

  private constructor(module: WasmModule) {
    this.instance = new WebAssembly.Instance(module, {});
    this.memory = this.instance.exports.mem as WasmMemory;
    this.view = new Float32Array(this.memory.buffer);
  }

  /** A kernel with its own memory, or undefined where WebAssembly SIMD is unavailable. */
  static create(): WasmGemm | undefined {
    const module = compiledModule();
    return module === undefined ? undefined : new WasmGemm(module);
  }

  /** The memory as floats (replaced when {@link reserve} grows the memory: do not keep it across calls). */
  get f32(): Float32Array {
    return this.view;
  }

  /** Makes room for `floats` floats. */
  reserve(floats: number): void {
    const bytes = floats * 4;
    if (bytes <= this.memory.buffer.byteLength) return;
    this.memory.grow(Math.ceil((bytes - this.memory.buffer.byteLength) / 65536));
    this.view = new Float32Array(this.memory.buffer);
  }

  /** `C += A · B` with A at float offset `a` (`[M×K]`), B at `b` (`[K×N]`), C at `c` (`[M×N]`); N % 16 === 0. */
  gemm(a: number, b: number, c: number, M: number, K: number, N: number): void {
    if (N % 16 !== 0) throw new RangeError(`WasmGemm: N must be a multiple of 16, got ${N}`);
    (this.instance.exports.gemm as (a: number, b: number, c: number, m: number, k: number, n: number) => void)(a * 4, b * 4, c * 4, M, K, N);
  }
}

let cached: WasmModule | null | undefined;

function compiledModule(): WasmModule | undefined {
  if (cached === undefined) {
    try {
      cached = new WebAssembly.Module(gemmModuleBytes());
    } catch {
      cached = null;
    }
  }
  return cached ?? undefined;
}

/** Unsigned LEB128. */
function uleb(value: number): number[] {
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

function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

function name(text: string): number[] {
  return [...uleb(text.length), ...Array.from(text, (ch) => ch.charCodeAt(0))];
}

/** The module: one function `gemm(a, b, c, M, K, N)` (byte pointers) and an exported memory `mem`. */
function gemmModuleBytes(): Uint8Array {
  const I32 = 0x7f;
  const V128 = 0x7b;
  // Parameters 0–5: a, b, c, M, K, N. Locals: 6 n, 7 m, 8 k, 9 aPtr, 10 bPtr, 11 cPtr, 12 rowBytes (N·4); 13–16 acc0–3, 17 broadcast A.
  const [A, B, C, M, K, N, n, m, k, aPtr, bPtr, cPtr, rowBytes, acc0, , , , av] = Array.from({ length: 18 }, (_, i) => i);
  const get = (i: number) => [0x20, i];
  const set = (i: number) => [0x21, i];
  const i32 = (v: number) => [0x41, ...sleb(v)];
  const add = [0x6a];
  const mul = [0x6c];
  const geS = [0x4e];
  const simd = (op: number) => [0xfd, ...uleb(op)];
  const v128Load = (offset: number) => [...simd(0x00), 2, ...uleb(offset)];
  const v128Store = (offset: number) => [...simd(0x0b), 2, ...uleb(offset)];
  const f32x4Add = simd(0xe4);
  const f32x4Mul = simd(0xe6);
  const body: number[] = [
    ...get(N), ...i32(4), ...mul, ...set(rowBytes),
    ...i32(0), ...set(n),
    0x02, 0x40, 0x03, 0x40, // block $nDone, loop $nLoop
    ...get(n), ...get(N), ...geS, 0x0d, 1,
    ...i32(0), ...set(m),
    0x02, 0x40, 0x03, 0x40, // block $mDone, loop $mLoop
    ...get(m), ...get(M), ...geS, 0x0d, 1,
    // cPtr = c + (m·N + n)·4; the four accumulators start from C.
    ...get(C), ...get(m), ...get(N), ...mul, ...get(n), ...add, ...i32(4), ...mul, ...add, ...set(cPtr),
    ...[0, 16, 32, 48].flatMap((off, j) => [...get(cPtr), ...v128Load(off), ...set(acc0 + j)]),
    // aPtr = a + m·K·4; bPtr = b + n·4.
    ...get(A), ...get(m), ...get(K), ...mul, ...i32(4), ...mul, ...add, ...set(aPtr),
    ...get(B), ...get(n), ...i32(4), ...mul, ...add, ...set(bPtr),
    ...i32(0), ...set(k),
    0x02, 0x40, 0x03, 0x40, // block $kDone, loop $kLoop
    ...get(k), ...get(K), ...geS, 0x0d, 1,
    ...get(aPtr), 0x2a, 2, 0, ...simd(0x13), ...set(av), // f32.load, f32x4.splat
    ...[0, 16, 32, 48].flatMap((off, j) => [...get(acc0 + j), ...get(av), ...get(bPtr), ...v128Load(off), ...f32x4Mul, ...f32x4Add, ...set(acc0 + j)]),
    ...get(aPtr), ...i32(4), ...add, ...set(aPtr),
    ...get(bPtr), ...get(rowBytes), ...add, ...set(bPtr),
    ...get(k), ...i32(1), ...add, ...set(k),
    0x0c, 0, 0x0b, 0x0b, // br $kLoop, end loop, end block
    ...[0, 16, 32, 48].flatMap((off, j) => [...get(cPtr), ...get(acc0 + j), ...v128Store(off)]),
    ...get(m), ...i32(1), ...add, ...set(m),
    0x0c, 0, 0x0b, 0x0b,
    ...get(n), ...i32(16), ...add, ...set(n),
    0x0c, 0, 0x0b, 0x0b,
    0x0b, // end function
  ];
  const locals = [2, 7, I32, 5, V128];
  const func = [...locals, ...body];
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [1, 0x60, 6, I32, I32, I32, I32, I32, I32, 0]),
    ...section(3, [1, 0]),
    ...section(5, [1, 0x00, 1]),
    ...section(7, [2, ...name('gemm'), 0x00, 0, ...name('mem'), 0x02, 0]),
    ...section(10, [1, ...uleb(func.length), ...func]),
  ];
  return Uint8Array.from(bytes);
}

/** Signed LEB128 (for i32.const). */
function sleb(value: number): number[] {
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
