// The suites of `flash-gym bench`. Each suite's module is loaded only when it runs: the adaptation suite
// pulls in TensorFlow.js and meta-learning, which --help and the throughput suite do not need.
import type { Json, RunRecord, SuiteDefinition } from '../runner/types.js';
import type { SuiteOptions } from './suite-options.js';

export { ALGORITHM_NAMES, isAlgorithmName } from './algorithm-names.js';
export type { AlgorithmName } from './algorithm-names.js';
export type { SuiteOptions, SuiteSize } from './suite-options.js';

/** What a suite's module provides. */
export interface SuiteModule {
  readonly build: (options: SuiteOptions) => SuiteDefinition;
  /** The suite's own summary.json (default: every numeric metric's mean and 95% CI per env and method). */
  readonly summarize?: (config: { readonly [key: string]: Json }, records: readonly RunRecord[]) => unknown;
}

/** A suite `flash-gym bench` can run: a description and its module, loaded on demand. */
export interface SuiteEntry {
  readonly description: string;
  readonly load: () => Promise<SuiteModule>;
}

/** The suites `flash-gym bench` knows, by name. */
export const SUITES: Readonly<Record<string, SuiteEntry>> = {
  adaptation: {
    description: 'FLASH embedding vs MAML, TL, TL+, scratch adapting to held-out Autoscaling-v0 apps (+ CongestionControl-v0 in --full)',
    load: async () => {
      const m = await import('./adaptation.js');
      return { build: m.adaptationSuite, summarize: m.adaptationSummary };
    },
  },
  throughput: { description: 'steps/s of every registered env, bare and through make()', load: async () => ({ build: (await import('./throughput.js')).throughputSuite }) },
  learning: { description: 'PPO/DQN/TD3 learning curves on CartPole, Pendulum, Autoscaling (issue 6 budgets in --full)', load: async () => ({ build: (await import('./learning.js')).learningSuite }) },
  random: { description: 'returns of a uniformly random policy on every env (the floor a learner must clear)', load: async () => ({ build: (await import('./random-baseline.js')).randomBaselineSuite }) },
};

/** Loads a suite's module by name; an unknown name is an error listing the known ones. */
export async function loadSuite(name: string): Promise<SuiteModule> {
  const entry = SUITES[name];
  if (entry === undefined) throw new RangeError(`unknown suite "${name}"; allowed: ${Object.keys(SUITES).join(', ')}`);
  return entry.load();
}

/** Builds a suite by name. */
export async function buildSuite(name: string, options: SuiteOptions): Promise<SuiteDefinition> {
  return (await loadSuite(name)).build(options);
}
