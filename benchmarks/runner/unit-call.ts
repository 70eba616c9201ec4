import type { RunOutput, RunSpec, RunUnit } from './types.js';

/** What a worker thread or child process is asked to do: run one run with a unit. */
export interface UnitTask {
  readonly unit: RunUnit;
  readonly run: RunSpec;
}

/** What a worker thread or child process answers: the run's output, or its error described as one line. */
export type UnitReply = { readonly ok: true; readonly output: RunOutput } | { readonly ok: false; readonly error: string };

type UnitFunction = (run: RunSpec) => RunOutput | Promise<RunOutput>;

/** Imports the unit's module (cached by the module loader) and runs one run with it; checks the output's shape. */
export async function callUnit(task: UnitTask): Promise<RunOutput> {
  const mod = (await import(task.unit.module)) as Record<string, unknown>;
  const fn = mod[task.unit.exportName];
  if (typeof fn !== 'function') throw new TypeError(`run unit ${task.unit.module} has no exported function "${task.unit.exportName}"`);
  const output = (await (fn as UnitFunction)(task.run)) as Partial<RunOutput> | undefined;
  if (output === undefined || output === null || typeof output.metrics !== 'object' || output.metrics === null) {
    throw new TypeError(`run unit "${task.unit.exportName}" must return { metrics, timing? }, got ${JSON.stringify(output)}`);
  }
  return { metrics: output.metrics, timing: output.timing ?? {} };
}

/** An error already described in another process (a child's run): its text is kept as it is. */
export class RemoteRunError extends Error {
  override name = 'RemoteRunError';
}

/** An error as one line for the results file: the message, plus where it was thrown. */
export function describeError(error: unknown): string {
  if (error instanceof RemoteRunError) return error.message;
  if (error instanceof Error) {
    const frame = error.stack?.split('\n').find((line) => line.trim().startsWith('at '));
    return `${error.name}: ${error.message}${frame ? ` (${frame.trim()})` : ''}`;
  }
  return String(error);
}
