// The piscina worker of the suite runner: each task is one whole run.
import { callUnit, describeError, type UnitReply, type UnitTask } from './unit-call.js';

/**
 * Runs one run in this worker thread. A failure is described here, where the error's class and stack are
 * known (structured cloning to the main thread would keep only a plain Error), as the child processes do.
 */
export default async function runInThread(task: UnitTask): Promise<UnitReply> {
  try {
    return { ok: true, output: await callUnit(task) };
  } catch (error) {
    return { ok: false, error: describeError(error) };
  }
}
