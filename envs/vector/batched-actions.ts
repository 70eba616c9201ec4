import type { NdArray } from 'ndarray';
import { InvalidActionError, describeValue } from '../core/errors.js';
import type { BatchArray, BatchedActions } from './vector-env.js';
import type { SpaceLayout } from './batch-layout.js';

function isNdArray(x: unknown): x is NdArray<BatchArray> {
  return x !== null && typeof x === 'object' && 'data' in x && 'shape' in x && 'stride' in x && 'offset' in x;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/**
 * Checks a batch of actions and copies it, row-major, into `out` (`numEnvs * rowSize` values). Accepts a
 * flat array or typed array, an `ndarray` of shape `[numEnvs, ...actShape]`, or an array of per-env rows.
 * Throws an {@link InvalidActionError} naming the sub-env and the rule broken (length, shape, NaN,
 * non-integer, outside a Discrete range) before any sub-env is stepped; `out` may be partly written then,
 * which is harmless because it is only scratch space for the step. Bounds of a Box are left to the sub-env,
 * which may clip (Pendulum) or reject them.
 */
export function copyBatchedActions(actions: BatchedActions, layout: SpaceLayout, numEnvs: number, out: BatchArray): void {
  const expectedShape = [numEnvs, ...layout.shape];
  const total = numEnvs * layout.rowSize;
  if (isNdArray(actions)) {
    if (!sameShape(actions.shape, expectedShape)) {
      throw new InvalidActionError(`step: actions have shape [${actions.shape.join(', ')}], expected [${expectedShape.join(', ')}]`);
    }
    copyNdArray(actions, layout, out);
    return;
  }
  if (Array.isArray(actions) && actions.length === numEnvs && !layout.scalar && actions.every((row) => isRow(row))) {
    for (let i = 0; i < numEnvs; i++) {
      const row = (actions as ArrayLike<number>[])[i];
      if (row.length !== layout.rowSize) {
        throw new InvalidActionError(`step: the action of sub-env ${i} has ${row.length} values, expected ${layout.rowSize} (shape [${layout.shape.join(', ')}])`);
      }
      for (let k = 0; k < layout.rowSize; k++) out[i * layout.rowSize + k] = checkValue(row[k], i, layout);
    }
    return;
  }
  if (ArrayBuffer.isView(actions) || Array.isArray(actions)) {
    const flat = actions as ArrayLike<number>;
    if (flat.length !== total) {
      throw new InvalidActionError(
        `step: got ${flat.length} action values for ${numEnvs} sub-envs; expected ${total} (shape [${expectedShape.join(', ')}], flat row-major)`,
      );
    }
    for (let j = 0; j < total; j++) out[j] = checkValue(flat[j], Math.floor(j / layout.rowSize), layout);
    return;
  }
  throw new InvalidActionError(
    `step: actions must be a typed array, an array or an ndarray of shape [${expectedShape.join(', ')}], got ${describeValue(actions)}`,
  );
}

function isRow(x: unknown): x is ArrayLike<number> {
  return Array.isArray(x) || (ArrayBuffer.isView(x) && !(x instanceof DataView));
}

function checkValue(value: unknown, index: number, layout: SpaceLayout): number {
  if (typeof value !== 'number' || Number.isNaN(value)) {
    throw new InvalidActionError(`step: the action of sub-env ${index} contains ${describeValue(value)}; actions must be numbers, not NaN`);
  }
  if (layout.integral && !Number.isInteger(value)) {
    throw new InvalidActionError(`step: the action of sub-env ${index} is ${value}; this action space takes integers`);
  }
  if (layout.range !== undefined && (value < layout.range[0] || value > layout.range[1])) {
    throw new InvalidActionError(`step: the action of sub-env ${index} is ${value}; allowed: integers in [${layout.range[0]}, ${layout.range[1]}]`);
  }
  return value;
}

/** Checks and copies an ndarray (any strides) row-major into `out`. */
function copyNdArray(array: NdArray<BatchArray>, layout: SpaceLayout, out: BatchArray): void {
  const { shape, stride, offset, data } = array;
  const dims = shape.length;
  const index = new Array<number>(dims).fill(0);
  const total = shape.reduce((a, b) => a * b, 1);
  for (let j = 0; j < total; j++) {
    let at = offset;
    for (let d = 0; d < dims; d++) at += index[d] * stride[d];
    out[j] = checkValue(data[at], Math.floor(j / layout.rowSize), layout);
    for (let d = dims - 1; d >= 0; d--) {
      if (++index[d] < shape[d]) break;
      index[d] = 0;
    }
  }
}
