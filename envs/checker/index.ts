export { checkEnv, EnvCheckError } from './check-env.js';
export type { CheckFinding, CheckEnvOptions } from './check-env.js';
export { deepEqual } from './deep-equal.js';
