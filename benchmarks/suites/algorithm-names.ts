/** The algorithm names the command line and the suites accept (a module without TensorFlow.js, for --help). */
export const ALGORITHM_NAMES = ['ppo', 'ddpg', 'td3', 'dqn', 'qlearning'] as const;
export type AlgorithmName = (typeof ALGORITHM_NAMES)[number];

/** Whether `name` is one of {@link ALGORITHM_NAMES}. */
export function isAlgorithmName(name: string): name is AlgorithmName {
  return (ALGORITHM_NAMES as readonly string[]).includes(name);
}
