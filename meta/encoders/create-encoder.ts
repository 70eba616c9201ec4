import { Rng } from '../../envs/rng/rng.js';
import { GruTrajectoryEncoder } from './gru-trajectory-encoder.js';
import type { TaskEncoder, TaskEncoderConfig } from './task-encoder.js';
import { TransitionEncoder } from './transition-encoder.js';

/** A stored encoder: its configuration and its flat parameters. */
export interface TaskEncoderJson {
  readonly config: TaskEncoderConfig;
  readonly values: number[];
}

/** Builds an encoder of either kind; `seed` draws its initial weights, `values` (if given) replace them. */
export function createTaskEncoder(config: TaskEncoderConfig, seed: number, values?: Float32Array): TaskEncoder {
  const rng = new Rng(seed);
  if (config === null || typeof config !== 'object') throw new TypeError('createTaskEncoder: config must be an object with kind "gru" or "transition"');
  if (config.kind === 'gru') return new GruTrajectoryEncoder(config, rng, values);
  if (config.kind === 'transition') return new TransitionEncoder(config, rng, values);
  throw new RangeError(`createTaskEncoder: unknown kind ${String((config as { kind: unknown }).kind)}; allowed: "gru", "transition"`);
}

/** The JSON form of an encoder (configuration and current host parameters). */
export function encoderToJson(encoder: TaskEncoder): TaskEncoderJson {
  encoder.params.pull();
  return { config: encoder.config, values: Array.from(encoder.params.values) };
}

/** Rebuilds an encoder from {@link encoderToJson}'s output. */
export function encoderFromJson(json: TaskEncoderJson): TaskEncoder {
  return createTaskEncoder(json.config, 0, Float32Array.from(json.values));
}
