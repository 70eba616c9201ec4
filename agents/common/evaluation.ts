import type { Env } from '../../envs/core/env.js';

/** Anything that can act: what {@link evaluatePolicy} needs from an agent. */
export interface Actor {
  predict(observation: unknown, options?: { deterministic?: boolean }): unknown;
}

/** What {@link evaluatePolicy} returns. */
export interface EvaluationResult {
  readonly meanReward: number;
  readonly stdReward: number;
  readonly episodeRewards: number[];
  readonly episodeLengths: number[];
}

/**
 * Runs `nEvalEpisodes` whole episodes with the agent's policy (SB3's `evaluate_policy`) and returns the
 * mean and (population) standard deviation of their returns. The env continues its own RNG stream; pass
 * `seed` to reseed it at the first episode.
 */
export function evaluatePolicy(
  agent: Actor,
  env: Env,
  options: { nEvalEpisodes?: number; deterministic?: boolean; seed?: number; maxStepsPerEpisode?: number } = {},
): EvaluationResult {
  const episodes = options.nEvalEpisodes ?? 10;
  const deterministic = options.deterministic ?? true;
  const maxSteps = options.maxStepsPerEpisode ?? 1_000_000;
  if (!Number.isInteger(episodes) || episodes <= 0) throw new RangeError(`evaluatePolicy: nEvalEpisodes must be a positive integer, got ${episodes}`);
  const episodeRewards: number[] = [];
  const episodeLengths: number[] = [];
  for (let e = 0; e < episodes; e++) {
    let { observation } = env.reset(e === 0 && options.seed !== undefined ? { seed: options.seed } : {});
    let total = 0;
    let length = 0;
    for (;;) {
      const step = env.step(agent.predict(observation, { deterministic }));
      total += step.reward;
      length += 1;
      observation = step.observation;
      if (step.terminated || step.truncated || length >= maxSteps) break;
    }
    episodeRewards.push(total);
    episodeLengths.push(length);
  }
  const mean = episodeRewards.reduce((a, b) => a + b, 0) / episodes;
  const variance = episodeRewards.reduce((a, b) => a + (b - mean) ** 2, 0) / episodes;
  return { meanReward: mean, stdReward: Math.sqrt(variance), episodeRewards, episodeLengths };
}
