import { EnvError, InvalidOptionError, describeValue } from '../../core/errors.js';
import type { VectorEnv, VectorResetArgs, VectorResetResult, VectorStepResult } from '../vector-env.js';
import { VectorWrapper } from './vector-wrapper.js';

/** Options of {@link RecordEpisodeStatisticsVec}. */
export interface RecordEpisodeStatisticsVecOptions {
  /** Episodes kept in `returnQueue`/`lengthQueue`/`timeQueue` (default 100). */
  bufferLength?: number;
  /** The infos key (default `episode`). */
  statsKey?: string;
  /** Seconds clock, injectable for tests (default `performance.now() / 1000`). */
  clock?: () => number;
}

/**
 * Gymnasium's vector `RecordEpisodeStatistics`: on a step where sub-envs end, `infos.episode = { r, l, t }`
 * (Float64Arrays over sub-envs: return, length, seconds; 0 elsewhere) and `infos._episode` marks them.
 * In next-step mode the step after an end is the autoreset (reward 0), which starts the next episode and is
 * not counted; in same-step and disabled modes the next step already belongs to the new episode.
 */
export class RecordEpisodeStatisticsVec<Obs = unknown, Act = unknown> extends VectorWrapper<Obs, Act> {
  readonly episodeReturns: Float64Array;
  readonly episodeLengths: Float64Array;
  private readonly episodeStarts: Float64Array;
  private readonly prevDones: Uint8Array;
  readonly returnQueue: number[] = [];
  readonly lengthQueue: number[] = [];
  readonly timeQueue: number[] = [];
  episodeCount = 0;
  private readonly bufferLength: number;
  private readonly statsKey: string;
  private readonly clock: () => number;

  constructor(env: VectorEnv<Obs, Act>, options: RecordEpisodeStatisticsVecOptions = {}) {
    super(env);
    const { bufferLength = 100, statsKey = 'episode', clock = () => performance.now() / 1000 } = options;
    if (!Number.isInteger(bufferLength) || bufferLength <= 0) {
      throw new InvalidOptionError(`RecordEpisodeStatisticsVec: bufferLength must be a positive integer, got ${describeValue(bufferLength)}`);
    }
    if (typeof statsKey !== 'string' || statsKey.length === 0) throw new InvalidOptionError(`RecordEpisodeStatisticsVec: statsKey must be a non-empty string`);
    this.bufferLength = bufferLength;
    this.statsKey = statsKey;
    this.clock = clock;
    this.episodeReturns = new Float64Array(env.numEnvs);
    this.episodeLengths = new Float64Array(env.numEnvs);
    this.episodeStarts = new Float64Array(env.numEnvs);
    this.prevDones = new Uint8Array(env.numEnvs);
  }

  protected override transformReset(args: VectorResetArgs, result: VectorResetResult): VectorResetResult {
    const now = this.clock();
    for (const i of this.resetIndices(args)) {
      this.episodeReturns[i] = 0;
      this.episodeLengths[i] = 0;
      this.episodeStarts[i] = now;
      this.prevDones[i] = 0;
    }
    return result;
  }

  protected override transformStep(result: VectorStepResult): VectorStepResult {
    const { rewards, terminations, truncations, infos } = result;
    const now = this.clock();
    const nextStep = this.autoresetMode === 'next-step';
    const n = this.numEnvs;
    const dones = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      if (nextStep && this.prevDones[i]) {
        this.episodeReturns[i] = 0;
        this.episodeLengths[i] = 0;
        this.episodeStarts[i] = now;
      } else {
        this.episodeReturns[i] += rewards[i];
        this.episodeLengths[i] += 1;
      }
      dones[i] = terminations[i] | truncations[i];
    }
    this.prevDones.set(dones);
    if (!dones.includes(1)) return result;
    if (this.statsKey in infos || `_${this.statsKey}` in infos) {
      throw new EnvError(`RecordEpisodeStatisticsVec: infos already hold "${this.statsKey}"; choose another statsKey`);
    }
    const r = new Float64Array(n);
    const l = new Float64Array(n);
    const t = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      if (!dones[i]) continue;
      r[i] = this.episodeReturns[i];
      l[i] = this.episodeLengths[i];
      t[i] = Math.round((now - this.episodeStarts[i]) * 1e6) / 1e6;
      this.push(this.returnQueue, r[i]);
      this.push(this.lengthQueue, l[i]);
      this.push(this.timeQueue, t[i]);
      this.episodeCount++;
      if (!nextStep) {
        // Same-step and disabled modes: the next step is already the new episode's first.
        this.episodeReturns[i] = 0;
        this.episodeLengths[i] = 0;
        this.episodeStarts[i] = now;
      }
    }
    return { ...result, infos: { ...infos, [this.statsKey]: { r, l, t }, [`_${this.statsKey}`]: dones } };
  }

  private push(queue: number[], value: number): void {
    queue.push(value);
    if (queue.length > this.bufferLength) queue.shift();
  }
}
