import type { AnyEnv } from '../core/env.js';
import { InvalidOptionError, describeValue } from '../core/errors.js';
import { ClipAction } from '../wrappers/clip-action.js';
import { FrameStackObservation, type FrameStackObservationOptions } from '../wrappers/frame-stack-observation.js';
import { NormalizeObservation, type NormalizeObservationOptions } from '../wrappers/normalize-observation.js';
import { NormalizeReward, type NormalizeRewardOptions } from '../wrappers/normalize-reward.js';
import { RecordEpisodeStatistics } from '../wrappers/record-episode-statistics.js';
import { RescaleAction } from '../wrappers/rescale-action.js';
import { TimeLimit } from '../wrappers/time-limit.js';
import type { BoxArray } from '../spaces/box.js';
import type { Env } from '../core/env.js';

/**
 * A wrapper applied inside each sub-env, by name, so that it can travel to worker threads: `args` must be
 * plain data (JSON-like). Built-in names: `TimeLimit {maxEpisodeSteps}`, `ClipAction {}`,
 * `RescaleAction {minAction, maxAction}`, `NormalizeObservation {epsilon?}`, `NormalizeReward {gamma?,
 * epsilon?}`, `RecordEpisodeStatistics {bufferLength?}`, `FrameStackObservation {stackSize, padding?}`.
 * Register more with {@link registerEnvWrapper} in a module listed in makeVec's `modules`.
 */
export interface WrapperSpec {
  name: string;
  args?: Record<string, unknown>;
}

/** Builds a wrapper around an env from plain-data args. */
export type WrapperFactory = (env: AnyEnv, args: Record<string, unknown>) => AnyEnv;

const factories = new Map<string, WrapperFactory>();

/** Makes a wrapper available by name to makeVec (register it in every thread: in a module given as `modules`). */
export function registerEnvWrapper(name: string, factory: WrapperFactory): void {
  if (typeof name !== 'string' || name.length === 0) throw new InvalidOptionError(`registerEnvWrapper: name must be a non-empty string, got ${describeValue(name)}`);
  if (typeof factory !== 'function') throw new InvalidOptionError(`registerEnvWrapper("${name}"): factory must be a function (env, args) => Env`);
  factories.set(name, factory);
}

/** Names of the wrappers makeVec can apply, sorted. */
export function listEnvWrappers(): string[] {
  return [...factories.keys()].sort();
}

/** Checks a wrapper spec's shape and name (before any env is built); throws naming what is allowed. */
export function assertWrapperSpec(spec: unknown, where: string): asserts spec is WrapperSpec {
  if (spec === null || typeof spec !== 'object' || typeof (spec as WrapperSpec).name !== 'string') {
    throw new InvalidOptionError(`${where}: a wrapper must be { name, args? }, got ${describeValue(spec)}`);
  }
  const { name, args } = spec as WrapperSpec;
  if (!factories.has(name)) {
    throw new InvalidOptionError(`${where}: unknown wrapper "${name}"; known: ${listEnvWrappers().join(', ')} (register others with registerEnvWrapper)`);
  }
  if (args !== undefined && (args === null || typeof args !== 'object' || Array.isArray(args))) {
    throw new InvalidOptionError(`${where}: args of wrapper "${name}" must be an object, got ${describeValue(args)}`);
  }
}

/** Wraps `env` as `spec` says. */
export function applyWrapperSpec(env: AnyEnv, spec: WrapperSpec): AnyEnv {
  assertWrapperSpec(spec, 'wrappers');
  return (factories.get(spec.name) as WrapperFactory)(env, spec.args ?? {});
}

function numberArg(args: Record<string, unknown>, key: string, wrapper: string): number {
  const value = args[key];
  if (typeof value !== 'number') throw new InvalidOptionError(`wrapper ${wrapper}: args.${key} must be a number, got ${describeValue(value)}`);
  return value;
}

function boundArg(args: Record<string, unknown>, key: string, wrapper: string): number | number[] {
  const value = args[key];
  if (typeof value === 'number' || (Array.isArray(value) && value.every((v) => typeof v === 'number'))) return value as number | number[];
  throw new InvalidOptionError(`wrapper ${wrapper}: args.${key} must be a number or an array of numbers, got ${describeValue(value)}`);
}

registerEnvWrapper('TimeLimit', (env, args) => new TimeLimit(env, numberArg(args, 'maxEpisodeSteps', 'TimeLimit')));
registerEnvWrapper('ClipAction', (env) => new ClipAction(env as Env<unknown, BoxArray>) as AnyEnv);
registerEnvWrapper(
  'RescaleAction',
  (env, args) => new RescaleAction(env as Env<unknown, Float32Array>, boundArg(args, 'minAction', 'RescaleAction'), boundArg(args, 'maxAction', 'RescaleAction')) as AnyEnv,
);
registerEnvWrapper('NormalizeObservation', (env, args) => new NormalizeObservation(env as Env<BoxArray, unknown>, args as NormalizeObservationOptions) as AnyEnv);
registerEnvWrapper('NormalizeReward', (env, args) => new NormalizeReward(env, args as NormalizeRewardOptions));
registerEnvWrapper('RecordEpisodeStatistics', (env, args) => new RecordEpisodeStatistics(env, { bufferLength: args.bufferLength as number | undefined }));
registerEnvWrapper(
  'FrameStackObservation',
  (env, args) => new FrameStackObservation(env as Env<Float32Array, unknown>, numberArg(args, 'stackSize', 'FrameStackObservation'), args as FrameStackObservationOptions) as AnyEnv,
);
