import { performance } from 'node:perf_hooks';
import type { Env, ResetArgs, ResetResult, StepResult } from '../core/env.js';
import { EnvError, InvalidOptionError, describeValue } from '../core/errors.js';
import { Wrapper } from '../core/wrapper.js';

/** Statistics of one finished episode, as Gymnasium puts them in `info.episode`. */
export interface EpisodeStatistics {
  /** Return: the sum of the episode's rewards. */
  r: number;
  /** Length: the number of steps. */
  l: number;
  /** Elapsed wall-clock seconds since the episode started, rounded to 6 decimals (microseconds). */
  t: number;
}

/** Options of {@link RecordEpisodeStatistics}. */
export interface RecordEpisodeStatisticsOptions {
  /** How many recent episodes the queues keep (default 100). */
  bufferLength?: number;
  /** The info key the statistics go under (default `'episode'`). */
  statsKey?: string;
  /** A clock in seconds (default `performance.now() / 1000`); tests inject a fake one. */
  clock?: () => number;
}

/**
 * Records each episode's return, length and duration (Gymnasium 1.x `RecordEpisodeStatistics`): when an
 * episode ends (terminated or truncated) the step's info gets `episode: { r, l, t }`, and the statistics
 * are appended to rolling queues of the last `bufferLength` episodes.
 */
export class RecordEpisodeStatistics<Obs, Act> extends Wrapper<Obs, Act> {
  /** Number of episodes finished. */
  episodeCount = 0;
  /** Returns of the last `bufferLength` episodes, oldest first. */
  readonly returnQueue: number[] = [];
  /** Lengths of the last `bufferLength` episodes, oldest first. */
  readonly lengthQueue: number[] = [];
  /** Durations (seconds) of the last `bufferLength` episodes, oldest first. */
  readonly timeQueue: number[] = [];
  readonly bufferLength: number;
  readonly statsKey: string;
  private readonly clock: () => number;
  private episodeStartTime = -1;
  private episodeReturn = 0;
  private episodeLength = 0;

  constructor(env: Env<Obs, Act>, options: RecordEpisodeStatisticsOptions = {}) {
    super(env);
    const { bufferLength = 100, statsKey = 'episode', clock = () => performance.now() / 1000 } = options;
    if (!Number.isInteger(bufferLength) || bufferLength <= 0) {
      throw new InvalidOptionError(`RecordEpisodeStatistics: bufferLength must be a positive integer, got ${describeValue(bufferLength)}`);
    }
    if (typeof statsKey !== 'string' || statsKey.length === 0) {
      throw new InvalidOptionError(`RecordEpisodeStatistics: statsKey must be a non-empty string, got ${describeValue(statsKey)}`);
    }
    if (typeof clock !== 'function') {
      throw new InvalidOptionError(`RecordEpisodeStatistics: clock must be a function returning seconds, got ${describeValue(clock)}`);
    }
    this.bufferLength = bufferLength;
    this.statsKey = statsKey;
    this.clock = clock;
  }

  override reset(args?: ResetArgs): ResetResult<Obs> {
    const result = this.env.reset(args);
    this.episodeStartTime = this.clock();
    this.episodeReturn = 0;
    this.episodeLength = 0;
    return result;
  }

  override step(action: Act): StepResult<Obs> {
    const result = this.env.step(action);
    this.episodeReturn += result.reward;
    this.episodeLength += 1;
    if (result.terminated || result.truncated) {
      if (this.statsKey in result.info) {
        throw new EnvError(
          `RecordEpisodeStatistics: the step info already has a "${this.statsKey}" key (is the env wrapped twice?); pass another statsKey`,
        );
      }
      // Gymnasium: round(time.perf_counter() - start, 6).
      const t = Math.round((this.clock() - this.episodeStartTime) * 1e6) / 1e6;
      const stats: EpisodeStatistics = { r: this.episodeReturn, l: this.episodeLength, t };
      // A new info object: the env's info may be shared between steps and must not gain the key.
      result.info = { ...result.info, [this.statsKey]: stats };
      push(this.returnQueue, stats.r, this.bufferLength);
      push(this.lengthQueue, stats.l, this.bufferLength);
      push(this.timeQueue, stats.t, this.bufferLength);
      this.episodeCount += 1;
      this.episodeStartTime = this.clock();
    }
    return result;
  }

  /** Return accumulated so far in the current episode. */
  get currentReturn(): number {
    return this.episodeReturn;
  }

  /** Steps taken so far in the current episode. */
  get currentLength(): number {
    return this.episodeLength;
  }
}

/** Appends to a queue bounded at `maxLength`, dropping the oldest (a deque with maxlen). */
function push(queue: number[], value: number, maxLength: number): void {
  queue.push(value);
  if (queue.length > maxLength) queue.shift();
}
