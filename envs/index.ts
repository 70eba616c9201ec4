// The env API and every env family; importing this module registers all built-in envs.
export * from './core/index.js';
export * from './rng/index.js';
export * from './spaces/index.js';
export * from './registry/index.js';
export * from './tasks/index.js';
export * from './vector/index.js';
export * from './checker/index.js';
export * from './classic/index.js';
export * from './dvfs/index.js';
export * from './congestion/index.js';
export * from './autoscaling/index.js';
export * from './wrappers/index.js';
export * from './configsearch/index.js';
