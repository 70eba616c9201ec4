export type { Env, AnyEnv, Info, ResetArgs, ResetResult, StepResult } from './env.js';
export { BaseEnv } from './base-env.js';
export { Wrapper, findWrapper } from './wrapper.js';
export { EnvError, InvalidActionError, InvalidOptionError, describeValue } from './errors.js';
