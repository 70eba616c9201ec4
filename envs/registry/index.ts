export { register, unregister, make, spec, listEnvs, parseEnvId } from './registry.js';
export type { MakeOptions } from './registry.js';
export { validateKwargs, validateKwarg, describeSchema } from './kwargs.js';
export type { EnvRegistration, EnvSpec, EnvFactory, KwargSchema } from './spec.js';
