import type { AnyEnv, Info } from '../core/env.js';
import type { AutoresetMode, BatchArray } from './vector-env.js';
import { allocTyped, readRow, writeRow, type SpaceLayout } from './batch-layout.js';
import { SubEnvError, envIdOf } from './sub-env-error.js';
import type { InfoRecord } from './vector-info.js';

/** The arrays a batch lives in (plain or shared); sub-env i owns row i of each. */
export interface BatchBuffers {
  observations: BatchArray;
  actions: BatchArray;
  rewards: Float64Array;
  terminations: Uint8Array;
  truncations: Uint8Array;
}

/** What a reset of a shard gets: per-env seeds (global indices), options, and an optional reset mask. */
export interface ShardResetRequest {
  seeds: ReadonlyArray<number | undefined>;
  options: Record<string, unknown> | undefined;
  mask: ArrayLike<number> | undefined;
}

/**
 * Steps a contiguous shard of a vector env's sub-envs (indices `firstIndex …`), reading actions from and
 * writing results to the shared batch buffers, with Gymnasium 1.x's autoreset rules. The sync vector env
 * runs one shard with every sub-env; each worker thread runs its own — the same code, so both give the
 * same bits.
 */
export class ShardRunner {
  /** Next-step mode: sub-envs that ended on the previous step and are reset on this one. */
  private readonly autoresetPending: Uint8Array;
  /** One reusable action element per sub-env (Box rows are typed arrays; Discrete a number). */
  private readonly actionScratch: BatchArray[];

  constructor(
    private readonly envs: readonly AnyEnv[],
    readonly firstIndex: number,
    private readonly obsLayout: SpaceLayout,
    private readonly actLayout: SpaceLayout,
    private readonly buffers: BatchBuffers,
    private readonly mode: AutoresetMode,
  ) {
    this.autoresetPending = new Uint8Array(envs.length);
    this.actionScratch = envs.map(() => allocTyped(actLayout.dtype, actLayout.rowSize, false));
  }

  /** Number of sub-envs in the shard. */
  get size(): number {
    return this.envs.length;
  }

  /** Resets the shard's sub-envs (those marked in the mask, if one is given); returns their infos in order. */
  reset(request: ShardResetRequest): InfoRecord[] {
    const records: InfoRecord[] = [];
    for (let k = 0; k < this.envs.length; k++) {
      const index = this.firstIndex + k;
      if (request.mask !== undefined && !request.mask[index]) continue;
      const env = this.envs[k];
      let result;
      try {
        result = env.reset({ seed: request.seeds[index], options: request.options });
      } catch (error) {
        throw SubEnvError.wrap(error, index, envIdOf(env), 'reset');
      }
      this.writeObservation(index, result.observation, env);
      this.buffers.rewards[index] = 0;
      this.buffers.terminations[index] = 0;
      this.buffers.truncations[index] = 0;
      this.autoresetPending[k] = 0;
      pushInfo(records, index, result.info);
    }
    return records;
  }

  /** Steps every sub-env of the shard with its row of `buffers.actions`; returns infos in order. */
  step(): InfoRecord[] {
    const records: InfoRecord[] = [];
    const { rewards, terminations, truncations } = this.buffers;
    for (let k = 0; k < this.envs.length; k++) {
      const index = this.firstIndex + k;
      const env = this.envs[k];
      let info: Info;
      if (this.mode === 'next-step' && this.autoresetPending[k]) {
        info = this.autoreset(env, index);
        rewards[index] = 0;
        terminations[index] = 0;
        truncations[index] = 0;
      } else {
        let result;
        try {
          result = env.step(this.actionOf(k, index));
        } catch (error) {
          throw SubEnvError.wrap(error, index, envIdOf(env), 'step');
        }
        this.writeObservation(index, result.observation, env);
        rewards[index] = result.reward;
        terminations[index] = result.terminated ? 1 : 0;
        truncations[index] = result.truncated ? 1 : 0;
        info = result.info;
        if (this.mode === 'same-step' && (result.terminated || result.truncated)) {
          // Gymnasium adds {final_obs, final_info} first, then the info of the reset that follows.
          records.push({ index, info: { finalObs: readRow(this.obsLayout, this.buffers.observations, index), finalInfo: info } });
          info = this.autoreset(env, index);
        }
      }
      this.autoresetPending[k] = terminations[index] | truncations[index];
      pushInfo(records, index, info);
    }
    return records;
  }

  /** Closes every sub-env, even when one throws; rethrows the first failure afterwards. */
  close(): void {
    let failure: SubEnvError | undefined;
    this.envs.forEach((env, k) => {
      try {
        env.close();
      } catch (error) {
        failure ??= SubEnvError.wrap(error, this.firstIndex + k, envIdOf(env), 'close');
      }
    });
    if (failure !== undefined) throw failure;
  }

  /** Resets sub-env `index` (continuing its RNG), writes its observation and returns the reset's info. */
  private autoreset(env: AnyEnv, index: number): Info {
    let reset;
    try {
      reset = env.reset();
    } catch (error) {
      throw SubEnvError.wrap(error, index, envIdOf(env), 'reset');
    }
    this.writeObservation(index, reset.observation, env);
    return reset.info;
  }

  private actionOf(k: number, index: number): number | BatchArray {
    const { rowSize, scalar } = this.actLayout;
    const actions = this.buffers.actions;
    if (scalar) return actions[index];
    const scratch = this.actionScratch[k];
    const base = index * rowSize;
    for (let j = 0; j < rowSize; j++) scratch[j] = actions[base + j];
    return scratch;
  }

  private writeObservation(index: number, observation: unknown, env: AnyEnv): void {
    writeRow(this.obsLayout, this.buffers.observations, index, observation, `sub-env ${index} (${envIdOf(env)})`);
  }
}

function pushInfo(records: InfoRecord[], index: number, info: Info): void {
  if (info !== null && typeof info === 'object' && Object.keys(info).length > 0) records.push({ index, info });
}
