/**
 * One sub-env on a rollout worker: rebuilt from its {@link EpisodeCursor} (reset as the episode was, then
 * the episode's actions replayed), then stepped with Gymnasium 1.x's autoreset rules — the same rules as
 * `ShardRunner` and the agents' env batch apply locally, so the steps match a local vector env bit for bit.
 *
 * Why replay and not a snapshot: envs have no general snapshot, but every flash-gym env draws all its
 * randomness from its own seeded RNG (`npRandom`), so its start (a seed, or the RNG state before an
 * un-seeded reset) plus the actions since determine it. The cost is replaying the current episode once per
 * job (at most one episode's steps).
 */
import type { AnyEnv } from '../../envs/core/env.js';
import type { RngState } from '../../envs/rng/rng.js';
import type { ActionKind, ObservationEncoder } from '../../agents/common/spaces.js';
import { RolloutJobError, type EpisodeCursor } from './job-format.js';

/** What one step of a sub-env produced. */
export interface SubEnvStep {
  reward: number;
  terminated: boolean;
  truncated: boolean;
  /** A next-step autoreset: the action was ignored and a new episode began. */
  resetStep: boolean;
  /** The encoded final observation when an episode ended in this step. */
  final: Float32Array | null;
}

interface SeededRng {
  getState(): RngState;
  setState(state: RngState): void;
}

/** The env's own RNG (`BaseEnv.npRandom` under the wrappers); throws when the env has none. */
function rngOf(env: AnyEnv): SeededRng {
  const inner = env.unwrapped as unknown as { npRandom?: SeededRng };
  const rng = inner.npRandom;
  if (rng === undefined || typeof rng.getState !== 'function' || typeof rng.setState !== 'function') {
    throw new RolloutJobError(`env ${env.spec?.id ?? env.constructor.name} exposes no npRandom RNG; distributed rollouts rebuild episodes from it (extend BaseEnv)`);
  }
  return rng;
}

/** A sub-env rebuilt from its cursor, stepped with the autoreset rule of the learner's env. */
export class SubEnvReplay {
  /** The encoded observation to act on next. */
  readonly observation: Float32Array;
  private start: EpisodeCursor['start'];
  private actions: number[];
  private pendingReset = false;

  constructor(
    private readonly env: AnyEnv,
    cursor: EpisodeCursor,
    private readonly encoder: ObservationEncoder,
    private readonly action: ActionKind,
    private readonly mode: 'next-step' | 'same-step',
    where: string,
  ) {
    this.observation = new Float32Array(encoder.size);
    this.start = cursor.start;
    this.actions = [...cursor.actions];
    const first = 'seed' in cursor.start ? env.reset({ seed: cursor.start.seed }) : this.resetFrom(cursor.start.rng);
    this.encoder.write(first.observation, this.observation, 0);
    const width = this.action.kind === 'discrete' ? 1 : this.action.size;
    if (this.actions.length % width !== 0) throw new RolloutJobError(`${where}.cursor.actions has ${this.actions.length} values, not a multiple of the action size ${width}`);
    for (let k = 0; k < this.actions.length; k += width) {
      if (this.pendingReset) throw new RolloutJobError(`${where}.cursor.actions continue after the episode ended (at value ${k})`);
      const result = this.env.step(this.replayAction(k, width));
      this.encoder.write(result.observation, this.observation, 0);
      if (result.terminated || result.truncated) {
        if (this.mode === 'same-step') throw new RolloutJobError(`${where}.cursor holds an ended episode, which same-step autoreset never leaves`);
        this.pendingReset = true;
      }
    }
  }

  /** The cursor of the episode in progress, for the next job. */
  cursor(): EpisodeCursor {
    return { start: this.start, actions: [...this.actions] };
  }

  /** Steps with an env action (already clipped / shifted, as the learner's env batch sends it). */
  step(envAction: number | Float32Array): SubEnvStep {
    if (this.pendingReset) {
      this.pendingReset = false;
      this.autoreset();
      return { reward: 0, terminated: false, truncated: false, resetStep: true, final: null };
    }
    const result = this.env.step(envAction);
    if (typeof envAction === 'number') this.actions.push(envAction);
    else for (const v of envAction) this.actions.push(v);
    this.encoder.write(result.observation, this.observation, 0);
    const done = result.terminated || result.truncated;
    const final = done ? Float32Array.from(this.observation) : null;
    if (done) {
      if (this.mode === 'next-step') this.pendingReset = true;
      else this.autoreset();
    }
    return { reward: result.reward, terminated: result.terminated, truncated: result.truncated, resetStep: false, final };
  }

  /** Starts a new episode by an un-seeded reset (continuing the env's RNG), remembering the RNG state first. */
  private autoreset(): void {
    const state = rngOf(this.env).getState();
    const reset = this.env.reset();
    this.start = { rng: state };
    this.actions = [];
    this.encoder.write(reset.observation, this.observation, 0);
  }

  private resetFrom(state: RngState): ReturnType<AnyEnv['reset']> {
    // An un-seeded reset of a never-seeded env would draw OS entropy; install the recorded state first.
    rngOf(this.env).setState(state);
    return this.env.reset();
  }

  private replayAction(k: number, width: number): number | Float32Array {
    if (this.action.kind === 'discrete') return this.actions[k];
    // clip() of an already clipped vector returns it unchanged, in the space's own array type.
    return this.action.space.clip(this.actions.slice(k, k + width)) as Float32Array;
  }
}
