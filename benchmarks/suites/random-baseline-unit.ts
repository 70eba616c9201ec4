import { make } from '../../envs/index.js';
import type { RunOutput, RunSpec } from '../runner/types.js';
import { intParam, objectParam } from './params.js';

/**
 * One run of the `random` suite: the returns of a uniformly random policy over `episodes` whole episodes,
 * with the env and its action space seeded by the run's seed. It needs no network, so it is the cheapest
 * honest reference point of an env (what any learner must beat) and the runner's own test workload.
 */
export function randomBaselineRun(run: RunSpec): RunOutput {
  const episodes = intParam(run.params, 'episodes');
  const env = make(run.env, objectParam(run.params, 'kwargs'));
  const t0 = performance.now();
  try {
    env.actionSpace.seed(run.seed);
    const returns: number[] = [];
    const lengths: number[] = [];
    let steps = 0;
    for (let e = 0; e < episodes; e++) {
      env.reset(e === 0 ? { seed: run.seed } : {});
      let total = 0;
      let length = 0;
      for (;;) {
        const step = env.step(env.actionSpace.sample());
        total += step.reward;
        length += 1;
        if (step.terminated || step.truncated) break;
      }
      steps += length;
      returns.push(total);
      lengths.push(length);
    }
    const mean = returns.reduce((a, b) => a + b, 0) / episodes;
    const std = Math.sqrt(returns.reduce((a, b) => a + (b - mean) ** 2, 0) / episodes);
    const seconds = (performance.now() - t0) / 1000;
    return { metrics: { meanReturn: mean, stdReturn: std, returns, lengths, steps }, timing: { seconds, stepsPerSecond: steps / seconds } };
  } finally {
    env.close();
  }
}
