import ndarray from 'ndarray';
import type { NdArray } from 'ndarray';
import { EnvError, InvalidOptionError, describeValue } from '../core/errors.js';
import { assertValidSeed } from '../rng/rng.js';
import type { Space } from '../spaces/space.js';
import type {
  AutoresetMode,
  BatchArray,
  BatchedActions,
  VectorEnv,
  VectorResetArgs,
  VectorResetResult,
  VectorStepResult,
} from './vector-env.js';
import { allocRows, allocTyped, layoutOf, type SpaceLayout } from './batch-layout.js';
import { batchSpace } from './batch-space.js';
import { copyBatchedActions } from './batched-actions.js';
import type { BatchBuffers, ShardResetRequest } from './shard-runner.js';
import { mergeInfoRecords, type InfoRecord } from './vector-info.js';

const AUTORESET_MODES: readonly AutoresetMode[] = ['next-step', 'same-step', 'disabled'];

/** Throws an error listing the allowed modes unless `mode` is one. */
export function assertAutoresetMode(mode: unknown, owner: string): asserts mode is AutoresetMode {
  if (!AUTORESET_MODES.includes(mode as AutoresetMode)) {
    throw new InvalidOptionError(`${owner}: autoreset must be one of ${AUTORESET_MODES.map((m) => `"${m}"`).join(', ')}, got ${describeValue(mode)}`);
  }
}

/**
 * What the sync and worker vector envs share: spaces and their row layouts, the batch buffers (shared
 * memory for workers) with their ndarray views, argument checking for reset and step (all before any
 * sub-env is touched), the disabled-autoreset rule, the closed and failed states, and the infos dict.
 * Subclasses only say how the shards are reset and stepped.
 */
export abstract class BufferedVectorEnv<Obs, Act> implements VectorEnv<Obs, Act> {
  readonly observationSpace: Space<unknown>;
  readonly actionSpace: Space<unknown>;
  protected readonly obsLayout: SpaceLayout;
  protected readonly actLayout: SpaceLayout;
  protected readonly buffers: BatchBuffers;
  private readonly observationView: NdArray<BatchArray>;
  /** Sub-envs that ended on the last step and were not reset yet (drives the disabled-mode check). */
  private readonly ended: Uint8Array;
  private hasReset = false;
  /** Set when a sub-env failed mid-call, so the batch is partly updated: only a full reset or close is allowed. */
  protected failure: Error | undefined;
  protected closed = false;

  protected constructor(
    readonly numEnvs: number,
    readonly singleObservationSpace: Space<Obs>,
    readonly singleActionSpace: Space<Act>,
    readonly autoresetMode: AutoresetMode,
    shared: boolean,
  ) {
    this.obsLayout = layoutOf(singleObservationSpace as Space<unknown>, 'observation');
    this.actLayout = layoutOf(singleActionSpace as Space<unknown>, 'action');
    this.observationSpace = batchSpace(singleObservationSpace as Space<unknown>, numEnvs);
    this.actionSpace = batchSpace(singleActionSpace as Space<unknown>, numEnvs);
    this.buffers = {
      observations: allocRows(this.obsLayout, numEnvs, shared),
      actions: allocRows(this.actLayout, numEnvs, shared),
      rewards: allocTyped('float64', numEnvs, shared) as Float64Array,
      terminations: allocTyped('uint8', numEnvs, shared) as Uint8Array,
      truncations: allocTyped('uint8', numEnvs, shared) as Uint8Array,
    };
    this.observationView = ndarray(this.buffers.observations, [numEnvs, ...this.obsLayout.shape]);
    this.ended = new Uint8Array(numEnvs);
  }

  /** Resets the marked shards' sub-envs; returns their infos in index order. */
  protected abstract resetShards(request: ShardResetRequest): InfoRecord[];

  /** Steps every shard with the actions already in `buffers.actions`; returns infos in index order. */
  protected abstract stepShards(): InfoRecord[];

  /** The class name used in messages. */
  protected get owner(): string {
    return this.constructor.name;
  }

  /**
   * Gymnasium's vector reset: sub-env i gets `seed + i` (or `seed[i]`); `options.resetMask` resets only the
   * marked sub-envs (the others keep their observation); the remaining options go to every sub-env.
   */
  reset(args: VectorResetArgs = {}): VectorResetResult {
    const request = this.resetRequest(args);
    return this.finishReset(request, this.resetShards(request));
  }

  /** Steps every sub-env with its row of `actions` (see {@link BatchedActions}). */
  step(actions: BatchedActions): VectorStepResult {
    this.prepareStep(actions);
    return this.finishStep(this.runGuarded(() => this.stepShards()));
  }

  abstract close(): void | Promise<void>;

  /** Checks reset's arguments and the env's state; throws before anything is reset. */
  protected resetRequest(args: VectorResetArgs): ShardResetRequest {
    this.assertOpen('reset');
    if (args === null || typeof args !== 'object') throw new InvalidOptionError(`${this.owner}.reset: expected { seed, options }, got ${describeValue(args)}`);
    const seeds = this.seedsOf(args.seed);
    let options: Record<string, unknown> | undefined;
    let mask: Uint8Array | undefined;
    if (args.options !== undefined && args.options !== null) {
      if (typeof args.options !== 'object' || Array.isArray(args.options)) {
        throw new InvalidOptionError(`${this.owner}.reset: options must be an object, got ${describeValue(args.options)}`);
      }
      const { resetMask, ...rest } = args.options;
      if (resetMask !== undefined) mask = this.maskOf(resetMask);
      options = Object.keys(rest).length > 0 ? rest : undefined;
    }
    if (mask !== undefined && this.failure !== undefined) {
      throw new EnvError(`${this.owner}.reset: a sub-env failed during the last call (${this.failure.message}); reset all sub-envs (no resetMask) or close()`);
    }
    if (mask !== undefined && !this.hasReset) throw new EnvError(`${this.owner}.reset: the first reset must reset every sub-env (no resetMask)`);
    return { seeds, options, mask };
  }

  /** Records a finished reset and builds its result. */
  protected finishReset(request: ShardResetRequest, records: InfoRecord[]): VectorResetResult {
    for (let i = 0; i < this.numEnvs; i++) if (request.mask === undefined || request.mask[i]) this.ended[i] = 0;
    if (request.mask === undefined) {
      this.failure = undefined;
      this.hasReset = true;
    }
    return { observations: this.observationView, infos: mergeInfoRecords(records, this.numEnvs) };
  }

  /** Checks the state and the actions and copies them into `buffers.actions`; throws before anything is stepped. */
  protected prepareStep(actions: BatchedActions): void {
    this.assertOpen('step');
    if (this.failure !== undefined) {
      throw new EnvError(`${this.owner}.step: a sub-env failed during the last call (${this.failure.message}); call reset() or close()`);
    }
    if (!this.hasReset) throw new EnvError(`${this.owner}.step: call reset() before step()`);
    if (this.autoresetMode === 'disabled') {
      const pending: number[] = [];
      for (let i = 0; i < this.numEnvs; i++) if (this.ended[i]) pending.push(i);
      if (pending.length > 0) {
        throw new EnvError(
          `${this.owner}.step: sub-envs ${pending.join(', ')} ended and autoreset is "disabled"; reset them first with reset({ options: { resetMask } })`,
        );
      }
    }
    copyBatchedActions(actions, this.actLayout, this.numEnvs, this.buffers.actions);
  }

  /** Records a finished step and builds its result. */
  protected finishStep(records: InfoRecord[]): VectorStepResult {
    const { rewards, terminations, truncations } = this.buffers;
    for (let i = 0; i < this.numEnvs; i++) this.ended[i] = terminations[i] | truncations[i];
    return { observations: this.observationView, rewards, terminations, truncations, infos: mergeInfoRecords(records, this.numEnvs) };
  }

  /** Runs a shard operation; a failure marks the batch as partly updated, then propagates. */
  protected runGuarded<T>(operation: () => T): T {
    try {
      return operation();
    } catch (error) {
      this.failure = error instanceof Error ? error : new Error(String(error));
      throw error;
    }
  }

  protected assertOpen(what: string): void {
    if (this.closed) throw new EnvError(`${this.owner}.${what}: the vector env is closed`);
  }

  private seedsOf(seed: VectorResetArgs['seed']): Array<number | undefined> {
    if (seed === undefined || seed === null) return new Array<number | undefined>(this.numEnvs).fill(undefined);
    if (typeof seed === 'number') {
      assertValidSeed(seed, `${this.owner}.reset: seed`);
      return Array.from({ length: this.numEnvs }, (_, i) => seed + i);
    }
    if (!Array.isArray(seed) || seed.length !== this.numEnvs) {
      throw new InvalidOptionError(`${this.owner}.reset: seed must be an integer or an array of ${this.numEnvs} integers, got ${describeValue(seed)}`);
    }
    return seed.map((s: number | undefined | null, i: number) => {
      if (s === undefined || s === null) return undefined;
      assertValidSeed(s, `${this.owner}.reset: seed[${i}]`);
      return s;
    });
  }

  private maskOf(resetMask: unknown): Uint8Array {
    const values = resetMask as ArrayLike<unknown>;
    const ok =
      (Array.isArray(resetMask) || (ArrayBuffer.isView(resetMask) && !(resetMask instanceof DataView))) &&
      values.length === this.numEnvs &&
      Array.prototype.every.call(values, (v: unknown) => v === true || v === false || v === 0 || v === 1);
    if (!ok) {
      throw new InvalidOptionError(
        `${this.owner}.reset: options.resetMask must be ${this.numEnvs} booleans (or 0/1 values), got ${describeValue(resetMask)}`,
      );
    }
    return Uint8Array.from(values as ArrayLike<number>, (v) => (v ? 1 : 0));
  }
}
