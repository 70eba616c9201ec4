import { Box, DiscretizeObservation, make, makeVec } from '../../envs/index.js';
import type { AnyEnv, Env } from '../../envs/index.js';
import type { AgentEnv } from '../../agents/index.js';
import { CliError } from './cli-error.js';
import type { RunInfo } from './run-dir.js';

/**
 * One env of a run: `make(env, kwargs)`, wrapped in DiscretizeObservation (the same number of bins on every
 * dimension, over the Box's bounds) when the run asked for `--discretize`, as tabular Q-learning needs.
 */
export function makeRunEnv(info: Pick<RunInfo, 'env' | 'algo' | 'discretize'>, kwargs: Record<string, unknown>): Env {
  const env = make(info.env, kwargs);
  const bins = info.discretize ?? null;
  if (bins === null) {
    if (info.algo === 'qlearning' && env.observationSpace instanceof Box) {
      env.close();
      throw new CliError(`qlearning needs Discrete observations and ${info.env} has ${env.observationSpace.toString()}: add --discretize BINS (bins per dimension, e.g. --discretize 6)`);
    }
    return env;
  }
  if (!(env.observationSpace instanceof Box)) {
    env.close();
    throw new CliError(`--discretize applies to Box observations; ${info.env} has ${env.observationSpace.toString()}`);
  }
  const size = env.observationSpace.shape.reduce((a, b) => a * b, 1);
  try {
    return new DiscretizeObservation(env as Env<Float32Array, unknown>, { bins: Array.from({ length: size }, () => bins) }) as unknown as Env;
  } catch (error) {
    env.close();
    throw new CliError(`--discretize ${bins}: ${(error as Error).message}`);
  }
}

/** What a run trains on: one env, or a vector env of `numEnvs` (over worker threads with `workers`). */
export async function makeTrainEnv(info: RunInfo): Promise<AgentEnv> {
  if (info.numEnvs === 1 && info.workers === null) return makeRunEnv(info, info.kwargs);
  if ((info.discretize ?? null) !== null) throw new CliError('--discretize works with one env: drop --envs/--workers');
  return makeVec(info.env, { numEnvs: info.numEnvs, kwargs: info.kwargs, ...(info.workers !== null ? { mode: 'worker' as const, workers: info.workers } : {}) });
}

/** Closes what {@link makeTrainEnv} built (a worker vector env closes asynchronously). */
export async function closeTrainEnv(env: AgentEnv): Promise<void> {
  await (env as AnyEnv & { close(): void | Promise<void> }).close();
}
