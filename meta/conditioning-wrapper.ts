import type { Env, Info, ResetArgs, ResetResult, StepResult } from '../envs/core/env.js';
import { Wrapper } from '../envs/core/wrapper.js';
import { Box } from '../envs/spaces/box.js';
import { Discrete } from '../envs/spaces/discrete.js';
import type { Space } from '../envs/spaces/space.js';
import { isTaskEnv, type Task } from '../envs/tasks/task.js';
import type { EmbeddingSource } from './embedding-source.js';
import { EpisodeBuffer, EpisodeRecorder, type BufferPolicy, type EpisodeRecord } from './episode-buffer.js';
import { stepFeatures, type StepFeatures } from './step-features.js';

/** How the agent sees the task vector. */
export type ConditioningMode =
  /** Box observations: the embedding is appended to the observation (FLASH). */
  | { readonly kind: 'concat' }
  /** Discrete observations (tabular agents): obs' = cluster × n + obs, the cluster from `cluster(e)`. */
  | { readonly kind: 'cluster'; readonly clusters: number; readonly cluster: (embedding: Float32Array) => number };

/** Options of {@link TaskConditioningWrapper}. */
export interface ConditioningOptions {
  readonly source: EmbeddingSource;
  /** Episodes kept per task (K = 8 in FLASH, 32 in AWARE; default 8). */
  readonly bufferCapacity?: number;
  readonly bufferPolicy?: BufferPolicy;
  /** Default `{ kind: 'concat' }`. */
  readonly mode?: ConditioningMode;
}

/** One recorded step, for training the encoder through the agent's loss. */
export interface LoggedStep {
  /** The inner env's observation before the step (features, without the embedding). */
  readonly observation: Float32Array;
  readonly nextObservation: Float32Array;
  readonly action: unknown;
  readonly reward: number;
  readonly terminated: boolean;
  readonly truncated: boolean;
  /** Index into {@link TransitionLog.contexts}: the episodes the step's embedding was computed from. */
  readonly context: number;
  readonly task: Task | undefined;
}

/** What the wrapper recorded since the last drain. */
export interface TransitionLog {
  readonly steps: LoggedStep[];
  readonly contexts: (readonly EpisodeRecord[])[];
}

/** Observes each step (for metrics: SLO violations, utilization…). */
export type StepObserver = (info: Info, reward: number, done: boolean) => void;

/**
 * The task-conditioning wrapper: the agent, unchanged, is built on this env, whose observation is the
 * inner observation plus a task vector. At every reset the vector is recomputed from the task's
 * episode buffer (FLASH/AWARE: the top-K episodes of the current task) and then held for the episode.
 * Every finished episode goes to its task's buffer; buffers are kept per task id, so switching tasks
 * (`setTask`, or a `task` reset option) switches contexts. It also logs transitions so an encoder can be
 * trained through the agent's loss (see `end-to-end.ts`) or by a self-supervised objective.
 */
export class TaskConditioningWrapper extends Wrapper<Float32Array | number, unknown, unknown, unknown> {
  readonly features: StepFeatures;
  readonly source: EmbeddingSource;
  readonly mode: ConditioningMode;
  readonly bufferCapacity: number;
  readonly bufferPolicy: BufferPolicy;
  /** Whether transitions are logged (on while pretraining or adapting end to end). */
  logging = false;
  private readonly space: Space<Float32Array | number>;
  private readonly buffers = new Map<string, EpisodeBuffer>();
  private readonly recorder: EpisodeRecorder;
  private readonly row: Float32Array;
  private pendingTask: Task | undefined;
  private lastObs: Float32Array | undefined;
  private embedding: Float32Array;
  private contextIndex = -1;
  private log: TransitionLog = { steps: [], contexts: [] };
  private episodeTask: Task | undefined;
  private observers: StepObserver[] = [];

  constructor(env: Env<unknown, unknown>, options: ConditioningOptions) {
    super(env);
    this.source = options.source;
    this.mode = options.mode ?? { kind: 'concat' };
    this.bufferCapacity = options.bufferCapacity ?? 8;
    this.bufferPolicy = options.bufferPolicy ?? 'topK';
    new EpisodeBuffer(this.bufferCapacity, this.bufferPolicy); // validates both
    this.features = stepFeatures(env.observationSpace, env.actionSpace);
    const o = this.features.observationSize;
    this.recorder = new EpisodeRecorder(2 * o + this.features.actionSize + 1);
    this.row = new Float32Array(this.recorder.rowSize);
    this.embedding = new Float32Array(this.source.size);
    const inner = env.observationSpace;
    if (this.mode.kind === 'concat') {
      if (!(inner instanceof Box)) throw new TypeError(`TaskConditioningWrapper: mode "concat" needs a Box observation space, got ${inner.toString()}; use mode "cluster" for Discrete`);
      const low = [...inner.low, ...new Array<number>(this.source.size).fill(-Infinity)];
      const high = [...inner.high, ...new Array<number>(this.source.size).fill(Infinity)];
      this.space = new Box(low, high, { shape: [low.length] }) as Space<Float32Array | number>;
    } else {
      if (!(inner instanceof Discrete)) throw new TypeError(`TaskConditioningWrapper: mode "cluster" needs a Discrete observation space, got ${inner.toString()}`);
      if (!Number.isInteger(this.mode.clusters) || this.mode.clusters < 1) throw new RangeError(`TaskConditioningWrapper: clusters must be a positive integer, got ${this.mode.clusters}`);
      this.space = new Discrete(inner.n * this.mode.clusters) as Space<Float32Array | number>;
    }
  }

  override get observationSpace(): Space<Float32Array | number> {
    return this.space;
  }

  /** The task vector in effect for the current episode. */
  get currentEmbedding(): Float32Array {
    return this.embedding;
  }

  /** The task the inner env runs now (undefined for envs without tasks). */
  get task(): Task | undefined {
    const inner = this.env.unwrapped;
    return isTaskEnv(inner) ? inner.task : undefined;
  }

  /** Switches the task at the next reset (whoever calls it: the agent's autoreset included). */
  setTask(task: Task): void {
    this.pendingTask = task;
  }

  /** The episode buffer of a task (created empty when missing). */
  bufferOf(taskId: string): EpisodeBuffer {
    let buffer = this.buffers.get(taskId);
    if (buffer === undefined) {
      buffer = new EpisodeBuffer(this.bufferCapacity, this.bufferPolicy);
      this.buffers.set(taskId, buffer);
    }
    return buffer;
  }

  /** Forgets a task's episodes (e.g. after a detected drift, to re-identify the task). */
  clearBuffer(taskId: string): void {
    this.buffers.delete(taskId);
  }

  /** Registers a step observer; returns a function that removes it. */
  observe(observer: StepObserver): () => void {
    this.observers.push(observer);
    return () => {
      this.observers = this.observers.filter((o) => o !== observer);
    };
  }

  /** Returns and clears the transition log. */
  drainLog(): TransitionLog {
    const out = this.log;
    this.log = { steps: [], contexts: [] };
    this.contextIndex = -1;
    return out;
  }

  /** Recomputes the current episode's vector (after the encoder's parameters changed). */
  refreshEmbedding(): void {
    this.embedding = this.source.embed(this.contextSnapshot(), this.episodeTask);
  }

  override reset(args: ResetArgs = {}): ResetResult<Float32Array | number> {
    let resetArgs = args;
    if (this.pendingTask !== undefined && args.options?.task === undefined) {
      resetArgs = { ...args, options: { ...(args.options ?? {}), task: this.pendingTask } };
    }
    const result = this.env.reset(resetArgs);
    this.pendingTask = undefined;
    this.finishEpisode();
    this.episodeTask = this.task;
    this.lastObs = this.readObservation(result.observation);
    const context = this.contextSnapshot();
    this.embedding = this.source.embed(context, this.episodeTask);
    if (this.logging) {
      this.log.contexts.push(context);
      this.contextIndex = this.log.contexts.length - 1;
    }
    return { observation: this.conditioned(result.observation), info: result.info };
  }

  override step(action: unknown): StepResult<Float32Array | number> {
    const result = this.env.step(action);
    const next = this.readObservation(result.observation);
    const prev = this.lastObs as Float32Array;
    const o = this.features.observationSize;
    this.row.set(prev, 0);
    this.features.writeAction(action, this.row, o);
    this.row[o + this.features.actionSize] = result.reward;
    this.row.set(next, o + this.features.actionSize + 1);
    this.recorder.push(this.row, result.reward);
    if (this.logging && this.contextIndex >= 0) {
      this.log.steps.push({ observation: prev, nextObservation: next, action, reward: result.reward, terminated: result.terminated, truncated: result.truncated, context: this.contextIndex, task: this.episodeTask });
    }
    this.lastObs = next;
    const done = result.terminated || result.truncated;
    for (const observer of this.observers) observer(result.info, result.reward, done);
    if (done) this.finishEpisode();
    return { ...result, observation: this.conditioned(result.observation) };
  }

  private contextSnapshot(): readonly EpisodeRecord[] {
    if (!this.source.usesContext) return [];
    return this.bufferOf(this.taskKey(this.episodeTask)).snapshot();
  }

  private taskKey(task: Task | undefined): string {
    return task?.id ?? '(no task)';
  }

  private finishEpisode(): void {
    if (this.recorder.length === 0) return;
    this.bufferOf(this.taskKey(this.episodeTask)).add(this.recorder.finish());
  }

  private readObservation(observation: unknown): Float32Array {
    const out = new Float32Array(this.features.observationSize);
    this.features.writeObservation(observation, out, 0);
    return out;
  }

  private conditioned(observation: unknown): Float32Array | number {
    if (this.mode.kind === 'cluster') {
      const n = (this.env.observationSpace as Discrete).n;
      const start = (this.env.observationSpace as Discrete).start;
      return this.mode.cluster(this.embedding) * n + ((observation as number) - start);
    }
    const obs = observation as Float32Array;
    const out = new Float32Array(obs.length + this.embedding.length);
    out.set(obs, 0);
    out.set(this.embedding, obs.length);
    return out;
  }
}
