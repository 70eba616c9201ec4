import { createHash } from 'node:crypto';
import type { Json, RunSpec } from './types.js';

/** JSON text with object keys sorted at every level, so equal values always give the same text. */
export function canonicalJson(value: Json): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(',')}}`;
}

/** First `length` hex digits of the SHA-256 of the value's canonical JSON. */
export function configHash(value: Json, length = 12): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex').slice(0, length);
}

/**
 * Builds a run with its key: `env|method|task|s<seed>|<hash of params>`. The hash makes two runs that differ
 * only in a parameter (a budget, a hyperparameter) distinct, so results of different configurations are never
 * taken for one another on resume.
 */
export function makeRun(fields: Omit<RunSpec, 'key'>): RunSpec {
  const { env, method, task, seed, params } = fields;
  if (!Number.isInteger(seed)) throw new RangeError(`makeRun: seed must be an integer, got ${String(seed)}`);
  for (const [name, text] of [['env', env], ['method', method], ['task', task]] as const) {
    if (typeof text !== 'string' || text === '' || text.includes('|')) throw new RangeError(`makeRun: ${name} must be a non-empty string without "|", got ${JSON.stringify(text)}`);
  }
  return { key: `${env}|${method}|${task}|s${seed}|${configHash(params as Json, 8)}`, env, method, task, seed, params };
}
