/**
 * Typed arrays on the wire: rollout jobs and results are JSON (BullMQ stores job data and return values
 * as JSON), and floats must cross it bit for bit, so arrays travel as base64 of their little-endian bytes
 * — exact, and a third the size of decimal text.
 */

type TypedArrayCtor<T> = { new (buffer: ArrayBuffer): T; readonly BYTES_PER_ELEMENT: number; readonly name: string };

/** Base64 of a typed array's bytes. */
export function toBase64(array: Float32Array | Float64Array | Uint8Array): string {
  return Buffer.from(array.buffer, array.byteOffset, array.byteLength).toString('base64');
}

/** A wire field that cannot be decoded, naming the field. */
export class WireFormatError extends Error {
  override readonly name = 'WireFormatError';
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Decodes base64 into a fresh typed array of exactly `length` elements; throws naming `field` when the
 * text is not base64 or holds another number of elements.
 */
export function fromBase64<T extends Float32Array | Float64Array | Uint8Array>(ctor: TypedArrayCtor<T>, text: unknown, length: number, field: string): T {
  if (typeof text !== 'string' || text.length % 4 !== 0 || !BASE64.test(text)) throw new WireFormatError(`${field} must be a base64 string, got ${describeShort(text)}`);
  const bytes = Buffer.from(text, 'base64');
  if (bytes.byteLength !== length * ctor.BYTES_PER_ELEMENT) {
    throw new WireFormatError(`${field} must hold ${length} ${ctor.name} elements (${length * ctor.BYTES_PER_ELEMENT} bytes), got ${bytes.byteLength} bytes`);
  }
  // Copy into an aligned buffer of its own: Buffer slices may share a pool at an odd offset.
  const buffer = new ArrayBuffer(bytes.byteLength);
  new Uint8Array(buffer).set(bytes);
  return new ctor(buffer);
}

/** A short description of a value for error messages (never the whole of a large payload). */
export function describeShort(value: unknown): string {
  if (typeof value === 'string') return value.length > 40 ? `a string of ${value.length} characters` : JSON.stringify(value);
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  return String(value);
}
