// Classic control: exact Gymnasium 1.x ports used to validate agents. Importing this module registers them.
export { CartPoleEnv, CARTPOLE_KWARGS_SCHEMA, CARTPOLE_STATE_NAMES } from './cartpole.js';
export type { CartPoleKwargs } from './cartpole.js';
export { PendulumEnv, PENDULUM_KWARGS_SCHEMA, PENDULUM_STATE_NAMES, angleNormalize } from './pendulum.js';
export type { PendulumKwargs } from './pendulum.js';
import './register.js';
