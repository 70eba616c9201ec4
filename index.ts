// flash-gym's public API.
export * from './envs/index.js';
export * from './agents/index.js';
export * from './meta/index.js';
export * from './queue/rollouts/index.js';
export * from './queue/index.js';
