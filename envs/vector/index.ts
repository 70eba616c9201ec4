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
