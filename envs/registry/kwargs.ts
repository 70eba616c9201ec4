import { InvalidOptionError, describeValue } from '../core/errors.js';
import type { KwargSchema } from './spec.js';

/** Describes what a kwarg schema allows, for error messages. */
export function describeSchema(schema: KwargSchema): string {
  switch (schema.type) {
    case 'number': {
      const kind = schema.integer ? 'an integer' : 'a number';
      const lo = schema.min ?? -Infinity;
      const hi = schema.max ?? Infinity;
      return `${kind} in [${lo}, ${hi}]`;
    }
    case 'boolean':
      return 'a boolean';
    case 'string':
      return schema.values ? `one of ${schema.values.map((v) => JSON.stringify(v)).join(', ')}` : 'a string';
    default:
      return `an ${schema.type}`;
  }
}

/** Throws an error naming the key and what is allowed unless `value` satisfies `schema`. */
export function validateKwarg(owner: string, key: string, value: unknown, schema: KwargSchema): void {
  const fail = (): never => {
    throw new InvalidOptionError(`${owner}: kwarg "${key}" = ${describeValue(value)} is invalid; allowed: ${describeSchema(schema)}`);
  };
  switch (schema.type) {
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) fail();
      if (schema.integer && !Number.isInteger(value)) fail();
      if (schema.min !== undefined && (value as number) < schema.min) fail();
      if (schema.max !== undefined && (value as number) > schema.max) fail();
      return;
    case 'boolean':
      if (typeof value !== 'boolean') fail();
      return;
    case 'string':
      if (typeof value !== 'string' || (schema.values !== undefined && !schema.values.includes(value))) fail();
      return;
    case 'array':
      if (!Array.isArray(value)) fail();
      break;
    case 'object':
      if (value === null || typeof value !== 'object' || Array.isArray(value)) fail();
      break;
  }
  if (schema.validate) {
    try {
      schema.validate(value);
    } catch (err) {
      throw new InvalidOptionError(`${owner}: kwarg "${key}" is invalid: ${(err as Error).message}`);
    }
  }
}

/** Validates all kwargs against a schema: unknown keys and bad values raise errors. */
export function validateKwargs(owner: string, kwargs: Record<string, unknown>, schema: Readonly<Record<string, KwargSchema>>): void {
  const allowed = Object.keys(schema);
  for (const [key, value] of Object.entries(kwargs)) {
    const entry = schema[key];
    if (entry === undefined) {
      throw new InvalidOptionError(
        `${owner}: unknown kwarg "${key}"; allowed: ${allowed.length ? allowed.map((k) => `${k} (${describeSchema(schema[k])})`).join(', ') : '(none)'}`,
      );
    }
    if (value !== undefined) validateKwarg(owner, key, value, entry);
  }
}
