import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AnyEnv } from '../core/env.js';
import { InvalidOptionError, describeValue } from '../core/errors.js';
import { make } from '../registry/registry.js';
import { applyWrapperSpec, type WrapperSpec } from './wrapper-registry.js';

/**
 * A serializable description of how to build one sub-env, so that a worker thread can build it: import
 * `modules` (which register envs and wrappers), `make(id, kwargs)`, then apply `wrappers` in order
 * (the first is innermost, as if written `new W2(new W1(make(id)))`).
 */
export interface EnvRecipe {
  id: string;
  kwargs: Record<string, unknown>;
  wrappers: WrapperSpec[];
  /** Module specifiers: file paths (absolute, or relative to the working directory) or URLs. */
  modules: string[];
}

/** Turns a module path or URL into an importable URL (relative paths resolve against the working directory). */
export function moduleUrl(specifier: string): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(specifier) && !/^[a-z]:[\\/]/i.test(specifier)) return specifier;
  return pathToFileURL(isAbsolute(specifier) ? specifier : resolve(specifier)).href;
}

/** Imports the recipe's modules in this thread; the error names the module that failed. */
export async function importModules(modules: readonly string[]): Promise<void> {
  for (const specifier of modules) {
    try {
      await import(moduleUrl(specifier));
    } catch (error) {
      throw new InvalidOptionError(`could not import module ${JSON.stringify(specifier)}: ${(error as Error).message}`);
    }
  }
}

/** Builds one sub-env from a recipe (its modules must already be imported in this thread). */
export function buildEnv(recipe: EnvRecipe): AnyEnv {
  let env = make(recipe.id, recipe.kwargs);
  for (const spec of recipe.wrappers) env = applyWrapperSpec(env, spec);
  return env;
}

/** Checks that a recipe survives structured cloning (it is sent to workers), naming what does not. */
export function assertCloneable(value: unknown, what: string): void {
  try {
    structuredClone(value);
  } catch (error) {
    throw new InvalidOptionError(`${what} must be plain data to reach worker threads (no functions or class instances): ${(error as Error).message} in ${describeValue(value)}`);
  }
}
