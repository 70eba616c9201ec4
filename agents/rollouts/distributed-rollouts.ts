/**
 * PPO's distributed rollout collection (the learner's side): each rollout phase ships the current policy
 * weights with one job per shard of sub-envs to a BullMQ queue, and gathers the shards' trajectories into
 * per-step batches, as if a local vector env of all the sub-envs had been stepped.
 *
 * Design (why the result equals the local run bit for bit):
 * - Actions: every sub-env samples from its own RNG stream (`deriveActionStreams`), locally and on the
 *   workers, with the same per-row `sampleActions`; a job carries its sub-envs' stream states and returns
 *   them advanced.
 * - Env state across phases: jobs are stateless. A job carries, per sub-env, an {@link EpisodeCursor}
 *   (how the current episode started: its seed, or the env's RNG state before the autoreset; and the
 *   actions since), the worker rebuilds the env by replaying it, and returns the new cursor. A killed
 *   worker's job is retried anywhere (BullMQ's stall detection) with the same result; no worker keeps
 *   state between jobs.
 * - Job ids are run × update × shard: a job added twice is one job, and its result is used once.
 * - Values, bootstrapping of truncated episodes and GAE stay with the learner, on the same code as local.
 */
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import type { Rng } from '../../envs/rng/rng.js';
import type { Space } from '../../envs/spaces/space.js';
import type { WrapperSpec } from '../../envs/vector/wrapper-registry.js';
import { buildEnv, importModules } from '../../envs/vector/env-recipe.js';
import { spaceToJson } from '../common/space-json.js';
import type { ActorCriticPolicy } from '../policies/actor-critic.js';
import type { EpisodeCursor, RolloutEnvRecipe, RolloutJobData } from '../../queue/rollouts/job-format.js';
import { DEFAULT_ROLLOUT_QUEUE, assertRunId } from '../../queue/rollouts/names.js';
import type { RolloutClient } from '../../queue/rollouts/rollout-client.js';
import type { ShardTrajectories, TransitionArrays } from '../../queue/rollouts/result-format.js';

/** PPO's `rollouts` option: collect rollouts on BullMQ workers instead of the local env. */
export interface DistributedRolloutOptions {
  /** `redis://[:password@]host[:port][/db]` or `rediss://…` (TLS). */
  readonly queue: string;
  /** Jobs per rollout phase: the sub-envs are split into this many contiguous shards (at most numEnvs). */
  readonly workers: number;
  /**
   * How a worker builds one sub-env: a registered env id with kwargs, wrappers by registered name, and
   * modules (each must be allowed by the worker). It must describe the sub-envs of the agent's env.
   */
  readonly env: { readonly id: string; readonly kwargs?: Record<string, unknown>; readonly wrappers?: WrapperSpec[]; readonly modules?: string[] };
  /** Names this run's jobs (default: a random UUID); letters, digits, '_', '.', '-'. */
  readonly runId?: string;
  /** Queue name (default `flash-gym-rollouts`; a worker started with `--prefix P` serves `P-rollouts`). */
  readonly queueName?: string;
  /** How long a phase may wait for its jobs (default 10 minutes). */
  readonly jobTimeoutMs?: number;
  /** Attempts per job on recoverable failures (default 3); a killed worker's job is retried by stall detection. */
  readonly attempts?: number;
}

const OPTION_KEYS = ['queue', 'workers', 'env', 'runId', 'queueName', 'jobTimeoutMs', 'attempts'];

/** One step of all sub-envs, as the local env batch would have produced it. */
export interface GatheredStep extends TransitionArrays {
  readonly finalObservations: (Float32Array | null)[];
}

/** What the learner tells the collector about itself. */
export interface RolloutLearner {
  readonly numEnvs: number;
  readonly observationSpace: Space<unknown>;
  readonly actionSpace: Space<unknown>;
  readonly autoreset: 'next-step' | 'same-step';
  readonly obsSize: number;
  readonly actionWidth: number;
  readonly policy: ActorCriticPolicy;
}

/** Checks the `rollouts` option, naming the field at fault; returns it with defaults filled in. */
export function checkRolloutOptions(value: unknown, numEnvs: number, who: string): Required<Omit<DistributedRolloutOptions, 'env'>> & { env: RolloutEnvRecipe } {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new TypeError(`${who}: rollouts must be { queue, workers, env, ... }, got ${JSON.stringify(value)}`);
  const o = value as Record<string, unknown>;
  for (const key of Object.keys(o)) if (!OPTION_KEYS.includes(key)) throw new RangeError(`${who}: unknown rollouts option "${key}"; allowed: ${OPTION_KEYS.join(', ')}`);
  if (typeof o.queue !== 'string' || !/^rediss?:\/\//.test(o.queue)) throw new RangeError(`${who}: rollouts.queue must be a redis:// or rediss:// URL`);
  if (!Number.isInteger(o.workers) || (o.workers as number) < 1) throw new RangeError(`${who}: rollouts.workers must be a positive integer, got ${JSON.stringify(o.workers)}`);
  if ((o.workers as number) > numEnvs) throw new RangeError(`${who}: rollouts.workers (${String(o.workers)}) must be at most the number of envs (${numEnvs}): each job steps at least one sub-env`);
  const env = o.env as DistributedRolloutOptions['env'] | undefined;
  if (env === null || typeof env !== 'object' || typeof env.id !== 'string') throw new TypeError(`${who}: rollouts.env must be { id, kwargs?, wrappers?, modules? } naming how a worker builds one sub-env`);
  const runId = o.runId ?? `ppo-${randomUUID()}`;
  assertRunId(runId, `${who}: rollouts`);
  const timeout = o.jobTimeoutMs ?? 600_000;
  if (typeof timeout !== 'number' || !(timeout > 0)) throw new RangeError(`${who}: rollouts.jobTimeoutMs must be > 0, got ${JSON.stringify(timeout)}`);
  const attempts = o.attempts ?? 3;
  if (!Number.isInteger(attempts) || (attempts as number) < 1) throw new RangeError(`${who}: rollouts.attempts must be a positive integer, got ${JSON.stringify(attempts)}`);
  const queueName = o.queueName ?? DEFAULT_ROLLOUT_QUEUE;
  if (typeof queueName !== 'string' || queueName === '' || queueName.includes(':')) throw new RangeError(`${who}: rollouts.queueName must be a non-empty string without ':', got ${JSON.stringify(queueName)}`);
  return {
    queue: o.queue,
    workers: o.workers as number,
    // Workers accept absolute module paths only (resolved against this process's working directory).
    env: { id: env.id, kwargs: { ...(env.kwargs ?? {}) }, wrappers: [...(env.wrappers ?? [])], modules: (env.modules ?? []).map((m) => resolve(m)) },
    runId,
    queueName,
    jobTimeoutMs: timeout,
    attempts: attempts as number,
  };
}

/** The learner's distributed collector: cursors of the sub-envs' episodes, jobs, and gathering. */
export class DistributedRollouts {
  private cursors: EpisodeCursor[] = [];
  private client: RolloutClient | undefined;
  private checked = false;
  private update = 0;

  constructor(
    readonly options: ReturnType<typeof checkRolloutOptions>,
    private readonly learner: RolloutLearner,
  ) {}

  /** Starts every sub-env's episode afresh: sub-env i is reset with `seed + i` (as a local vector env). */
  resetEpisodes(seed: number): void {
    this.cursors = Array.from({ length: this.learner.numEnvs }, (_, i) => ({ start: { seed: seed + i }, actions: [] }));
  }

  /**
   * Collects `nSteps` steps of every sub-env with the current policy; `streams[i]` is sub-env i's action
   * RNG, advanced in place as if the learner had sampled the actions itself.
   */
  async collect(nSteps: number, streams: readonly Rng[]): Promise<{ steps: GatheredStep[]; nextObservations: Float32Array }> {
    if (this.cursors.length === 0) throw new Error('DistributedRollouts.collect: resetEpisodes first');
    await this.checkRecipe();
    const { RolloutClient } = await import('../../queue/rollouts/rollout-client.js');
    const { decodeRolloutResult } = await import('../../queue/rollouts/result-format.js');
    this.client ??= await RolloutClient.open(this.options.queue, { queueName: this.options.queueName, jobTimeoutMs: this.options.jobTimeoutMs, attempts: this.options.attempts });
    const l = this.learner;
    const n = l.numEnvs;
    const update = this.update;
    const shards = shardRanges(n, this.options.workers);
    const { toBase64 } = await import('../../queue/rollouts/wire.js');
    const policy = {
      netArch: { pi: [...l.policy.netArch.pi], vf: [...l.policy.netArch.vf] },
      activation: l.policy.activation,
      weights: toBase64(l.policy.params.values),
      observationSpace: spaceToJson(l.observationSpace),
      actionSpace: spaceToJson(l.actionSpace),
    };
    const jobs: RolloutJobData[] = shards.map(([lo, hi], shard) => ({
      format: 1,
      runId: this.options.runId,
      update,
      shard,
      env: this.options.env,
      autoreset: l.autoreset,
      nSteps,
      policy,
      subEnvs: range(lo, hi).map((i) => ({ index: i, cursor: this.cursors[i], actionRng: streams[i].getState() })),
    }));
    const raw = await this.client.run(jobs);
    const results: ShardTrajectories[] = raw.map((value, s) =>
      decodeRolloutResult(value, { runId: this.options.runId, update, shard: s, nSteps, indices: range(shards[s][0], shards[s][1]), obsSize: l.obsSize, actionWidth: l.actionWidth }),
    );
    // Every result arrived and checked: only now advance the learner's state (nothing half-changed on failure).
    this.update += 1;
    results.forEach((r, s) => r.subEnvs.forEach((sub, k) => {
      const i = shards[s][0] + k;
      this.cursors[i] = sub.cursor;
      streams[i].setState(sub.actionRng);
    }));
    return { steps: gatherSteps(results, shards, nSteps, n, l.obsSize, l.actionWidth), nextObservations: gatherRows(results.map((r) => r.nextObservations), shards, l.obsSize, n) };
  }

  /** Closes the queue connection (a later `collect` reopens it). */
  async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    await client?.close();
  }

  /** Once: builds one sub-env from the recipe here and checks it has the agent's spaces. */
  private async checkRecipe(): Promise<void> {
    if (this.checked) return;
    const recipe = this.options.env;
    await importModules(recipe.modules);
    const env = buildEnv({ ...recipe, modules: [] });
    try {
      if (!env.observationSpace.equals(this.learner.observationSpace)) throw new RangeError(`PPO: rollouts.env ${recipe.id} has observation space ${env.observationSpace.toString()}, the agent's env ${this.learner.observationSpace.toString()}`);
      if (!env.actionSpace.equals(this.learner.actionSpace)) throw new RangeError(`PPO: rollouts.env ${recipe.id} has action space ${env.actionSpace.toString()}, the agent's env ${this.learner.actionSpace.toString()}`);
    } finally {
      env.close();
    }
    this.checked = true;
  }
}

/** Contiguous, balanced shards `[lo, hi)` of `n` sub-envs. */
export function shardRanges(n: number, shards: number): [number, number][] {
  const k = Math.min(shards, n);
  return Array.from({ length: k }, (_, s) => [Math.floor((s * n) / k), Math.floor(((s + 1) * n) / k)] as [number, number]);
}

function range(lo: number, hi: number): number[] {
  return Array.from({ length: hi - lo }, (_, k) => lo + k);
}

function gatherRows(parts: readonly Float32Array[], shards: readonly [number, number][], width: number, n: number): Float32Array {
  const out = new Float32Array(n * width);
  parts.forEach((p, s) => out.set(p, shards[s][0] * width));
  return out;
}

/** Interleaves the shards' step-major arrays into one batch per step, in sub-env order. */
function gatherSteps(results: readonly ShardTrajectories[], shards: readonly [number, number][], nSteps: number, n: number, os: number, d: number): GatheredStep[] {
  const steps: GatheredStep[] = [];
  for (let t = 0; t < nSteps; t++) {
    const step: GatheredStep = {
      observations: new Float32Array(n * os),
      actions: new Float32Array(n * d),
      logProbs: new Float64Array(n),
      rewards: new Float64Array(n),
      terminated: new Uint8Array(n),
      truncated: new Uint8Array(n),
      resetSteps: new Uint8Array(n),
      finalObservations: new Array<Float32Array | null>(n).fill(null),
    };
    results.forEach((r, s) => {
      const [lo, hi] = shards[s];
      const count = hi - lo;
      const row = t * count;
      step.observations.set(r.observations.subarray(row * os, (row + count) * os), lo * os);
      step.actions.set(r.actions.subarray(row * d, (row + count) * d), lo * d);
      step.logProbs.set(r.logProbs.subarray(row, row + count), lo);
      step.rewards.set(r.rewards.subarray(row, row + count), lo);
      step.terminated.set(r.terminated.subarray(row, row + count), lo);
      step.truncated.set(r.truncated.subarray(row, row + count), lo);
      step.resetSteps.set(r.resetSteps.subarray(row, row + count), lo);
      for (let k = 0; k < count; k++) step.finalObservations[lo + k] = r.finals[row + k];
    });
    steps.push(step);
  }
  return steps;
}
