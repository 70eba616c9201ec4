/** How big a suite is: `quick` (minutes on 2 cores, says what it cuts) or `full` (the published figures). */
export type SuiteSize = 'quick' | 'full';

/** Options every suite builder takes; the overrides exist to shrink a suite for tests and trials. */
export interface SuiteOptions {
  readonly size: SuiteSize;
  /** Seeds per configuration (overrides the size's default). */
  readonly seeds?: number;
  /** Training steps per run (overrides the size's default; learning suite). */
  readonly steps?: number;
  /** Only configurations whose env id or method contains this text. */
  readonly filter?: string;
  /** Held-out tasks per env (adaptation; overrides the size's default). */
  readonly tasks?: number;
  /** Pretraining iterations (adaptation; overrides the size's default). */
  readonly iterations?: number;
  /** tfjs backend of the runs (default `cpu`: deterministic and loadable in every worker thread). */
  readonly backend?: string;
}

/** The seeds `0 … n−1`. */
export function seedList(n: number): number[] {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`seeds must be a positive integer, got ${n}`);
  return Array.from({ length: n }, (_, i) => i);
}

/** Whether a configuration passes the filter. */
export function matchesFilter(filter: string | undefined, ...fields: string[]): boolean {
  return filter === undefined || fields.some((f) => f.toLowerCase().includes(filter.toLowerCase()));
}
