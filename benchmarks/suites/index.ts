import type { Json, RunRecord, SuiteDefinition } from '../runner/types.js';
import { adaptationSuite, adaptationSummary } from './adaptation.js';
import { learningSuite } from './learning.js';
import { randomBaselineSuite } from './random-baseline.js';
import type { SuiteOptions } from './suite-options.js';
import { throughputSuite } from './throughput.js';

export { adaptationSuite, adaptationConfig, adaptationSummary } from './adaptation.js';
export { learningSuite } from './learning.js';
export { randomBaselineSuite } from './random-baseline.js';
export { throughputSuite } from './throughput.js';
export { agentClass, ALGORITHM_NAMES, isAlgorithmName } from './agent-factory.js';
export type { AgentClass, AlgorithmName } from './agent-factory.js';
export type { SuiteOptions, SuiteSize } from './suite-options.js';

/** A suite `flash-gym bench` can run. */
export interface SuiteEntry {
  readonly build: (options: SuiteOptions) => SuiteDefinition;
  readonly description: string;
  /** The suite's own summary.json (default: every numeric metric's mean and 95% CI per env and method). */
  readonly summarize?: (config: { readonly [key: string]: Json }, records: readonly RunRecord[]) => unknown;
}

/** The suites `flash-gym bench` knows, by name, with a line of description each. */
export const SUITES: Readonly<Record<string, SuiteEntry>> = {
  adaptation: {
    build: adaptationSuite,
    description: 'FLASH embedding vs MAML, TL, TL+, scratch adapting to held-out Autoscaling-v0 apps (+ CongestionControl-v0 in --full)',
    summarize: adaptationSummary,
  },
  throughput: { build: throughputSuite, description: 'steps/s of every registered env, bare and through make()' },
  learning: { build: learningSuite, description: 'PPO/DQN/TD3 learning curves on CartPole, Pendulum, Autoscaling (issue 6 budgets in --full)' },
  random: { build: randomBaselineSuite, description: 'returns of a uniformly random policy on every env (the floor a learner must clear)' },
};

/** Builds a suite by name; an unknown name is an error listing the known ones. */
export function buildSuite(name: string, options: SuiteOptions): SuiteDefinition {
  const entry = SUITES[name];
  if (entry === undefined) throw new RangeError(`unknown suite "${name}"; allowed: ${Object.keys(SUITES).join(', ')}`);
  return entry.build(options);
}
