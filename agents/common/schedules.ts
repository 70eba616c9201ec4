/**
 * Hyperparameters that may change over training (SB3's `Schedule`): a constant, a linear ramp, or any
 * function of `progressRemaining` (1 at the start of `learn`, 0 at the end).
 */
export type Schedule = number | LinearSchedule | ((progressRemaining: number) => number);

/** A linear ramp from `start` to `end`, reached after `endFraction` of training (SB3's `get_linear_fn`). */
export interface LinearSchedule {
  readonly kind: 'linear';
  readonly start: number;
  readonly end: number;
  readonly endFraction: number;
}

/** JSON form of a schedule stored in checkpoints; functions cannot be stored and are marked as such. */
export type ScheduleJson = number | LinearSchedule | { readonly kind: 'function' };

/** A linear schedule from `start` to `end` over the first `endFraction` of training. */
export function linearSchedule(start: number, end: number, endFraction = 1): LinearSchedule {
  if (!Number.isFinite(start) || !Number.isFinite(end)) throw new RangeError(`linearSchedule: start and end must be finite, got ${start}, ${end}`);
  if (!(endFraction > 0 && endFraction <= 1)) throw new RangeError(`linearSchedule: endFraction must be in (0, 1], got ${endFraction}`);
  return { kind: 'linear', start, end, endFraction };
}

/** The value of a schedule at `progressRemaining` ∈ [0, 1]. */
export function scheduleValue(schedule: Schedule, progressRemaining: number): number {
  if (typeof schedule === 'number') return schedule;
  if (typeof schedule === 'function') return schedule(progressRemaining);
  const progress = 1 - progressRemaining;
  if (progress > schedule.endFraction) return schedule.end;
  return schedule.start + (progress * (schedule.end - schedule.start)) / schedule.endFraction;
}

/** Throws a clear error unless `schedule` is a valid schedule whose values satisfy `check` at start and end. */
export function assertSchedule(name: string, schedule: unknown, check: (v: number) => boolean, allowed: string): asserts schedule is Schedule {
  if (typeof schedule === 'function') return;
  const isLinear =
    typeof schedule === 'object' && schedule !== null && (schedule as LinearSchedule).kind === 'linear';
  if (typeof schedule !== 'number' && !isLinear) {
    throw new RangeError(`${name} must be a number, a linearSchedule(...) or a function of progressRemaining; got ${JSON.stringify(schedule)}`);
  }
  const values = typeof schedule === 'number' ? [schedule] : [(schedule as LinearSchedule).start, (schedule as LinearSchedule).end];
  for (const v of values) {
    if (typeof v !== 'number' || !check(v)) throw new RangeError(`${name} must be ${allowed}, got ${v}`);
  }
}

/** The checkpoint form of a schedule. */
export function scheduleToJson(schedule: Schedule): ScheduleJson {
  return typeof schedule === 'function' ? { kind: 'function' } : schedule;
}
