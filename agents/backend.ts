import * as tf from '@tensorflow/tfjs';

/**
 * The TensorFlow.js backends flash-gym's agents can run on, best first:
 * - `node-gpu`: `@tensorflow/tfjs-node-gpu` (libtensorflow with CUDA),
 * - `node`: `@tensorflow/tfjs-node` (libtensorflow on the CPU),
 * - `wasm`: `@tensorflow/tfjs-backend-wasm` (XNNPACK kernels, SIMD),
 * - `cpu`: tfjs's plain-JavaScript kernels (always available).
 * The two node packages are optional dependencies: their install scripts download libtensorflow, which
 * fails where there is no such download, so they are loaded with a dynamic `import()` and skipped when absent.
 */
export type BackendName = 'node-gpu' | 'node' | 'wasm' | 'cpu';

/** A backend request: one backend, or `auto` (the best that loads). */
export type BackendRequest = BackendName | 'auto';

/** The order `auto` tries backends in. */
export const BACKEND_PREFERENCE: readonly BackendName[] = ['node-gpu', 'node', 'wasm', 'cpu'];

/** Environment variable that overrides the `auto` choice (e.g. `FLASH_GYM_BACKEND=cpu`). */
export const BACKEND_ENV_VAR = 'FLASH_GYM_BACKEND';

/** Thrown when a requested backend cannot be loaded; the message says why. */
export class BackendUnavailableError extends Error {
  override name = 'BackendUnavailableError';
}

/** What {@link selectBackend} settled on. */
export interface BackendSelection {
  /** flash-gym's name of the backend. */
  readonly name: BackendName;
  /** tfjs's name of the backend (`tensorflow` for both node packages). */
  readonly tfjsName: string;
  /** Why the better backends were skipped (for `auto`), e.g. `node-gpu: Cannot find package …`. */
  readonly skipped: readonly string[];
}

const TFJS_NAME: Record<BackendName, string> = { 'node-gpu': 'tensorflow', node: 'tensorflow', wasm: 'wasm', cpu: 'cpu' };
const PACKAGE_OF: Partial<Record<BackendName, string>> = {
  'node-gpu': '@tensorflow/tfjs-node-gpu',
  node: '@tensorflow/tfjs-node',
  wasm: '@tensorflow/tfjs-backend-wasm',
};

let current: BackendSelection | undefined;
let pending: Promise<BackendSelection> | undefined;
let pendingRequest: BackendRequest | undefined;

/** Whether `value` names a backend or `auto`. */
export function isBackendRequest(value: unknown): value is BackendRequest {
  return value === 'auto' || (typeof value === 'string' && (BACKEND_PREFERENCE as readonly string[]).includes(value));
}

/**
 * Resolves the effective request: an explicit option wins, then `FLASH_GYM_BACKEND`, then `auto`.
 * An invalid name (from either source) is an error listing the valid ones.
 */
export function resolveBackendRequest(option?: BackendRequest | string): BackendRequest {
  const fromEnv = process.env[BACKEND_ENV_VAR];
  const request = option ?? (fromEnv !== undefined && fromEnv !== '' ? fromEnv : 'auto');
  if (!isBackendRequest(request)) {
    const source = option !== undefined ? 'backend option' : `${BACKEND_ENV_VAR}`;
    throw new BackendUnavailableError(`${source} is "${String(request)}"; allowed: auto, ${BACKEND_PREFERENCE.join(', ')}`);
  }
  return request;
}

/**
 * Makes tfjs run on the requested backend (see {@link resolveBackendRequest}) and returns which one runs.
 * `auto` tries node-gpu, node, wasm, cpu in turn; a named backend that cannot load throws a
 * {@link BackendUnavailableError} with the loader's reason. The backend is process-wide (tfjs has one
 * engine); a later call with a different request switches it. Logs the choice when `verbose` > 0.
 */
export async function selectBackend(option?: BackendRequest | string, verbose = 0): Promise<BackendSelection> {
  const request = resolveBackendRequest(option);
  if (current !== undefined && (request === 'auto' || request === current.name) && tf.getBackend() === current.tfjsName) {
    return current;
  }
  // Concurrent callers with the same request share one initialisation.
  if (pending !== undefined && pendingRequest === request) return pending;
  pendingRequest = request;
  pending = initialise(request).finally(() => {
    pending = undefined;
    pendingRequest = undefined;
  });
  const selection = await pending;
  if (verbose > 0) {
    const why = selection.skipped.length > 0 ? ` (skipped ${selection.skipped.join('; ')})` : '';
    console.log(`flash-gym: TensorFlow.js backend "${selection.name}"${why}`);
  }
  return selection;
}

/** The backend {@link selectBackend} last settled on, if any. */
export function currentBackend(): BackendSelection | undefined {
  return current;
}

async function initialise(request: BackendRequest): Promise<BackendSelection> {
  // Production mode skips tfjs's debug checks and its "install tfjs-node" banner.
  tf.enableProdMode();
  const candidates = request === 'auto' ? BACKEND_PREFERENCE : [request];
  const skipped: string[] = [];
  for (const name of candidates) {
    const failure = await tryBackend(name);
    if (failure === undefined) {
      current = { name, tfjsName: TFJS_NAME[name], skipped };
      return current;
    }
    if (request !== 'auto') throw new BackendUnavailableError(`backend "${name}" cannot be used: ${failure}`);
    skipped.push(`${name}: ${failure}`);
  }
  throw new BackendUnavailableError(`no TensorFlow.js backend could be loaded (${skipped.join('; ')})`);
}

/** Loads and activates one backend; returns why it failed, or undefined on success. */
async function tryBackend(name: BackendName): Promise<string | undefined> {
  const pkg = PACKAGE_OF[name];
  if (pkg !== undefined) {
    try {
      // A computed specifier keeps TypeScript from resolving optional packages at build time.
      await import(pkg);
    } catch (error) {
      return `${pkg} did not load (${firstLine(error)})`;
    }
  }
  const tfjsName = TFJS_NAME[name];
  if (tf.findBackendFactory(tfjsName) === null) return `${pkg ?? 'tfjs'} registered no "${tfjsName}" backend`;
  try {
    const ok = await tf.setBackend(tfjsName);
    if (!ok) return `tf.setBackend("${tfjsName}") failed to initialise`;
    await tf.ready();
  } catch (error) {
    return `tf.setBackend("${tfjsName}") threw (${firstLine(error)})`;
  }
  return undefined;
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0];
}
