// A complete custom env: a room heated by a thermostat. Importing this module registers `Thermostat-v0`.
import { BaseEnv, Box, Discrete, register } from 'flash-gym';

class ThermostatEnv extends BaseEnv {
  observationSpace = new Box(-20, 60, { shape: [2] }); // [temperature °C, target °C]
  actionSpace = new Discrete(3); // 0: heater off, 1: low, 2: high

  constructor({ target = 21 } = {}) {
    super();
    this.target = target;
  }

  resetOptionKeys() {
    return ['temperature'];
  }

  resetEnv(options) {
    // All randomness comes from the env's seeded RNG, so the same seed gives the same episode anywhere.
    this.temperature = options.temperature ?? this.npRandom.uniform(5, 15);
    return { observation: this.observe(), info: {} };
  }

  stepEnv(action) {
    const heating = [0, 0.8, 2][action];
    this.temperature += heating - 0.05 * (this.temperature - 5) + this.npRandom.normal(0, 0.1);
    const reward = -Math.abs(this.temperature - this.target) - 0.1 * action;
    return { observation: this.observe(), reward, terminated: false, truncated: false, info: { heating } };
  }

  observe() {
    return Float32Array.of(Math.min(60, Math.max(-20, this.temperature)), this.target);
  }
}

register({
  id: 'Thermostat-v0',
  entryPoint: (kwargs) => new ThermostatEnv(kwargs),
  maxEpisodeSteps: 100,
  kwargsSchema: { target: { type: 'number', min: 10, max: 30 } },
});
