/**
 * How often an off-policy agent trains (SB3's `train_freq`): every `n` steps of the (vector) env, or
 * every `n` episodes. A number means steps; the tuple form is SB3's `(n, "step" | "episode")`.
 */
export type TrainFreq = number | readonly [number, 'step' | 'episode'];

/** A validated {@link TrainFreq}. */
export interface ResolvedTrainFreq {
  readonly frequency: number;
  readonly unit: 'step' | 'episode';
}

/** Validates a {@link TrainFreq}; the error names the agent, the value and what is allowed. */
export function resolveTrainFreq(who: string, value: unknown): ResolvedTrainFreq {
  const [frequency, unit] = typeof value === 'number' ? [value, 'step'] : Array.isArray(value) && value.length === 2 ? value : [NaN, ''];
  if (typeof frequency !== 'number' || !Number.isInteger(frequency) || frequency <= 0 || (unit !== 'step' && unit !== 'episode')) {
    throw new RangeError(`${who}: trainFreq must be a positive integer (steps) or [n, 'step' | 'episode'] with n a positive integer, got ${JSON.stringify(value)}`);
  }
  return { frequency, unit };
}

/** Whether a rollout should collect more (SB3's `should_collect_more_steps`). */
export function shouldCollectMore(freq: ResolvedTrainFreq, collectedSteps: number, collectedEpisodes: number): boolean {
  return freq.unit === 'step' ? collectedSteps < freq.frequency : collectedEpisodes < freq.frequency;
}
