// The piscina worker of the suite runner: each task is one whole run.
import { callUnit, type UnitTask } from './unit-call.js';
import type { RunOutput } from './types.js';

/** Runs one run in this worker thread. */
export default async function runInThread(task: UnitTask): Promise<RunOutput> {
  return callUnit(task);
}
