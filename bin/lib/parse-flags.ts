import { InvalidArgumentError } from 'commander';

/** A commander argument parser for a positive integer (`--steps 1000`, also `1e5` and `100_000`). */
export function positiveInt(text: string): number {
  const n = Number(text.replace(/_/g, ''));
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError(`expected a positive integer, got "${text}"`);
  return n;
}

/** A commander argument parser for an integer ≥ 0 (seeds). */
export function nonNegativeInt(text: string): number {
  const n = Number(text.replace(/_/g, ''));
  if (!Number.isInteger(n) || n < 0 || n > 2 ** 32 - 1) throw new InvalidArgumentError(`expected an integer from 0 to 4294967295, got "${text}"`);
  return n;
}

/** A commander argument parser for a JSON object (`--task '{"id": …}'`). */
export function jsonObject(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InvalidArgumentError(`not valid JSON (${(error as Error).message}); quote it for the shell, e.g. '{"key": 1}'`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new InvalidArgumentError(`expected a JSON object, got ${text}`);
  return value as Record<string, unknown>;
}
