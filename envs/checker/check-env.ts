import type { Env, ResetResult, StepResult } from '../core/env.js';
import { describeValue } from '../core/errors.js';
import { Box } from '../spaces/box.js';
import { Space } from '../spaces/space.js';
import { deepEqual } from './deep-equal.js';

/** One result of {@link checkEnv}. */
export interface CheckFinding {
  readonly level: 'error' | 'warning';
  /** The check that produced it, e.g. `reset-determinism`. */
  readonly check: string;
  readonly message: string;
}

/** Thrown by {@link checkEnv} when any check fails; carries every finding. */
export class EnvCheckError extends Error {
  override name = 'EnvCheckError';
  constructor(readonly findings: readonly CheckFinding[]) {
    super(
      `env check failed:\n${findings
        .filter((f) => f.level === 'error')
        .map((f) => `  [${f.check}] ${f.message}`)
        .join('\n')}`,
    );
  }
}

/** Options of {@link checkEnv}. */
export interface CheckEnvOptions {
  /** Return the findings instead of throwing on errors. */
  readonly throwOnError?: boolean;
  /** Seed used for the determinism checks (Gymnasium uses 123). */
  readonly seed?: number;
}

type Check = (env: Env<unknown, unknown>, ctx: CheckContext) => void;

interface CheckContext {
  readonly seed: number;
  error(check: string, message: string): void;
  warn(check: string, message: string): void;
}

/**
 * Gymnasium's `check_env`: the spaces are valid; `reset` and `step` return the right shapes and types with
 * observations inside the space; `reset` and `step` are deterministic under a seed; `options` are accepted;
 * `close` can be called twice. Returns all findings, and throws an {@link EnvCheckError} if any is an error
 * (unless `throwOnError: false`). The env is left closed.
 */
export function checkEnv(env: Env<unknown, unknown>, options: CheckEnvOptions = {}): CheckFinding[] {
  const findings: CheckFinding[] = [];
  const ctx: CheckContext = {
    seed: options.seed ?? 123,
    error: (check, message) => findings.push({ level: 'error', check, message }),
    warn: (check, message) => findings.push({ level: 'warning', check, message }),
  };
  const spacesOk = runCheck('spaces', checkSpaces, env, ctx);
  if (spacesOk) {
    for (const [name, check] of CHECKS) runCheck(name, check, env, ctx);
  }
  runCheck('close-twice', checkCloseTwice, env, ctx);
  if ((options.throwOnError ?? true) && findings.some((f) => f.level === 'error')) throw new EnvCheckError(findings);
  return findings;
}

/** Runs one check; an exception inside it is an error finding. Returns whether it recorded no error. */
function runCheck(name: string, check: Check, env: Env<unknown, unknown>, ctx: CheckContext): boolean {
  let failed = false;
  const tracking: CheckContext = { ...ctx, error: (c, m) => ((failed = true), ctx.error(c, m)) };
  try {
    check(env, tracking);
  } catch (err) {
    failed = true;
    ctx.error(name, `threw: ${(err as Error).message ?? String(err)}`);
  }
  return !failed;
}

function checkSpaces(env: Env<unknown, unknown>, ctx: CheckContext): void {
  for (const key of ['observationSpace', 'actionSpace'] as const) {
    const space: unknown = env[key];
    if (!(space instanceof Space)) {
      ctx.error('spaces', `${key} must be a flash-gym Space, got ${describeValue(space)}`);
      continue;
    }
    if (space instanceof Box) {
      for (let i = 0; i < space.size; i++) {
        if (space.low[i] === space.high[i]) ctx.warn('spaces', `${key} ${space.toString()} has low == high in dimension ${i}`);
      }
      if (key === 'actionSpace' && space.isBounded() && space.dtype !== 'int32') {
        const symmetric = Array.from(space.low).every((lo, i) => lo === -space.high[i]);
        if (!symmetric) ctx.warn('spaces', `actionSpace ${space.toString()} is not symmetric; agents usually expect [-1, 1] (use RescaleAction)`);
      }
    }
  }
}

function checkResetResult(ctx: CheckContext, env: Env<unknown, unknown>, result: unknown, where: string): result is ResetResult<unknown> {
  if (result === null || typeof result !== 'object' || !('observation' in result) || !('info' in result)) {
    ctx.error('reset-return', `${where} must return { observation, info }, got ${describeValue(result)}`);
    return false;
  }
  const { observation, info } = result as ResetResult<unknown>;
  if (info === null || typeof info !== 'object' || Array.isArray(info)) ctx.error('reset-return', `${where} info must be a plain object, got ${describeValue(info)}`);
  if (!env.observationSpace.contains(observation)) {
    ctx.error('reset-observation', `${where} returned ${describeValue(observation)}, not in the observation space ${env.observationSpace.toString()}`);
  }
  return true;
}

function checkStepResult(ctx: CheckContext, env: Env<unknown, unknown>, result: unknown): result is StepResult<unknown> {
  if (result === null || typeof result !== 'object') {
    ctx.error('step-return', `step() must return { observation, reward, terminated, truncated, info }, got ${describeValue(result)}`);
    return false;
  }
  const r = result as Partial<StepResult<unknown>>;
  for (const key of ['observation', 'reward', 'terminated', 'truncated', 'info']) {
    if (!(key in r)) ctx.error('step-return', `step() result lacks "${key}"`);
  }
  if (typeof r.reward !== 'number') ctx.error('step-return', `step() reward must be a number, got ${describeValue(r.reward)}`);
  else if (!Number.isFinite(r.reward)) ctx.warn('step-return', `step() reward is not finite: ${r.reward}`);
  if (typeof r.terminated !== 'boolean') ctx.error('step-return', `step() terminated must be a boolean, got ${describeValue(r.terminated)}`);
  if (typeof r.truncated !== 'boolean') ctx.error('step-return', `step() truncated must be a boolean, got ${describeValue(r.truncated)}`);
  if (r.info === null || typeof r.info !== 'object' || Array.isArray(r.info)) ctx.error('step-return', `step() info must be a plain object, got ${describeValue(r.info)}`);
  if (!env.observationSpace.contains(r.observation)) {
    ctx.error('step-observation', `step() returned ${describeValue(r.observation)}, not in the observation space ${env.observationSpace.toString()}`);
  }
  return true;
}

/** reset(seed) twice gives the same observation; reset() continues the RNG; options are accepted. */
function checkResetDeterminism(env: Env<unknown, unknown>, ctx: CheckContext): void {
  const first = env.reset({ seed: ctx.seed });
  if (!checkResetResult(ctx, env, first, `reset({ seed: ${ctx.seed} })`)) return;
  const firstObs = copyObservation(first.observation);
  const second = env.reset({ seed: ctx.seed });
  if (!checkResetResult(ctx, env, second, `reset({ seed: ${ctx.seed} })`)) return;
  if (!deepEqual(firstObs, second.observation)) {
    ctx.error('reset-determinism', `reset({ seed: ${ctx.seed} }) twice gave different observations: ${describeValue(firstObs)} vs ${describeValue(second.observation)}`);
  }
  const unseeded = env.reset();
  checkResetResult(ctx, env, unseeded, 'reset()');
  const withOptions = env.reset({ seed: ctx.seed, options: {} });
  if (checkResetResult(ctx, env, withOptions, 'reset({ options: {} })') && !deepEqual(firstObs, withOptions.observation)) {
    ctx.error('reset-determinism', `reset({ seed, options: {} }) differs from reset({ seed }): empty options must not change the episode`);
  }
}

/** The same seed and the same actions give the same step results. */
function checkStepDeterminism(env: Env<unknown, unknown>, ctx: CheckContext): void {
  const rollout = (): Array<StepResult<unknown>> => {
    env.reset({ seed: ctx.seed });
    env.actionSpace.seed(ctx.seed);
    const steps: Array<StepResult<unknown>> = [];
    for (let i = 0; i < 5; i++) {
      const result = env.step(env.actionSpace.sample());
      if (!checkStepResult(ctx, env, result)) break;
      steps.push({ ...result, observation: copyObservation(result.observation), info: JSON.parse(safeJson(result.info)) as Record<string, unknown> });
      if (result.terminated || result.truncated) break;
    }
    return steps;
  };
  const a = rollout();
  const b = rollout();
  if (a.length !== b.length) {
    ctx.error('step-determinism', `with the same seed and actions, episodes ended after ${a.length} and ${b.length} steps`);
    return;
  }
  a.forEach((sa, i) => {
    const sb = b[i];
    for (const key of ['observation', 'reward', 'terminated', 'truncated', 'info'] as const) {
      if (!deepEqual(sa[key], sb[key])) {
        ctx.error('step-determinism', `with the same seed and actions, step ${i} gave different ${key}: ${describeValue(sa[key])} vs ${describeValue(sb[key])}`);
      }
    }
  });
}

function checkCloseTwice(env: Env<unknown, unknown>): void {
  env.close();
  env.close();
}

const CHECKS: ReadonlyArray<readonly [string, Check]> = [
  ['reset-determinism', checkResetDeterminism],
  ['step-determinism', checkStepDeterminism],
];

/** Envs may reuse observation buffers; copy before comparing across calls. */
function copyObservation(obs: unknown): unknown {
  if (ArrayBuffer.isView(obs) && !(obs instanceof DataView)) return (obs as unknown as { slice(): unknown }).slice();
  if (Array.isArray(obs)) return obs.map(copyObservation);
  if (obs !== null && typeof obs === 'object') {
    return Object.fromEntries(Object.entries(obs).map(([k, v]) => [k, copyObservation(v)]));
  }
  return obs;
}

/** JSON of an info dict that survives typed arrays and non-finite numbers (for comparisons only). */
function safeJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as unknown as ArrayLike<number>);
    if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
    return v;
  }) ?? 'null';
}
