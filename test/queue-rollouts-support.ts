/**
 * Shared by the distributed-rollout tests: train the same PPO locally (a SyncVectorEnv) and with
 * `rollouts`, and compare what must be identical — weights, episode returns, logged metrics.
 */
import type { ExecutionContext } from 'ava';
import { PPO, type PPOOptions } from '../agents/ppo.js';
import { BaseCallback } from '../agents/common/callbacks.js';
import { makeVec } from '../envs/vector/make-vec.js';
import type { AutoresetMode } from '../envs/vector/vector-env.js';

/** What a training run leaves that the comparison looks at. */
export interface RunOutcome {
  readonly weights: Buffer;
  readonly episodes: readonly { r: number; l: number }[];
  readonly dumps: Record<string, number | string>[];
  readonly numTimesteps: number;
}

/** Keeps every logger dump except wall-clock keys (`time/fps`, `time/time_elapsed`). */
class DumpRecorder extends BaseCallback {
  readonly dumps: Record<string, number | string>[] = [];
  private last: object | undefined;

  override onRolloutStart(): void {
    this.take();
  }

  /** Records the latest dump if it is new. */
  take(): void {
    const dump = this.model.logger.lastDump;
    if (dump === this.last || Object.keys(dump).length === 0) return;
    this.last = dump;
    this.dumps.push(Object.fromEntries(Object.entries(dump).filter(([k]) => k !== 'time/fps' && k !== 'time/time_elapsed')));
  }
}

/** Trains PPO on `numEnvs` sub-envs of `id` for `steps`, locally or with `rollouts`. */
export async function trainPpo(
  id: string,
  numEnvs: number,
  steps: number,
  options: PPOOptions,
  extra: { autoreset?: AutoresetMode; kwargs?: Record<string, unknown>; modules?: string[] } = {},
): Promise<RunOutcome> {
  const env = await makeVec(id, { numEnvs, autoreset: extra.autoreset ?? 'next-step', kwargs: extra.kwargs ?? {}, modules: extra.modules ?? [] });
  try {
    const agent = new PPO(env, { backend: 'cpu', engine: 'typed-array', ...options });
    const recorder = new DumpRecorder();
    // Two learn calls: the second continues the episodes (resetNumTimesteps false), as the meta-trainer does.
    await agent.learn({ totalTimesteps: Math.floor(steps / 2), callbacks: recorder });
    await agent.learn({ totalTimesteps: Math.ceil(steps / 2), callbacks: recorder, resetNumTimesteps: false });
    recorder.take();
    const p = agent.policy.params.values;
    return { weights: Buffer.from(p.buffer, p.byteOffset, p.byteLength), episodes: agent['episodeWindow'].map((e) => ({ ...e })), dumps: recorder.dumps, numTimesteps: agent.numTimesteps };
  } finally {
    env.close();
  }
}

/** Asserts two runs are identical bit for bit (and that they did learn and finish episodes). */
export function assertSameRun(t: ExecutionContext, distributed: RunOutcome, local: RunOutcome): void {
  t.true(local.episodes.length > 0, 'episodes finished');
  t.true(local.dumps.length > 1, 'several updates logged');
  t.is(distributed.numTimesteps, local.numTimesteps);
  t.deepEqual(distributed.episodes, local.episodes, 'same episode returns and lengths');
  t.deepEqual(distributed.dumps, local.dumps, 'same logged metrics');
  t.true(distributed.weights.equals(local.weights), 'same weights, bit for bit');
}
