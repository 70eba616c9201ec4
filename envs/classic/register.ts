import { register } from '../registry/registry.js';
import { CARTPOLE_KWARGS_SCHEMA, CartPoleEnv, type CartPoleKwargs } from './cartpole.js';
import { PENDULUM_KWARGS_SCHEMA, PendulumEnv, type PendulumKwargs } from './pendulum.js';

/**
 * Registers CartPole-v1 and Pendulum-v1 with Gymnasium 1.x's registration: the same episode limits
 * (500 / 200 steps, applied by `make` through TimeLimit) and CartPole's reward threshold of 475.
 */
function registerClassicEnvs(): void {
  register({
    id: 'CartPole-v1',
    entryPoint: (kwargs) => new CartPoleEnv(kwargs as CartPoleKwargs),
    maxEpisodeSteps: 500,
    rewardThreshold: 475.0,
    kwargsSchema: { ...CARTPOLE_KWARGS_SCHEMA },
    description: 'Cart-pole balancing, an exact port of Gymnasium 1.x (Discrete(2) actions, 4 float32 observations)',
  });
  register({
    id: 'Pendulum-v1',
    entryPoint: (kwargs) => new PendulumEnv(kwargs as PendulumKwargs),
    maxEpisodeSteps: 200,
    kwargsSchema: { ...PENDULUM_KWARGS_SCHEMA },
    description: 'Inverted-pendulum swing-up, an exact port of Gymnasium 1.x (torque in [-2, 2], 3 float32 observations)',
  });
}

registerClassicEnvs();
