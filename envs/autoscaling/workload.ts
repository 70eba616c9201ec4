import type { Rng } from '../rng/rng.js';

/** The kinds of arrival pattern. */
export const PATTERN_KINDS = ['constant', 'diurnal', 'bursty', 'spikes', 'trace'] as const;
export type PatternKind = (typeof PATTERN_KINDS)[number];

/**
 * The shape of an application's arrival rate over time, as a multiplier of its base rate:
 * - `constant`: 1;
 * - `diurnal`: 1 + amplitude·sin(2π·t / periodS + phase) — a day compressed into `periodS` so that an
 *   episode sees its rise and fall;
 * - `bursty`: on/off traffic with a 50% duty cycle: 1 + amplitude in the first half of each period,
 *   1 − amplitude in the second (mean 1);
 * - `spikes`: 1, except `height` during the first `durationS` seconds of each period (flash crowds);
 * - `trace`: a replayed per-minute invocation count, normalized to mean 1 and repeated.
 */
export type WorkloadPattern =
  | { readonly kind: 'constant' }
  | { readonly kind: 'diurnal'; readonly amplitude: number; readonly periodS: number; readonly phase: number }
  | { readonly kind: 'bursty'; readonly amplitude: number; readonly periodS: number }
  | { readonly kind: 'spikes'; readonly height: number; readonly periodS: number; readonly durationS: number }
  | { readonly kind: 'trace'; readonly perMinute: readonly number[] };

/**
 * A pattern compiled for fast evaluation: the multiplier of the base rate at time `t` seconds.
 * Compile once per task (at reset or on drift), evaluate every step.
 */
export type CompiledPattern = (timeS: number) => number;

/** Compiles a pattern into a function of time (see {@link WorkloadPattern} for the shapes). */
export function compilePattern(pattern: WorkloadPattern): CompiledPattern {
  switch (pattern.kind) {
    case 'constant':
      return () => 1;
    case 'diurnal': {
      const { amplitude, periodS, phase } = pattern;
      const omega = (2 * Math.PI) / periodS;
      return (t) => 1 + amplitude * Math.sin(omega * t + phase);
    }
    case 'bursty': {
      const { amplitude, periodS } = pattern;
      return (t) => (t % periodS < periodS / 2 ? 1 + amplitude : 1 - amplitude);
    }
    case 'spikes': {
      const { height, periodS, durationS } = pattern;
      return (t) => (t % periodS < durationS ? height : 1);
    }
    case 'trace': {
      const counts = Float64Array.from(pattern.perMinute);
      const mean = counts.reduce((a, b) => a + b, 0) / counts.length;
      const normalized = counts.map((c) => (mean > 0 ? c / mean : 1));
      return (t) => normalized[Math.floor(t / 60) % normalized.length];
    }
  }
}

/** The largest multiplier a pattern reaches (its peak-to-base ratio). */
export function patternPeak(pattern: WorkloadPattern): number {
  switch (pattern.kind) {
    case 'constant':
      return 1;
    case 'diurnal':
    case 'bursty':
      return 1 + pattern.amplitude;
    case 'spikes':
      return pattern.height;
    case 'trace': {
      const mean = pattern.perMinute.reduce((a, b) => a + b, 0) / pattern.perMinute.length;
      return mean > 0 ? Math.max(...pattern.perMinute) / mean : 1;
    }
  }
}

/**
 * Draws a synthetic per-minute invocation trace of `minutes` minutes, shaped like a function of the Azure
 * Functions 2019 trace: a log-space AR(1) walk (minute-to-minute correlation 0.85) with a heavy-tailed
 * innovation, so quiet stretches and bursts of several times the mean both occur. Counts are around
 * `meanPerMinute`.
 */
export function syntheticTrace(rng: Rng, minutes: number, meanPerMinute: number): number[] {
  const counts: number[] = [];
  let level = 0;
  for (let m = 0; m < minutes; m++) {
    // A normal innovation, occasionally replaced by a burst (a larger, positive jump).
    const innovation = rng.random() < 0.08 ? Math.abs(rng.normal(0, 1.2)) : rng.normal(0, 0.3);
    level = 0.85 * level + innovation;
    counts.push(Math.max(0, Math.round(meanPerMinute * Math.exp(level))));
  }
  if (!counts.some((c) => c > 0)) counts[0] = 1;
  return counts;
}

/** The `cv` of the per-step multiplicative noise as the σ of a mean-one lognormal: σ² = ln(1 + cv²). */
export function lognormalSigma(cv: number): number {
  return Math.sqrt(Math.log(1 + cv * cv));
}
