import type { AnyEnv, Env } from '../core/env.js';
import { InvalidOptionError, describeValue } from '../core/errors.js';
import type { AutoresetMode } from './vector-env.js';
import { buildEnv, importModules, type EnvRecipe } from './env-recipe.js';
import { SyncVectorEnv } from './sync-vector-env.js';
import { WorkerVectorEnv } from './worker-vector-env.js';
import { applyWrapperSpec, assertWrapperSpec, type WrapperSpec } from './wrapper-registry.js';

/** A wrapper for makeVec: a serializable {@link WrapperSpec} (any mode) or a function (sync mode only). */
export type VecWrapper = WrapperSpec | ((env: AnyEnv) => AnyEnv);

/** Options of {@link makeVec}. */
export interface MakeVecOptions {
  /** Sub-envs (default 1). */
  numEnvs?: number;
  /** `sync` (default): one thread; `worker`: worker threads over shared memory. */
  mode?: 'sync' | 'worker';
  /** Worker threads for `worker` mode (default: one per core, at most numEnvs). */
  workers?: number;
  /** Gymnasium 1.x autoreset mode (default `next-step`). */
  autoreset?: AutoresetMode;
  /**
   * Wrappers applied inside each sub-env, innermost first. Worker mode needs them by name
   * (`{ name: 'ClipAction' }`, see `registerEnvWrapper`); sync mode also takes functions.
   */
  wrappers?: VecWrapper[];
  /** Keyword arguments for `make(id, kwargs)`. */
  kwargs?: Record<string, unknown>;
  /** Modules to import first (in the main thread and in every worker), e.g. ones that register envs. */
  modules?: string[];
  /** Worker mode: see {@link WorkerVectorEnv.create}. */
  stepTimeoutMs?: number;
  /** Worker mode: see {@link WorkerVectorEnv.create}. */
  spinIterations?: number;
  /** Worker mode: the calling thread steps one shard too (see {@link WorkerVectorEnvOptions.mainThreadShard}). */
  mainThreadShard?: boolean;
}

const OPTION_KEYS = ['numEnvs', 'mode', 'workers', 'autoreset', 'wrappers', 'kwargs', 'modules', 'stepTimeoutMs', 'spinIterations', 'mainThreadShard'];

/**
 * Gymnasium's `make_vec`: `numEnvs` copies of a registered env, stepped together. Async because worker
 * mode starts threads and both modes may import `modules`; await it, and await `close()` when done.
 */
export async function makeVec<Obs = unknown, Act = unknown>(id: string, options: MakeVecOptions & { mode: 'worker' }): Promise<WorkerVectorEnv<Obs, Act>>;
export async function makeVec<Obs = unknown, Act = unknown>(id: string, options?: MakeVecOptions & { mode?: 'sync' }): Promise<SyncVectorEnv<Obs, Act>>;
export async function makeVec<Obs = unknown, Act = unknown>(id: string, options?: MakeVecOptions): Promise<SyncVectorEnv<Obs, Act> | WorkerVectorEnv<Obs, Act>>;
export async function makeVec<Obs = unknown, Act = unknown>(id: string, options: MakeVecOptions = {}): Promise<SyncVectorEnv<Obs, Act> | WorkerVectorEnv<Obs, Act>> {
  if (options === null || typeof options !== 'object') throw new InvalidOptionError(`makeVec("${id}"): options must be an object, got ${describeValue(options)}`);
  for (const key of Object.keys(options)) {
    if (!OPTION_KEYS.includes(key)) throw new InvalidOptionError(`makeVec("${id}"): unknown option "${key}"; allowed: ${OPTION_KEYS.join(', ')}`);
  }
  const { numEnvs = 1, mode = 'sync', autoreset = 'next-step', wrappers = [], kwargs = {}, modules = [] } = options;
  if (!Number.isInteger(numEnvs) || numEnvs < 1) throw new InvalidOptionError(`makeVec("${id}"): numEnvs must be a positive integer, got ${describeValue(numEnvs)}`);
  if (mode !== 'sync' && mode !== 'worker') throw new InvalidOptionError(`makeVec("${id}"): mode must be "sync" or "worker", got ${describeValue(mode)}`);
  if (!Array.isArray(wrappers)) throw new InvalidOptionError(`makeVec("${id}"): wrappers must be an array, got ${describeValue(wrappers)}`);
  if (!Array.isArray(modules)) throw new InvalidOptionError(`makeVec("${id}"): modules must be an array of paths or URLs, got ${describeValue(modules)}`);
  wrappers.forEach((wrapper, i) => {
    if (typeof wrapper === 'function') {
      if (mode === 'worker') {
        throw new InvalidOptionError(
          `makeVec("${id}"): wrappers[${i}] is a function, which cannot reach worker threads; use { name, args } (registerEnvWrapper in a module listed in modules)`,
        );
      }
    } else {
      assertWrapperSpec(wrapper, `makeVec("${id}"): wrappers[${i}]`);
    }
  });
  if (mode === 'worker') {
    const recipe: EnvRecipe = { id, kwargs, wrappers: wrappers as WrapperSpec[], modules };
    return WorkerVectorEnv.create<Obs, Act>(recipe, {
      numEnvs,
      workers: options.workers,
      autoreset,
      stepTimeoutMs: options.stepTimeoutMs,
      spinIterations: options.spinIterations,
      mainThreadShard: options.mainThreadShard,
    });
  }
  if (options.workers !== undefined) throw new InvalidOptionError(`makeVec("${id}"): workers applies to mode "worker" only`);
  if (options.mainThreadShard !== undefined) throw new InvalidOptionError(`makeVec("${id}"): mainThreadShard applies to mode "worker" only`);
  await importModules(modules);
  const envFn = (): Env<Obs, Act> => {
    let env = buildEnv({ id, kwargs, wrappers: [], modules: [] });
    for (const wrapper of wrappers) env = typeof wrapper === 'function' ? wrapper(env) : applyWrapperSpec(env, wrapper);
    return env as Env<Obs, Act>;
  };
  return new SyncVectorEnv<Obs, Act>(Array.from({ length: numEnvs }, () => envFn), { autoreset });
}
