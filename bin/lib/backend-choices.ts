/**
 * The values of `--backend`: `auto` and agents/backend.ts's BACKEND_PREFERENCE. Listed here so that
 * `--help` and flag checking do not load TensorFlow.js (a second of start-up); the agents validate the name
 * again, and a test checks that the two lists agree.
 */
export const BACKEND_CHOICES = ['auto', 'node-gpu', 'node', 'wasm', 'cpu'] as const;
