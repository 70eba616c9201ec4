import type { Env } from '../core/env.js';
import { InvalidOptionError } from '../core/errors.js';
import { MAX_RATE, MIN_RATE } from './constants.js';
import type { CongestionStepInfo } from './env.js';
import { actionForRate } from './sender.js';

/** Parameters of {@link AimdController}. */
export interface AimdOptions {
  /** Additive increase, packets/s per RTT without loss (Reno grows its window by one packet per RTT). */
  readonly increasePerRtt?: number;
  /** Multiplicative decrease factor applied on loss (Reno's 1/2). */
  readonly decreaseFactor?: number;
}

/**
 * A rate-based AIMD controller, the TCP-Reno-like baseline: without loss the rate grows linearly by
 * `increasePerRtt` packets/s per RTT; on a monitor interval with loss it is multiplied by `decreaseFactor`,
 * at most once per RTT (losses of packets sent before a decrease arrive up to an RTT later, and Reno reacts
 * once per window). It reads the env's step `info` (loss ratio, RTT, rate, time) and emits the
 * `CongestionControl-v0` action that moves the rate to its target.
 */
export class AimdController {
  readonly increasePerRtt: number;
  readonly decreaseFactor: number;
  private holdUntil = -Infinity;

  constructor(options: AimdOptions = {}) {
    this.increasePerRtt = options.increasePerRtt ?? 10;
    this.decreaseFactor = options.decreaseFactor ?? 0.5;
    if (!(this.increasePerRtt > 0) || !Number.isFinite(this.increasePerRtt)) {
      throw new InvalidOptionError(`AimdController: increasePerRtt must be a positive number of packets/s, got ${this.increasePerRtt}`);
    }
    if (!(this.decreaseFactor > 0 && this.decreaseFactor < 1)) {
      throw new InvalidOptionError(`AimdController: decreaseFactor must be in (0, 1), got ${this.decreaseFactor}`);
    }
  }

  /** Forgets the loss hold-off (start of an episode). */
  reset(): void {
    this.holdUntil = -Infinity;
  }

  /** The rate (packets/s) to send at next, given the last step's info. */
  targetRate(info: CongestionStepInfo): number {
    const rtt = info.latency > 0 ? info.latency : 2 * info.intervalDuration;
    let target: number;
    if (info.lossRatio > 0 && info.time >= this.holdUntil) {
      target = info.rate * this.decreaseFactor;
      this.holdUntil = info.time + rtt;
    } else {
      target = info.rate + (this.increasePerRtt * info.intervalDuration) / rtt;
    }
    return Math.min(MAX_RATE, Math.max(MIN_RATE, target));
  }

  /** The action for the next step (a one-element float32 array), given the last step's info. */
  act(info: CongestionStepInfo): Float32Array {
    return Float32Array.of(actionForRate(info.rate, this.targetRate(info)));
  }
}

/** Per-step record of an AIMD run. */
export interface AimdRun {
  readonly rewards: number[];
  readonly rates: number[];
  readonly throughputs: number[];
  readonly latencies: number[];
  readonly lossRatios: number[];
}

/**
 * Runs one episode of `CongestionControl-v0` (bare or through `make`) under AIMD: the first step keeps the
 * initial rate (action 0), then the controller acts on each step's info. Stops at `steps` or when the
 * episode ends.
 */
export function runAimdEpisode(
  env: Env<Float32Array, Float32Array>,
  options: { seed?: number; task?: unknown; steps?: number; controller?: AimdController } = {},
): AimdRun {
  const controller = options.controller ?? new AimdController();
  controller.reset();
  const run: AimdRun = { rewards: [], rates: [], throughputs: [], latencies: [], lossRatios: [] };
  env.reset({ seed: options.seed, options: options.task === undefined ? undefined : { task: options.task } });
  let action: Float32Array = Float32Array.of(0);
  const steps = options.steps ?? 400;
  for (let t = 0; t < steps; t++) {
    const result = env.step(action);
    const info = result.info as CongestionStepInfo;
    run.rewards.push(result.reward);
    run.rates.push(info.rate);
    run.throughputs.push(info.throughput);
    run.latencies.push(info.latency);
    run.lossRatios.push(info.lossRatio);
    if (result.terminated || result.truncated) break;
    action = controller.act(info);
  }
  return run;
}
