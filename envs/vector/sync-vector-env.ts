import type { Env } from '../core/env.js';
import { EnvError, InvalidOptionError, describeValue } from '../core/errors.js';
import type { AutoresetMode } from './vector-env.js';
import { BufferedVectorEnv, assertAutoresetMode } from './buffered-vector-env.js';
import { ShardRunner, type ShardResetRequest } from './shard-runner.js';
import { SubEnvError } from './sub-env-error.js';
import type { InfoRecord } from './vector-info.js';

/** Options of {@link SyncVectorEnv}. */
export interface SyncVectorEnvOptions {
  /** Gymnasium 1.x autoreset mode; default `next-step`. */
  autoreset?: AutoresetMode;
}

/**
 * Gymnasium's `SyncVectorEnv`: N sub-envs stepped one after another in the calling thread. Every sub-env
 * must have the first one's observation and action spaces. Results are views into buffers the env reuses,
 * valid until its next call (copy what you keep).
 */
export class SyncVectorEnv<Obs = unknown, Act = unknown> extends BufferedVectorEnv<Obs, Act> {
  /** The sub-envs, in index order. */
  readonly envs: ReadonlyArray<Env<Obs, Act>>;
  private readonly runner: ShardRunner;

  constructor(envFns: Array<() => Env<Obs, Act>>, options: SyncVectorEnvOptions = {}) {
    if (!Array.isArray(envFns) || envFns.length === 0) {
      throw new InvalidOptionError(`SyncVectorEnv: envFns must be a non-empty array of functions that create envs, got ${describeValue(envFns)}`);
    }
    envFns.forEach((fn, i) => {
      if (typeof fn !== 'function') throw new InvalidOptionError(`SyncVectorEnv: envFns[${i}] must be a function () => Env, got ${describeValue(fn)}`);
    });
    const autoreset = options.autoreset ?? 'next-step';
    assertAutoresetMode(autoreset, 'SyncVectorEnv');
    const envs: Env<Obs, Act>[] = [];
    try {
      envFns.forEach((fn, i) => {
        try {
          envs.push(fn());
        } catch (error) {
          throw SubEnvError.wrap(error, i, 'envFns', 'make');
        }
      });
      assertSameSpaces(envs);
    } catch (error) {
      for (const env of envs) env.close();
      throw error;
    }
    super(envs.length, envs[0].observationSpace, envs[0].actionSpace, autoreset, false);
    this.envs = envs;
    this.runner = new ShardRunner(envs, 0, this.obsLayout, this.actLayout, this.buffers, autoreset);
  }

  protected resetShards(request: ShardResetRequest): InfoRecord[] {
    return this.runGuarded(() => this.runner.reset(request));
  }

  protected stepShards(): InfoRecord[] {
    return this.runner.step();
  }

  /** Closes every sub-env; idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.runner.close();
  }
}

/** Gymnasium checks that all sub-envs share spaces; a mismatch would corrupt the batch layout. */
function assertSameSpaces(envs: ReadonlyArray<Env<unknown, unknown>>): void {
  const [first] = envs;
  envs.forEach((env, i) => {
    if (!env.observationSpace.equals(first.observationSpace)) {
      throw new EnvError(`SyncVectorEnv: sub-env ${i} has observation space ${env.observationSpace.toString()}, sub-env 0 has ${first.observationSpace.toString()}`);
    }
    if (!env.actionSpace.equals(first.actionSpace)) {
      throw new EnvError(`SyncVectorEnv: sub-env ${i} has action space ${env.actionSpace.toString()}, sub-env 0 has ${first.actionSpace.toString()}`);
    }
  });
}
