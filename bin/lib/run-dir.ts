import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CliError } from './cli-error.js';

/** What `flash-gym train` records about a run in `<run-dir>/run.json`, so that `eval` and `--resume` can rebuild it. */
export interface RunInfo {
  readonly env: string;
  readonly algo: string;
  /** The total steps the run trains for. */
  readonly steps: number;
  readonly seed: number;
  readonly numEnvs: number;
  /** Worker threads of the vector env (absent: one thread). */
  readonly workers: number | null;
  readonly backend: string;
  /** make() kwargs, including the task when one was chosen. */
  readonly kwargs: Record<string, unknown>;
  readonly hyperparameters: Record<string, unknown>;
  /** Bins per observation dimension (DiscretizeObservation) for tabular agents; null: the env's own observations. */
  readonly discretize: number | null;
  /** Steps between checkpoints. */
  readonly checkpointEvery: number;
  readonly status: 'running' | 'interrupted' | 'done';
  /** Steps taken so far (at the last save). */
  readonly timesteps: number;
  /** Training sessions so far (the first run, then each --resume). */
  readonly sessions: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export const RUN_FILE = 'run.json';
export const MODEL_DIR = 'model';
export const CHECKPOINTS_DIR = 'checkpoints';

/** Writes run.json atomically (temporary file, then rename). */
export function writeRunInfo(dir: string, info: RunInfo): void {
  const path = join(dir, RUN_FILE);
  writeFileSync(`${path}.tmp`, `${JSON.stringify(info, null, 2)}\n`);
  renameSync(`${path}.tmp`, path);
}

/** Reads run.json of a run folder; a folder without one is an error that says what a run folder is. */
export function readRunInfo(dir: string): RunInfo {
  const path = join(dir, RUN_FILE);
  if (!existsSync(path)) throw new CliError(`${dir} is not a run folder (no ${RUN_FILE}); flash-gym train … --out DIR creates one`);
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as RunInfo;
  } catch (error) {
    throw new CliError(`${path} is not valid JSON (${(error as Error).message})`);
  }
}

/**
 * The newest saved agent of a run: `model/` (written at the end of every session, also after Ctrl-C), else
 * the checkpoint with the most steps (a session killed without the chance to save).
 */
export function latestModelDir(dir: string): { path: string; steps: number | null } {
  if (existsSync(join(dir, MODEL_DIR, 'state.json'))) return { path: join(dir, MODEL_DIR), steps: null };
  const checkpoints = existsSync(join(dir, CHECKPOINTS_DIR)) ? readdirSync(join(dir, CHECKPOINTS_DIR)) : [];
  const ranked = checkpoints
    .map((name) => ({ name, steps: Number(/_(\d+)_steps$/.exec(name)?.[1]) }))
    .filter((c) => Number.isInteger(c.steps) && existsSync(join(dir, CHECKPOINTS_DIR, c.name, 'state.json')))
    .sort((a, b) => b.steps - a.steps);
  if (ranked.length === 0) throw new CliError(`${dir} has no saved agent (no ${MODEL_DIR}/ and no checkpoint); train it first`);
  return { path: join(dir, CHECKPOINTS_DIR, ranked[0].name), steps: ranked[0].steps };
}
