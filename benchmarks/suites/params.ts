import type { Json } from '../runner/types.js';

/** Reads a run parameter that must be a positive integer; the error names the parameter. */
export function intParam(params: { readonly [key: string]: Json }, name: string, fallback?: number): number {
  const value = params[name] ?? fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) throw new RangeError(`run parameter "${name}" must be a positive integer, got ${JSON.stringify(value)}`);
  return value;
}

/** Reads a run parameter that must be a plain object (default `{}`). */
export function objectParam(params: { readonly [key: string]: Json }, name: string): Record<string, unknown> {
  const value = params[name] ?? {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new RangeError(`run parameter "${name}" must be an object, got ${JSON.stringify(value)}`);
  return value as Record<string, unknown>;
}

/** Reads a run parameter that must be a string. */
export function stringParam(params: { readonly [key: string]: Json }, name: string, fallback?: string): string {
  const value = params[name] ?? fallback;
  if (typeof value !== 'string') throw new RangeError(`run parameter "${name}" must be a string, got ${JSON.stringify(value)}`);
  return value;
}
