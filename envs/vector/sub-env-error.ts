import { EnvError } from '../core/errors.js';

/** What a vector env was doing when a sub-env failed. */
export type SubEnvPhase = 'reset' | 'step' | 'close' | 'make';

/**
 * A sub-env of a vector env threw. The message names the sub-env's index, its env id and the phase, then
 * gives the original message; `originalStack` keeps the stack from where it was thrown (in the worker
 * thread, for a worker vector env), and `stack` ends with it too.
 */
export class SubEnvError extends EnvError {
  override name = 'SubEnvError';

  constructor(
    readonly subEnvIndex: number,
    readonly envId: string,
    readonly phase: SubEnvPhase,
    readonly originalMessage: string,
    readonly originalStack: string | undefined,
  ) {
    super(`sub-env ${subEnvIndex} (${envId}) threw during ${phase}: ${originalMessage}`);
    if (originalStack !== undefined) this.stack = `${this.stack ?? this.message}\n--- original error, thrown by sub-env ${subEnvIndex} ---\n${originalStack}`;
  }

  /** Wraps whatever a sub-env threw. */
  static wrap(error: unknown, subEnvIndex: number, envId: string, phase: SubEnvPhase): SubEnvError {
    if (error instanceof SubEnvError) return error;
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    const stack = error instanceof Error ? error.stack : undefined;
    return new SubEnvError(subEnvIndex, envId, phase, message, stack);
  }

  /** A plain object that survives structured cloning between threads. */
  toTransferable(): SubEnvErrorData {
    return { subEnvIndex: this.subEnvIndex, envId: this.envId, phase: this.phase, originalMessage: this.originalMessage, originalStack: this.originalStack };
  }

  /** Rebuilds the error on the receiving thread. */
  static fromTransferable(data: SubEnvErrorData): SubEnvError {
    return new SubEnvError(data.subEnvIndex, data.envId, data.phase, data.originalMessage, data.originalStack);
  }
}

/** {@link SubEnvError} as plain data. */
export interface SubEnvErrorData {
  subEnvIndex: number;
  envId: string;
  phase: SubEnvPhase;
  originalMessage: string;
  originalStack: string | undefined;
}

/** An env's id for messages: its spec id, else its class name. */
export function envIdOf(env: { spec?: { id: string }; unwrapped?: unknown; constructor: { name: string } }): string {
  return env.spec?.id ?? env.constructor.name;
}
