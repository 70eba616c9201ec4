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
