/** Queue names and job ids shared by the learner and the rollout workers. */

/** The BullMQ queue rollout jobs go to unless told otherwise (separate from the suite runner's queue). */
export const DEFAULT_ROLLOUT_QUEUE = 'flash-gym-rollouts';

/**
 * A rollout job's id: run × update × shard. Deterministic, so a job added twice (a retry, a restarted
 * learner) is the same BullMQ job — it runs once, and its result is counted once.
 */
export function rolloutJobId(runId: string, update: number, shard: number): string {
  return `${runId}.u${update}.s${shard}`;
}

/** Checks a run id (BullMQ ids may not contain ':'); throws naming what is allowed. */
export function assertRunId(runId: unknown, who: string): asserts runId is string {
  if (typeof runId !== 'string' || !/^[A-Za-z0-9_.-]{1,120}$/.test(runId)) {
    throw new RangeError(`${who}: runId must be 1-120 characters of letters, digits, '_', '.', '-', got ${JSON.stringify(runId)}`);
  }
}
