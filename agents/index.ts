// flash-gym's agents: TensorFlow.js backends, networks, buffers, SB3-shaped algorithms.
export * from './backend.js';
export { PPO } from './ppo.js';
export type { PPOOptions } from './ppo.js';
export { DQN } from './dqn.js';
export type { DQNOptions, DQNPolicyKwargs } from './dqn.js';
export { ActorCriticPolicy } from './policies/actor-critic.js';
export type { ActorCriticPolicyKwargs, ActorCriticNetArch } from './policies/actor-critic.js';
export { BaseAlgorithm, openCheckpoint } from './common/base-algorithm.js';
export type { AgentEnv, AgentSpaces, CommonAgentOptions, LearnOptions, LoadOptions } from './common/base-algorithm.js';
export { OffPolicyAlgorithm } from './common/off-policy-algorithm.js';
export type { OffPolicySettings } from './common/off-policy-algorithm.js';
export {
  BaseCallback,
  CallbackList,
  CheckpointCallback,
  EvalCallback,
  ProgressBarCallback,
  StopTrainingOnRewardThreshold,
} from './common/callbacks.js';
export type { CheckpointCallbackOptions, EvalCallbackOptions, EvaluationRecord } from './common/callbacks.js';
export { evaluatePolicy } from './common/evaluation.js';
export type { Actor, EvaluationResult } from './common/evaluation.js';
export { Logger, formatTable } from './common/logger.js';
export type { LogFormat, LoggerOptions } from './common/logger.js';
export { linearSchedule, scheduleValue } from './common/schedules.js';
export type { LinearSchedule, Schedule } from './common/schedules.js';
export { CheckpointError, readCheckpoint, writeCheckpoint } from './common/checkpoint.js';
export type { CheckpointContents, StoredTensor, TensorGroup } from './common/checkpoint.js';
export { RolloutBuffer } from './buffers/rollout-buffer.js';
export { ReplayBuffer } from './buffers/replay-buffer.js';
export type { ReplaySample, ReplayBufferState } from './buffers/replay-buffer.js';
export { ParamLayout } from './nn/param-layout.js';
export type { ParamEntry } from './nn/param-layout.js';
export { ParameterVector } from './nn/parameters.js';
export { FlatAdam, clipByGlobalNorm } from './nn/flat-adam.js';
export type { AdamOptions, AdamState } from './nn/flat-adam.js';
export { buildMlp, mlpForward } from './nn/mlp.js';
export type { Activation, DenseLayer, Mlp, MlpOptions } from './nn/mlp.js';
export { FastMlp } from './nn/fast-forward.js';
export { initDense, orthogonalKernel } from './nn/init.js';
export type { InitScheme } from './nn/init.js';
export { DDPG } from './ddpg.js';
export type { DDPGOptions, TrainingEngine } from './ddpg.js';
export { TD3 } from './td3.js';
export type { TD3Options } from './td3.js';
export { makeActionNoise, NormalActionNoise, OrnsteinUhlenbeckActionNoise } from './noise.js';
export type { ActionNoise, ActionNoiseSpec, ActionNoiseState } from './noise.js';
export { QLearning } from './qlearning.js';
export type { QLearningOptions } from './qlearning.js';
