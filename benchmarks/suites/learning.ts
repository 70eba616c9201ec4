import { makeRun } from '../runner/run-key.js';
import type { Json, RunSpec, SuiteDefinition } from '../runner/types.js';
import { matchesFilter, seedList, type SuiteOptions } from './suite-options.js';

interface LearningConfig {
  readonly env: string;
  readonly method: string;
  /** Steps of the full suite (issue 6's budgets). */
  readonly fullSteps: number;
  /** Steps of the quick suite. */
  readonly quickSteps: number;
  readonly hyperparameters: { readonly [key: string]: Json };
}

/** Stable-Baselines3 zoo hyperparameters for DQN on CartPole-v1 (issue 6), camelCase. */
const DQN_CARTPOLE_ZOO = {
  learningRate: 2.3e-3, batchSize: 64, bufferSize: 100000, learningStarts: 1000, targetUpdateInterval: 10, trainFreq: 256,
  gradientSteps: 128, explorationFraction: 0.16, explorationFinalEps: 0.04, policyKwargs: { netArch: [256, 256] },
};
/** SB3 zoo hyperparameters for TD3 on Pendulum-v1 (issue 6). */
const TD3_PENDULUM_ZOO = {
  gamma: 0.98, bufferSize: 200000, learningStarts: 10000, actionNoise: { type: 'normal', sigma: 0.1 }, learningRate: 1e-3,
  policyKwargs: { netArch: [400, 300] },
};

/** The learning suite's configurations: issue 6's benchmarks (SB3 defaults or zoo settings). */
const CONFIGS: readonly LearningConfig[] = [
  { env: 'CartPole-v1', method: 'ppo', fullSteps: 100_000, quickSteps: 8_192, hyperparameters: {} },
  { env: 'CartPole-v1', method: 'dqn', fullSteps: 100_000, quickSteps: 8_192, hyperparameters: DQN_CARTPOLE_ZOO },
  { env: 'Pendulum-v1', method: 'td3', fullSteps: 30_000, quickSteps: 0, hyperparameters: TD3_PENDULUM_ZOO },
  { env: 'Autoscaling-v0', method: 'ppo', fullSteps: 50_000, quickSteps: 0, hyperparameters: {} },
];

/**
 * The learning suite: each configuration trained with several seeds, evaluated along the way (learning
 * curves) and at the end. `full`: issue 6's budgets, 3 seeds, four configurations. `quick`: PPO and DQN on
 * CartPole-v1 only, 8,192 steps, 2 seeds — enough to see learning start (far from solving CartPole).
 */
export function learningSuite(options: SuiteOptions): SuiteDefinition {
  const full = options.size === 'full';
  const seeds = seedList(options.seeds ?? (full ? 3 : 2));
  const backend = options.backend ?? 'cpu';
  const runs: RunSpec[] = [];
  const chosen = CONFIGS.filter((c) => (full || c.quickSteps > 0) && matchesFilter(options.filter, c.env, c.method));
  if (chosen.length === 0) throw new RangeError(`learning suite: no configuration matches "${options.filter}"; configurations: ${CONFIGS.map((c) => `${c.env} ${c.method}`).join(', ')}`);
  for (const c of chosen) {
    const steps = options.steps ?? (full ? c.fullSteps : c.quickSteps);
    const evalEvery = Math.max(1, Math.floor(steps / (full ? 20 : 8)));
    for (const seed of seeds) {
      runs.push(makeRun({ env: c.env, method: c.method, task: 'default', seed, params: { steps, evalEvery, evalEpisodes: 5, finalEpisodes: 10, backend, hyperparameters: c.hyperparameters } }));
    }
  }
  return {
    name: 'learning',
    config: { size: options.size, seeds: seeds.length, steps: options.steps ?? null, filter: options.filter ?? null, backend },
    runs,
    unit: { module: new URL('./learning-unit.js', import.meta.url).href, exportName: 'learningRun' },
    backend,
    headline: (record) => {
      const value = record.metrics.finalMeanReward;
      return typeof value === 'number' ? { group: `${record.run.env} ${record.run.method}`, value, higherIsBetter: true } : undefined;
    },
  };
}
