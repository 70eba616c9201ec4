/**
 * A rollout job's result: the shard's trajectories for `nSteps` steps (the observations acted on, raw
 * actions and their log-probabilities, rewards, done flags, autoreset steps, final observations of ended
 * episodes) and the sub-envs' new cursors and RNG states, which the learner ships with the next job.
 * Values computed from the trajectories (V(s), bootstrapping, GAE) are the learner's job.
 */
import type { SubEnvState } from './job-format.js';
import { rngState } from './job-format.js';
import { WireFormatError, describeShort, fromBase64 } from './wire.js';

/** A result as it travels (typed arrays as base64, step-major `[nSteps × count × …]`). */
export interface RolloutJobResult {
  readonly format: 1;
  readonly runId: string;
  readonly update: number;
  readonly shard: number;
  readonly nSteps: number;
  readonly count: number;
  readonly observations: string;
  readonly actions: string;
  readonly logProbs: string;
  readonly rewards: string;
  readonly terminated: string;
  readonly truncated: string;
  readonly resetSteps: string;
  /** Final observations of episodes that ended: step, position in the shard, encoded observation. */
  readonly finals: { readonly step: number; readonly env: number; readonly observation: string }[];
  /** The observations to act on after the last step, `[count × obsSize]`. */
  readonly nextObservations: string;
  readonly subEnvs: SubEnvState[];
}

/** Per-step arrays of a batch of sub-envs (a shard's, or all of them gathered), `[steps × count (× size)]`. */
export interface TransitionArrays {
  readonly observations: Float32Array;
  readonly actions: Float32Array;
  readonly logProbs: Float64Array;
  readonly rewards: Float64Array;
  readonly terminated: Uint8Array;
  readonly truncated: Uint8Array;
  readonly resetSteps: Uint8Array;
}

/** A decoded shard result. */
export interface ShardTrajectories extends TransitionArrays {
  /** `finals[step * count + env]`, null where no episode ended. */
  readonly finals: (Float32Array | null)[];
  readonly nextObservations: Float32Array;
  readonly subEnvs: SubEnvState[];
}

/** What the learner expects of a shard's result. */
export interface ExpectedShard {
  readonly runId: string;
  readonly update: number;
  readonly shard: number;
  readonly nSteps: number;
  readonly indices: readonly number[];
  readonly obsSize: number;
  readonly actionWidth: number;
}

/** Decodes and checks a result against what was asked; throws naming the field that does not fit. */
export function decodeRolloutResult(value: unknown, expect: ExpectedShard): ShardTrajectories {
  const where = `rollout result of shard ${expect.shard}`;
  if (value === null || typeof value !== 'object') throw new WireFormatError(`${where} must be an object, got ${describeShort(value)}`);
  const r = value as Partial<RolloutJobResult>;
  for (const key of ['runId', 'update', 'shard', 'nSteps'] as const) {
    if (r[key] !== expect[key]) throw new WireFormatError(`${where}: ${key} is ${describeShort(r[key])}, expected ${describeShort(expect[key])}`);
  }
  const count = expect.indices.length;
  if (r.count !== count) throw new WireFormatError(`${where}: count is ${describeShort(r.count)}, expected ${count}`);
  const rows = expect.nSteps * count;
  const os = expect.obsSize;
  const finals = new Array<Float32Array | null>(rows).fill(null);
  if (!Array.isArray(r.finals)) throw new WireFormatError(`${where}: finals must be an array`);
  r.finals.forEach((f, k) => {
    if (!Number.isInteger(f?.step) || f.step < 0 || f.step >= expect.nSteps || !Number.isInteger(f.env) || f.env < 0 || f.env >= count) throw new WireFormatError(`${where}: finals[${k}] has no valid step and env`);
    finals[f.step * count + f.env] = fromBase64(Float32Array, f.observation, os, `${where}: finals[${k}].observation`);
  });
  if (!Array.isArray(r.subEnvs) || r.subEnvs.length !== count) throw new WireFormatError(`${where}: subEnvs must list the shard's ${count} sub-envs`);
  r.subEnvs.forEach((s, k) => {
    if (s?.index !== expect.indices[k]) throw new WireFormatError(`${where}: subEnvs[${k}].index is ${describeShort(s?.index)}, expected ${expect.indices[k]}`);
    rngState(s.actionRng, `${where}: subEnvs[${k}].actionRng`);
    if (s.cursor === null || typeof s.cursor !== 'object' || !Array.isArray(s.cursor.actions)) throw new WireFormatError(`${where}: subEnvs[${k}].cursor is malformed`);
  });
  return {
    observations: fromBase64(Float32Array, r.observations, rows * os, `${where}: observations`),
    actions: fromBase64(Float32Array, r.actions, rows * expect.actionWidth, `${where}: actions`),
    logProbs: fromBase64(Float64Array, r.logProbs, rows, `${where}: logProbs`),
    rewards: fromBase64(Float64Array, r.rewards, rows, `${where}: rewards`),
    terminated: fromBase64(Uint8Array, r.terminated, rows, `${where}: terminated`),
    truncated: fromBase64(Uint8Array, r.truncated, rows, `${where}: truncated`),
    resetSteps: fromBase64(Uint8Array, r.resetSteps, rows, `${where}: resetSteps`),
    finals,
    nextObservations: fromBase64(Float32Array, r.nextObservations, count * os, `${where}: nextObservations`),
    subEnvs: r.subEnvs,
  };
}
