export { Rng, entropySeed, assertValidSeed } from './rng.js';
export type { RngState } from './rng.js';
