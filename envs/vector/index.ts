export type {
  AutoresetMode,
  BatchArray,
  BatchedActions,
  VectorEnv,
  VectorInfo,
  VectorResetArgs,
  VectorResetResult,
  VectorStepResult,
} from './vector-env.js';
export { SyncVectorEnv } from './sync-vector-env.js';
export type { SyncVectorEnvOptions } from './sync-vector-env.js';
export { BatchedSpace, batchSpace } from './batch-space.js';
export { SubEnvError } from './sub-env-error.js';
export type { SubEnvPhase } from './sub-env-error.js';
export { addInfo } from './vector-info.js';
export { WorkerVectorEnv } from './worker-vector-env.js';
export type { WorkerVectorEnvOptions } from './worker-vector-env.js';
export { makeVec } from './make-vec.js';
export type { MakeVecOptions, VecWrapper } from './make-vec.js';
export { registerEnvWrapper, listEnvWrappers } from './wrapper-registry.js';
export type { WrapperSpec, WrapperFactory } from './wrapper-registry.js';
export type { EnvRecipe } from './env-recipe.js';
export { VectorWrapper } from './wrappers/vector-wrapper.js';
export type { AsyncSteppable } from './wrappers/vector-wrapper.js';
export { RecordEpisodeStatisticsVec } from './wrappers/record-episode-statistics.js';
export type { RecordEpisodeStatisticsVecOptions } from './wrappers/record-episode-statistics.js';
export { NormalizeObservationVec } from './wrappers/normalize-observation.js';
export type { NormalizeObservationVecOptions } from './wrappers/normalize-observation.js';
export { NormalizeRewardVec } from './wrappers/normalize-reward.js';
export type { NormalizeRewardVecOptions } from './wrappers/normalize-reward.js';
