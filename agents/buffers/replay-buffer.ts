import type { Rng } from '../../envs/rng/rng.js';

/** A sampled minibatch of transitions; arrays are reused by the next `sample` call. */
export interface ReplaySample {
  readonly size: number;
  readonly observations: Float32Array;
  readonly actions: Float32Array;
  readonly nextObservations: Float32Array;
  readonly rewards: Float32Array;
  /** 1 where the episode truly ended (terminated): no bootstrap. Truncations store 0 (SB3's `handle_timeout_termination`). */
  readonly dones: Float32Array;
}

/** JSON-free form of a replay buffer's contents, for checkpoints. */
export interface ReplayBufferState {
  readonly pos: number;
  readonly full: boolean;
  readonly observations: Float32Array;
  readonly nextObservations: Float32Array;
  readonly actions: Float32Array;
  readonly rewards: Float32Array;
  readonly dones: Float32Array;
}

/**
 * A circular buffer of transitions (SB3's `ReplayBuffer`): `bufferSize` transitions in total, added a
 * batch of `numEnvs` at a time, sampled uniformly with the agent's seeded RNG. Storing the next
 * observation explicitly keeps episode boundaries and truncations (whose next observation is the final
 * one, not the reset one) correct.
 */
export class ReplayBuffer {
  readonly capacity: number;
  private readonly obs: Float32Array;
  private readonly nextObs: Float32Array;
  private readonly acts: Float32Array;
  private readonly rews: Float32Array;
  private readonly dns: Float32Array;
  private pos = 0;
  private isFull = false;
  private sampleBuffers: ReplaySample | undefined;

  constructor(
    bufferSize: number,
    readonly obsSize: number,
    readonly actionDim: number,
  ) {
    if (!Number.isInteger(bufferSize) || bufferSize <= 0) throw new RangeError(`ReplayBuffer: bufferSize must be a positive integer, got ${bufferSize}`);
    this.capacity = bufferSize;
    this.obs = new Float32Array(bufferSize * obsSize);
    this.nextObs = new Float32Array(bufferSize * obsSize);
    this.acts = new Float32Array(bufferSize * actionDim);
    this.rews = new Float32Array(bufferSize);
    this.dns = new Float32Array(bufferSize);
  }

  /** Number of transitions stored. */
  get size(): number {
    return this.isFull ? this.capacity : this.pos;
  }

  /** Adds one transition. */
  add(observation: ArrayLike<number>, obsOffset: number, nextObservation: ArrayLike<number>, nextOffset: number, action: ArrayLike<number>, actOffset: number, reward: number, done: boolean): void {
    const p = this.pos;
    const os = this.obsSize;
    for (let j = 0; j < os; j++) {
      this.obs[p * os + j] = observation[obsOffset + j];
      this.nextObs[p * os + j] = nextObservation[nextOffset + j];
    }
    const ad = this.actionDim;
    for (let j = 0; j < ad; j++) this.acts[p * ad + j] = action[actOffset + j];
    this.rews[p] = reward;
    this.dns[p] = done ? 1 : 0;
    this.pos = (p + 1) % this.capacity;
    if (this.pos === 0) this.isFull = true;
  }

  /** Samples `batchSize` transitions uniformly with replacement (SB3's sampling). */
  sample(batchSize: number, rng: Rng): ReplaySample {
    const n = this.size;
    if (n === 0) throw new RangeError('ReplayBuffer.sample: the buffer is empty');
    if (this.sampleBuffers === undefined || this.sampleBuffers.size !== batchSize) {
      this.sampleBuffers = {
        size: batchSize,
        observations: new Float32Array(batchSize * this.obsSize),
        actions: new Float32Array(batchSize * this.actionDim),
        nextObservations: new Float32Array(batchSize * this.obsSize),
        rewards: new Float32Array(batchSize),
        dones: new Float32Array(batchSize),
      };
    }
    const s = this.sampleBuffers;
    const os = this.obsSize;
    const ad = this.actionDim;
    // Element loops rather than `set(subarray(…))`: rows are a few floats, and each subarray is an allocation (three per sample).
    for (let b = 0; b < batchSize; b++) {
      const k = rng.integers(0, n);
      for (let j = 0; j < os; j++) {
        s.observations[b * os + j] = this.obs[k * os + j];
        s.nextObservations[b * os + j] = this.nextObs[k * os + j];
      }
      for (let j = 0; j < ad; j++) s.actions[b * ad + j] = this.acts[k * ad + j];
      s.rewards[b] = this.rews[k];
      s.dones[b] = this.dns[k];
    }
    return s;
  }

  /** The buffer's contents (copies of the filled part). */
  getState(): ReplayBufferState {
    const n = this.size;
    return {
      pos: this.pos,
      full: this.isFull,
      observations: this.obs.slice(0, n * this.obsSize),
      nextObservations: this.nextObs.slice(0, n * this.obsSize),
      actions: this.acts.slice(0, n * this.actionDim),
      rewards: this.rews.slice(0, n),
      dones: this.dns.slice(0, n),
    };
  }

  /** Restores {@link ReplayBuffer.getState}; throws if it does not fit this buffer. */
  setState(state: ReplayBufferState): void {
    const n = state.rewards.length;
    if (n > this.capacity || state.observations.length !== n * this.obsSize || state.nextObservations.length !== n * this.obsSize || state.actions.length !== n * this.actionDim || state.dones.length !== n) {
      throw new RangeError(`ReplayBuffer.setState: state of ${n} transitions does not fit a buffer of ${this.capacity} × obs ${this.obsSize}, action ${this.actionDim}`);
    }
    if (!(Number.isInteger(state.pos) && state.pos >= 0 && state.pos < this.capacity) || (state.full ? n !== this.capacity : n !== state.pos)) {
      throw new RangeError('ReplayBuffer.setState: inconsistent position');
    }
    this.obs.set(state.observations);
    this.nextObs.set(state.nextObservations);
    this.acts.set(state.actions);
    this.rews.set(state.rewards);
    this.dns.set(state.dones);
    this.pos = state.pos;
    this.isFull = state.full;
  }
}
