import type { Info } from '../core/env.js';
import type { VectorInfo } from './vector-env.js';

/** One sub-env's info dict, tagged with its index, in the order it is merged into the batch's infos. */
export interface InfoRecord {
  index: number;
  info: Info;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || ArrayBuffer.isView(value) || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * Gymnasium's `VectorEnv._add_info`: merges sub-env `index`'s info into the batch infos. Each key maps to an
 * array over sub-envs and a mask `_key` (Uint8Array, 1 where the sub-env set the key). Arrays are created
 * on the key's first appearance, typed by that value: numbers ⇒ Float64Array (0 where unset), booleans ⇒
 * Uint8Array (0 where unset), plain objects ⇒ a nested dict merged the same way, anything else (strings,
 * typed arrays, arrays, class instances) ⇒ a plain array (`undefined` where unset). A later value of another
 * type turns a typed array into a plain array, so no value is ever coerced.
 */
export function addInfo(infos: VectorInfo, info: Info, index: number, numEnvs: number): VectorInfo {
  for (const [key, value] of Object.entries(info)) {
    if (isPlainObject(value)) {
      const existing = infos[key];
      infos[key] = addInfo(isPlainObject(existing) ? existing : {}, value, index, numEnvs);
    } else {
      infos[key] = storeValue(infos[key], value, index, numEnvs);
    }
    const maskKey = `_${key}`;
    let mask = infos[maskKey];
    if (!(mask instanceof Uint8Array)) {
      mask = new Uint8Array(numEnvs);
      infos[maskKey] = mask;
    }
    (mask as Uint8Array)[index] = 1;
  }
  return infos;
}

function storeValue(existing: unknown, value: unknown, index: number, numEnvs: number): unknown {
  let array = existing;
  if (array !== undefined && !Array.isArray(array) && !(array instanceof Float64Array) && !(array instanceof Uint8Array)) {
    // The key held a nested dict before; a non-dict value now replaces it with a plain array.
    array = undefined;
  }
  if (array === undefined) {
    if (typeof value === 'number') array = new Float64Array(numEnvs);
    else if (typeof value === 'boolean') array = new Uint8Array(numEnvs);
    else array = new Array<unknown>(numEnvs).fill(undefined);
  }
  if (array instanceof Float64Array && typeof value !== 'number') array = Array.from(array);
  else if (array instanceof Uint8Array && typeof value !== 'boolean') array = Array.from(array, (v) => v === 1);
  if (array instanceof Float64Array) array[index] = value as number;
  else if (array instanceof Uint8Array) array[index] = value ? 1 : 0;
  else (array as unknown[])[index] = value;
  return array;
}

/** Folds info records, in order, into a fresh batch infos dict. */
export function mergeInfoRecords(records: readonly InfoRecord[], numEnvs: number, into: VectorInfo = {}): VectorInfo {
  for (const record of records) addInfo(into, record.info, record.index, numEnvs);
  return into;
}
