/**
 * The payload of a suite-run job on the queue, how the coordinator builds it and how a worker checks it.
 * A job carries data only: its runs (plain JSON; one, or an affinity group that one lane runs in turn so
 * that per-process state such as a pretrained model is built once) and the name of the unit that
 * executes them. The unit is
 * either a built-in suite unit (a file of `dist/benchmarks/suites`, resolved in the worker's own install)
 * or a module path that the worker's `--allow-module` list allows. Nothing in a job is evaluated.
 */
import { realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { configHash, makeRun } from '../benchmarks/runner/run-key.js';
import type { Json, RunSpec, RunUnit } from '../benchmarks/runner/types.js';

/** The version of the payload format; a worker refuses others. */
export const SUITE_JOB_VERSION = 1;

/** The most runs one job may carry. */
export const MAX_RUNS_PER_JOB = 10_000;

/** Where the unit of a job lives. */
export type JobUnit =
  | { readonly kind: 'builtin'; readonly file: string; readonly exportName: string }
  | { readonly kind: 'path'; readonly path: string; readonly exportName: string };

/** A suite-run job's data. */
export interface SuiteJobData {
  readonly version: number;
  readonly suite: string;
  /** The suite's tfjs backend: decides worker threads or child processes on the worker. */
  readonly backend: string;
  readonly unit: JobUnit;
  /** Run one after another, on one lane, in this order. */
  readonly runs: readonly RunSpec[];
}

/** The outcome of one run of a job: its output, or its error as one line. */
export type JobRunResult =
  | {
      readonly ok: true;
      readonly metrics: { readonly [key: string]: Json };
      readonly timing: { readonly [key: string]: number };
      /** The run's wall time on the worker (the coordinator's clock would include the time the job waited). */
      readonly wallSeconds: number;
    }
  | { readonly ok: false; readonly error: string; readonly wallSeconds: number };

/** What a worker returns for a job (its return value): a result per run, in the job's order. */
export interface SuiteJobResult {
  readonly results: readonly JobRunResult[];
  /** Which worker ran it (`host:pid`). */
  readonly worker: string;
}

/** A job whose payload cannot be run, with the reason. */
export class JobPayloadError extends Error {
  override readonly name = 'JobPayloadError';
}

/** The folder of the built-in suite units in this install (`dist/benchmarks/suites`). */
export const BUILTIN_UNITS_DIR = fileURLToPath(new URL('../benchmarks/suites/', import.meta.url));

/**
 * The deterministic job id of a run: `<suite>.<suite config hash>.<run key>`, with ':' (which BullMQ
 * forbids in custom ids) and '%' escaped as `%3A` and `%25`, so that distinct runs never share an id. The
 * suite hash keeps two configurations of one suite apart even when their run keys agree. A job of several
 * runs is named by the hash of their keys: `<suite>.<suite hash>.group-<hash>`.
 */
export function suiteJobId(suiteName: string, suiteHash: string, runKeys: readonly string[]): string {
  if (runKeys.length === 0) throw new RangeError('a job needs at least one run');
  const escape = (text: string): string => text.replace(/%/g, '%25').replace(/:/g, '%3A');
  const name = runKeys.length === 1 ? escape(runKeys[0]) : `group-${configHash([...runKeys], 16)}`;
  return `${escape(suiteName)}.${suiteHash}.${name}`;
}

/** The hash identifying a suite's configuration (the same as `suite.json`'s `configHash`). */
export function suiteHash(suite: { name: string; config: { readonly [key: string]: Json }; runs: readonly RunSpec[] }): string {
  return configHash({ suite: suite.name, config: suite.config, runs: suite.runs.map((r) => r.key) });
}

/**
 * How a coordinator names its suite's unit in a job: a built-in unit by its file name (the workers' own
 * copy is used), any other module by its absolute path (which each worker must allow).
 */
export function jobUnitOf(unit: RunUnit): JobUnit {
  if (!unit.module.startsWith('file:')) throw new JobPayloadError(`run unit module must be a file URL, got ${JSON.stringify(unit.module)}`);
  const path = fileURLToPath(unit.module);
  if (dirname(path) === resolve(BUILTIN_UNITS_DIR)) return { kind: 'builtin', file: path.slice(dirname(path).length + 1), exportName: unit.exportName };
  return { kind: 'path', path, exportName: unit.exportName };
}

/** The modules a worker may run: the built-in units plus its `--allow-module` files and folders. */
export class ModuleAllowList {
  private readonly allowed: readonly { path: string; folder: boolean }[];

  /** Each entry must exist: a file allows itself, a folder every module under it. */
  constructor(entries: readonly string[]) {
    this.allowed = entries.map((entry) => {
      let real: string;
      try {
        real = realpathSync(resolve(entry));
      } catch {
        throw new RangeError(`--allow-module ${entry}: no such file or folder`);
      }
      return { path: real, folder: statSync(real).isDirectory() };
    });
  }

  /** The allowed entries (real paths), for the worker's first line. */
  entries(): string[] {
    return this.allowed.map((a) => a.path);
  }

  /** The file URL a job's unit resolves to here, or a {@link JobPayloadError} saying why it may not run. */
  resolve(unit: JobUnit): string {
    if (unit.kind === 'builtin') {
      if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*\.js$/.test(unit.file)) throw new JobPayloadError(`built-in unit file must be a plain .js file name, got ${JSON.stringify(unit.file)}`);
      const path = resolve(BUILTIN_UNITS_DIR, unit.file);
      if (!isFile(path)) throw new JobPayloadError(`no built-in suite unit ${JSON.stringify(unit.file)} in ${BUILTIN_UNITS_DIR}`);
      return pathToFileURL(path).href;
    }
    if (!isAbsolute(unit.path)) throw new JobPayloadError(`unit path must be absolute, got ${JSON.stringify(unit.path)}`);
    let real: string;
    try {
      real = realpathSync(unit.path);
    } catch {
      throw new JobPayloadError(`unit module ${unit.path} does not exist on this worker`);
    }
    const ok = this.allowed.some((a) => (a.folder ? isInside(real, a.path) : real === a.path));
    if (!ok || !isFile(real)) {
      throw new JobPayloadError(`unit module ${unit.path} is not allowed on this worker (allowed: built-in suite units${this.allowed.length > 0 ? `, ${this.entries().join(', ')}` : ''}; add it with --allow-module)`);
    }
    return pathToFileURL(real).href;
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function isInside(path: string, folder: string): boolean {
  const rel = relative(folder, path);
  return rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel);
}

/**
 * Checks that a job's data is a well-formed payload: the version, the unit (kind, names), and 1 to
 * {@link MAX_RUNS_PER_JOB} RunSpecs, each with the key its fields give (so a job cannot claim another run's
 * identity). Throws a {@link JobPayloadError} naming the first thing wrong.
 */
export function validateSuiteJob(data: unknown): SuiteJobData {
  const obj = record(data, 'job data');
  if (obj.version !== SUITE_JOB_VERSION) throw new JobPayloadError(`job data version must be ${SUITE_JOB_VERSION}, got ${show(obj.version)}`);
  const suite = text(obj.suite, 'suite');
  const backend = text(obj.backend, 'backend');
  const unitObj = record(obj.unit, 'unit');
  const exportName = text(unitObj.exportName, 'unit.exportName');
  if (!/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(exportName)) throw new JobPayloadError(`unit.exportName must be a JavaScript identifier, got ${show(exportName)}`);
  let unit: JobUnit;
  if (unitObj.kind === 'builtin') unit = { kind: 'builtin', file: text(unitObj.file, 'unit.file'), exportName };
  else if (unitObj.kind === 'path') unit = { kind: 'path', path: text(unitObj.path, 'unit.path'), exportName };
  else throw new JobPayloadError(`unit.kind must be "builtin" or "path", got ${show(unitObj.kind)}`);
  if (!Array.isArray(obj.runs) || obj.runs.length === 0 || obj.runs.length > MAX_RUNS_PER_JOB) {
    throw new JobPayloadError(`runs must be an array of 1 to ${MAX_RUNS_PER_JOB} runs, got ${show(obj.runs)}`);
  }
  const runs = (obj.runs as unknown[]).map((run, i) => validateRun(run, `runs[${i}]`));
  return { version: SUITE_JOB_VERSION, suite, backend, unit, runs };
}

function validateRun(value: unknown, where: string): RunSpec {
  const runObj = record(value, where);
  const key = text(runObj.key, `${where}.key`);
  const seed = runObj.seed;
  if (typeof seed !== 'number' || !Number.isInteger(seed)) throw new JobPayloadError(`${where}.seed must be an integer, got ${show(seed)}`);
  const params = record(runObj.params, `${where}.params`) as { [key: string]: Json };
  let rebuilt: RunSpec;
  try {
    rebuilt = makeRun({ env: text(runObj.env, `${where}.env`), method: text(runObj.method, `${where}.method`), task: text(runObj.task, `${where}.task`), seed, params });
  } catch (error) {
    if (error instanceof JobPayloadError) throw error;
    throw new JobPayloadError(`${where}: ${(error as Error).message}`);
  }
  if (rebuilt.key !== key) throw new JobPayloadError(`${where}.key ${show(key)} does not match the run's fields (expected ${show(rebuilt.key)})`);
  return rebuilt;
}

function record(value: unknown, what: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new JobPayloadError(`${what} must be an object, got ${show(value)}`);
  return value as Record<string, unknown>;
}

function text(value: unknown, what: string): string {
  if (typeof value !== 'string' || value === '') throw new JobPayloadError(`${what} must be a non-empty string, got ${show(value)}`);
  return value;
}

function show(value: unknown): string {
  const json = JSON.stringify(value);
  return json === undefined ? String(value) : json.length > 80 ? `${json.slice(0, 77)}...` : json;
}
