import * as agents from '../../agents/index.js';
import type { AgentEnv, BaseAlgorithm, LoadOptions } from '../../agents/index.js';

import { ALGORITHM_NAMES, isAlgorithmName, type AlgorithmName } from './algorithm-names.js';

/** The class names `agents/` exports for each algorithm. */
const EXPORTED_AS: Record<AlgorithmName, string> = { ppo: 'PPO', ddpg: 'DDPG', td3: 'TD3', dqn: 'DQN', qlearning: 'QLearning' };

/** What every agent class of `agents/` offers: SB3's constructor and `load`. */
export interface AgentClass {
  new (env: AgentEnv, options: Record<string, unknown>): BaseAlgorithm;
  load(dir: string, env?: AgentEnv, options?: LoadOptions): Promise<BaseAlgorithm>;
}

/**
 * The agent class of an algorithm name (`ppo` → `PPO`). An unknown name, or an algorithm this build of
 * `agents/` does not export, is an error that lists the ones available.
 */
export function agentClass(name: string): AgentClass {
  const exported = agents as unknown as Record<string, unknown>;
  const available = ALGORITHM_NAMES.filter((n) => typeof exported[EXPORTED_AS[n]] === 'function');
  if (!isAlgorithmName(name)) throw new RangeError(`unknown algorithm "${name}"; allowed: ${available.join(', ')}`);
  const cls = exported[EXPORTED_AS[name]];
  if (typeof cls !== 'function') throw new RangeError(`algorithm "${name}" (${EXPORTED_AS[name]}) is not in this build of agents/; available: ${available.join(', ')}`);
  return cls as AgentClass;
}
