/**
 * Structural equality of observations and infos: typed arrays and arrays element-wise (NaN equals NaN,
 * as numpy's `array_equal(equal_nan=True)`), plain objects key by key, numbers with `Object.is` except ±0.
 */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === 'number' && typeof b === 'number') return Number.isNaN(a) && Number.isNaN(b);
  if (ArrayBuffer.isView(a) || ArrayBuffer.isView(b) || Array.isArray(a) || Array.isArray(b)) {
    if (!isIndexable(a) || !isIndexable(b) || a.length !== b.length) return false;
    if (Array.isArray(a) !== Array.isArray(b) || a.constructor !== b.constructor) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false;
    return true;
  }
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object') {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    if (ka.length !== kb.length) return false;
    for (const k of ka) {
      if (!Object.prototype.hasOwnProperty.call(b, k)) return false;
      if (!deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
    }
    return true;
  }
  return false;
}

function isIndexable(x: unknown): x is { length: number; [i: number]: unknown } {
  return (ArrayBuffer.isView(x) && !(x instanceof DataView)) || Array.isArray(x);
}
