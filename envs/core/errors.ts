/** An error in how an env is used (step before reset, bad action, bad option). */
export class EnvError extends Error {
  override name = 'EnvError';
}

/** Thrown for an action outside the env's action space; the env is left unchanged. */
export class InvalidActionError extends EnvError {
  override name = 'InvalidActionError';
}

/** Thrown for unknown or malformed reset options and kwargs. */
export class InvalidOptionError extends EnvError {
  override name = 'InvalidOptionError';
}

/** Formats a value for an error message, compactly. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : String(value);
  if (typeof value === 'string') return JSON.stringify(value);
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    const arr = Array.from(value as unknown as ArrayLike<number>).slice(0, 8);
    const more = (value as unknown as ArrayLike<number>).length > 8 ? ', …' : '';
    return `${value.constructor.name}[${arr.join(', ')}${more}]`;
  }
  if (Array.isArray(value)) return `[${value.slice(0, 8).map(describeValue).join(', ')}${value.length > 8 ? ', …' : ''}]`;
  try {
    const json = JSON.stringify(value);
    return json.length > 120 ? `${json.slice(0, 117)}...` : json;
  } catch {
    return String(value);
  }
}
