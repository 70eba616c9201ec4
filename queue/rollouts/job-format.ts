/**
 * The rollout job: what the learner ships to a rollout worker for one shard of sub-envs and one rollout
 * phase, and its validation. A job is plain JSON data — never code: it names a registered env id (or a
 * module that the worker's own configuration allows), the policy's architecture and weights, and per
 * sub-env where its current episode started and which actions it took since (see {@link EpisodeCursor}).
 */
import type { RngState } from '../../envs/rng/rng.js';
import type { SpaceJson } from '../../agents/common/space-json.js';
import type { WrapperSpec } from '../../envs/vector/wrapper-registry.js';
import { describeShort } from './wire.js';

/** Version of the job and result formats; a worker rejects other versions. */
export const ROLLOUT_FORMAT = 1;

/** How to build one sub-env (the vector env's recipe, as plain data). */
export interface RolloutEnvRecipe {
  readonly id: string;
  readonly kwargs: Record<string, unknown>;
  readonly wrappers: WrapperSpec[];
  /** Modules to import first; each must be allowed by the worker's configuration. */
  readonly modules: string[];
}

/**
 * Where a sub-env's current episode began — `reset({ seed })` for the first episode, else the env's RNG
 * state just before its un-seeded autoreset — and the env actions taken since (flattened; Discrete:
 * the index sent to the env, Box: the clipped vector). Replaying them rebuilds the sub-env exactly on any
 * worker, so a job carries all the state it needs and can be retried anywhere.
 */
export interface EpisodeCursor {
  readonly start: { readonly seed: number } | { readonly rng: RngState };
  readonly actions: number[];
}

/** One sub-env of a shard: its index in the vector env, its episode cursor, its action-sampling RNG. */
export interface SubEnvState {
  readonly index: number;
  readonly cursor: EpisodeCursor;
  readonly actionRng: RngState;
}

/** The policy a worker samples with (PPO's `ActorCriticPolicy`). */
export interface RolloutPolicy {
  readonly netArch: { readonly pi: number[]; readonly vf: number[] };
  readonly activation: 'tanh' | 'relu';
  /** The flat parameter vector, base64 float32. */
  readonly weights: string;
  readonly observationSpace: SpaceJson;
  readonly actionSpace: SpaceJson;
}

/** A rollout job's data. */
export interface RolloutJobData {
  readonly format: typeof ROLLOUT_FORMAT;
  readonly runId: string;
  readonly update: number;
  readonly shard: number;
  readonly env: RolloutEnvRecipe;
  readonly autoreset: 'next-step' | 'same-step';
  readonly nSteps: number;
  readonly policy: RolloutPolicy;
  readonly subEnvs: SubEnvState[];
}

/** A job that cannot run, with the field at fault; the worker fails it without retrying. */
export class RolloutJobError extends Error {
  override readonly name = 'RolloutJobError';
}

/** Size limits a worker enforces before doing any work. */
export interface RolloutJobLimits {
  readonly maxSteps: number;
  readonly maxSubEnvs: number;
  /** Total replayed action values over the shard's cursors. */
  readonly maxReplayValues: number;
  readonly maxWeights: number;
}

export const DEFAULT_JOB_LIMITS: RolloutJobLimits = { maxSteps: 1_000_000, maxSubEnvs: 4096, maxReplayValues: 50_000_000, maxWeights: 50_000_000 };

/**
 * Checks the shape of a job's data and returns it typed; throws a {@link RolloutJobError} naming the
 * first field that is wrong and what is allowed. Whether the env id is registered and the modules are
 * allowed is checked by the consumer, which knows its configuration.
 */
export function parseRolloutJob(data: unknown, limits: RolloutJobLimits = DEFAULT_JOB_LIMITS): RolloutJobData {
  const job = record(data, 'job');
  if (job.format !== ROLLOUT_FORMAT) throw new RolloutJobError(`job.format must be ${ROLLOUT_FORMAT}, got ${describeShort(job.format)}`);
  text(job.runId, 'job.runId', 200);
  integer(job.update, 'job.update', 0, Number.MAX_SAFE_INTEGER);
  integer(job.shard, 'job.shard', 0, limits.maxSubEnvs);
  const env = record(job.env, 'job.env');
  text(env.id, 'job.env.id', 200);
  record(env.kwargs, 'job.env.kwargs');
  list(env.wrappers, 'job.env.wrappers', 64).forEach((w, i) => {
    const spec = record(w, `job.env.wrappers[${i}]`);
    text(spec.name, `job.env.wrappers[${i}].name`, 200);
    if (spec.args !== undefined) record(spec.args, `job.env.wrappers[${i}].args`);
  });
  list(env.modules, 'job.env.modules', 64).forEach((m, i) => text(m, `job.env.modules[${i}]`, 4096));
  if (job.autoreset !== 'next-step' && job.autoreset !== 'same-step') throw new RolloutJobError(`job.autoreset must be "next-step" or "same-step", got ${describeShort(job.autoreset)}`);
  integer(job.nSteps, 'job.nSteps', 1, limits.maxSteps);
  const policy = record(job.policy, 'job.policy');
  const arch = record(policy.netArch, 'job.policy.netArch');
  for (const key of ['pi', 'vf'] as const) list(arch[key], `job.policy.netArch.${key}`, 16).forEach((h, i) => integer(h, `job.policy.netArch.${key}[${i}]`, 1, 65536));
  if (policy.activation !== 'tanh' && policy.activation !== 'relu') throw new RolloutJobError(`job.policy.activation must be "tanh" or "relu", got ${describeShort(policy.activation)}`);
  text(policy.weights, 'job.policy.weights', Math.ceil((limits.maxWeights * 4) / 3) + 4);
  record(policy.observationSpace, 'job.policy.observationSpace');
  record(policy.actionSpace, 'job.policy.actionSpace');
  const subEnvs = list(job.subEnvs, 'job.subEnvs', limits.maxSubEnvs);
  if (subEnvs.length === 0) throw new RolloutJobError('job.subEnvs must not be empty');
  let replay = 0;
  const seen = new Set<number>();
  subEnvs.forEach((s, i) => {
    const where = `job.subEnvs[${i}]`;
    const sub = record(s, where);
    integer(sub.index, `${where}.index`, 0, Number.MAX_SAFE_INTEGER);
    if (seen.has(sub.index as number)) throw new RolloutJobError(`${where}.index ${String(sub.index)} appears twice`);
    seen.add(sub.index as number);
    const cursor = record(sub.cursor, `${where}.cursor`);
    const start = record(cursor.start, `${where}.cursor.start`);
    if ('seed' in start) integer(start.seed, `${where}.cursor.start.seed`, 0, Number.MAX_SAFE_INTEGER);
    else rngState(start.rng, `${where}.cursor.start.rng`);
    const actions = list(cursor.actions, `${where}.cursor.actions`, limits.maxReplayValues);
    replay += actions.length;
    if (replay > limits.maxReplayValues) throw new RolloutJobError(`job.subEnvs: more than ${limits.maxReplayValues} replayed action values in all`);
    for (let k = 0; k < actions.length; k++) {
      if (typeof actions[k] !== 'number' || !Number.isFinite(actions[k])) throw new RolloutJobError(`${where}.cursor.actions[${k}] must be a finite number, got ${describeShort(actions[k])}`);
    }
    rngState(sub.actionRng, `${where}.actionRng`);
  });
  return data as RolloutJobData;
}

/** Checks an RNG state's shape (seedrandom Alea: c, s0, s1, s2; an optional cached normal deviate). */
export function rngState(value: unknown, where: string): RngState {
  const state = record(value, where);
  const alea = record(state.alea, `${where}.alea`);
  for (const key of ['c', 's0', 's1', 's2']) {
    if (typeof alea[key] !== 'number' || !Number.isFinite(alea[key])) throw new RolloutJobError(`${where}.alea.${key} must be a finite number, got ${describeShort(alea[key])}`);
  }
  if (state.spareNormal !== null && state.spareNormal !== undefined && (typeof state.spareNormal !== 'number' || !Number.isFinite(state.spareNormal))) {
    throw new RolloutJobError(`${where}.spareNormal must be a finite number or null, got ${describeShort(state.spareNormal)}`);
  }
  return value as RngState;
}

function record(value: unknown, where: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new RolloutJobError(`${where} must be an object, got ${describeShort(value)}`);
  return value as Record<string, unknown>;
}

function list(value: unknown, where: string, max: number): unknown[] {
  if (!Array.isArray(value)) throw new RolloutJobError(`${where} must be an array, got ${describeShort(value)}`);
  if (value.length > max) throw new RolloutJobError(`${where} has ${value.length} entries; at most ${max} allowed`);
  return value;
}

function text(value: unknown, where: string, maxLength: number): void {
  if (typeof value !== 'string' || value.length === 0) throw new RolloutJobError(`${where} must be a non-empty string, got ${describeShort(value)}`);
  if (value.length > maxLength) throw new RolloutJobError(`${where} is ${value.length} characters long; at most ${maxLength} allowed`);
}

function integer(value: unknown, where: string, lo: number, hi: number): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < lo || value > hi) throw new RolloutJobError(`${where} must be an integer in [${lo}, ${hi}], got ${describeShort(value)}`);
}
