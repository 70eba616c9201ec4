import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project root: the nearest folder above this file with flash-gym's package.json. */
export function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'flash-gym') return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('flash-gym project root not found above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
}

/** Reads a file of `../shared/reference/` (beside the project root); fails loudly when it is missing. */
export function referencePath(name: string): string {
  const path = resolve(projectRoot(), '..', 'shared', 'reference', name);
  if (!existsSync(path)) {
    throw new Error(`reference file missing: ${path} — the tests need ../shared/reference beside the project (see DESIGN.md)`);
  }
  return path;
}

/** Parses a JSON reference file of `../shared/reference/`. */
export function loadReferenceJson<T>(name: string): T {
  return JSON.parse(readFileSync(referencePath(name), 'utf8')) as T;
}
