import type { AnyEnv, Env } from '../core/env.js';
import { EnvError, InvalidOptionError } from '../core/errors.js';
import { OrderEnforcing } from '../wrappers/order-enforcing.js';
import { PassiveEnvChecker } from '../wrappers/passive-env-checker.js';
import { TimeLimit } from '../wrappers/time-limit.js';
import { validateKwargs } from './kwargs.js';
import type { EnvRegistration, EnvSpec } from './spec.js';

const ID_PATTERN = /^(?:([\w:.-]+)\/)?([\w:.-]+?)-v(\d+)$/;

const registry = new Map<string, EnvSpec>();

/** Parses `ns/Name-vN` into its parts; throws for a malformed id. */
export function parseEnvId(id: string): { namespace: string | undefined; name: string; version: number } {
  const match = ID_PATTERN.exec(id);
  if (match === null) {
    throw new EnvError(`malformed env id "${id}": ids are "Name-vN" (optionally "namespace/Name-vN"), e.g. "CartPole-v1"`);
  }
  return { namespace: match[1], name: match[2], version: Number(match[3]) };
}

/** Registers an env so that `make(id)` can build it. Re-registering an id replaces it (with a warning). */
export function register(registration: EnvRegistration): EnvSpec {
  const { namespace, name, version } = parseEnvId(registration.id);
  if (typeof registration.entryPoint !== 'function') {
    throw new EnvError(`register("${registration.id}"): entryPoint must be a function (kwargs) => Env`);
  }
  if (registration.maxEpisodeSteps !== undefined && (!Number.isInteger(registration.maxEpisodeSteps) || registration.maxEpisodeSteps <= 0)) {
    throw new EnvError(`register("${registration.id}"): maxEpisodeSteps must be a positive integer, got ${registration.maxEpisodeSteps}`);
  }
  if (registry.has(registration.id)) {
    process.emitWarning(`overriding env "${registration.id}" already in the registry`, { code: 'FLASH_GYM_REGISTRY' });
  }
  const spec: EnvSpec = Object.freeze({
    id: registration.id,
    name,
    namespace,
    version,
    entryPoint: registration.entryPoint,
    maxEpisodeSteps: registration.maxEpisodeSteps,
    rewardThreshold: registration.rewardThreshold,
    kwargs: Object.freeze({ ...(registration.kwargs ?? {}) }),
    kwargsSchema: registration.kwargsSchema,
    nondeterministic: registration.nondeterministic ?? false,
    orderEnforce: registration.orderEnforce ?? true,
    disableEnvChecker: registration.disableEnvChecker ?? false,
    description: registration.description,
    taskFamily: registration.taskFamily,
  });
  registry.set(registration.id, spec);
  return spec;
}

/** Removes an env from the registry (for tests and plug-ins); returns whether it was there. */
export function unregister(id: string): boolean {
  return registry.delete(id);
}

/** The ids of all registered envs, sorted. */
export function listEnvs(): string[] {
  return [...registry.keys()].sort();
}

/** The spec of a registered env; an unknown id raises an error listing the closest ids. */
export function spec(id: string): EnvSpec {
  const found = registry.get(id);
  if (found === undefined) throw unknownIdError(id);
  return found;
}

/** Options of {@link make} besides the env's own kwargs. */
export interface MakeOptions {
  /** Overrides the spec's episode limit (TimeLimit). */
  maxEpisodeSteps?: number;
  /** Skips the passive env checker. */
  disableEnvChecker?: boolean;
}

/**
 * Builds a registered env: validates the kwargs against the spec's schema, calls the entry point, then wraps
 * with PassiveEnvChecker, TimeLimit and OrderEnforcing (innermost first).
 */
export function make<Obs = unknown, Act = unknown>(id: string, kwargs: Record<string, unknown> = {}, options: MakeOptions = {}): Env<Obs, Act> {
  const envSpec = spec(id);
  if (kwargs === null || typeof kwargs !== 'object' || Array.isArray(kwargs)) {
    throw new InvalidOptionError(`make("${id}"): kwargs must be an object`);
  }
  const merged = { ...envSpec.kwargs, ...kwargs };
  if (envSpec.kwargsSchema !== undefined) validateKwargs(`make("${id}")`, kwargs, envSpec.kwargsSchema);
  let env: AnyEnv = envSpec.entryPoint(merged);
  const fullSpec: EnvSpec = Object.freeze({
    ...envSpec,
    kwargs: Object.freeze(merged),
    maxEpisodeSteps: options.maxEpisodeSteps ?? envSpec.maxEpisodeSteps,
  });
  env.spec = fullSpec;
  if (!(options.disableEnvChecker ?? envSpec.disableEnvChecker)) env = new PassiveEnvChecker(env);
  if (fullSpec.maxEpisodeSteps !== undefined) env = new TimeLimit(env, fullSpec.maxEpisodeSteps);
  // Outermost, unlike Gymnasium (which puts TimeLimit outside): OrderEnforcing must see the time limit's
  // `truncated` to refuse a step after it, as the design asks ("both mean: reset before stepping").
  if (envSpec.orderEnforce) env = new OrderEnforcing(env);
  return env as Env<Obs, Act>;
}

function unknownIdError(id: string): EnvError {
  const ids = listEnvs();
  const ranked = ids
    .map((candidate) => ({ candidate, distance: editDistance(id.toLowerCase(), candidate.toLowerCase()) }))
    .sort((a, b) => a.distance - b.distance || a.candidate.localeCompare(b.candidate))
    .slice(0, 3)
    .map((r) => r.candidate);
  const hint = ranked.length ? ` Did you mean: ${ranked.join(', ')}?` : ' No envs are registered.';
  return new EnvError(`unknown env id "${id}".${hint} (flash-gym list shows all ${ids.length})`);
}

/** Levenshtein distance, for suggesting the closest ids. */
function editDistance(a: string, b: string): number {
  const previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = previous[0];
    previous[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = previous[j];
      previous[j] = Math.min(previous[j] + 1, previous[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return previous[b.length];
}
