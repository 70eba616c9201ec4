/**
 * Test fixture for distributed rollouts: `RolloutCrashCartPole-v0`, CartPole-v1 whose process is killed
 * (SIGKILL, no clean-up, as a crashed machine) at its `crashAtStep`-th step, once: the first time, it
 * writes `marker` before dying; once the marker exists it behaves as CartPole-v1. Rollout workers import
 * it through their module allow-list.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { CartPoleEnv } from '../envs/classic/cartpole.js';
import type { StepResult } from '../envs/core/env.js';
import { register } from '../envs/registry/index.js';

class CrashOnceCartPole extends CartPoleEnv {
  private steps = 0;

  constructor(
    private readonly marker: string,
    private readonly crashAtStep: number,
  ) {
    super();
  }

  protected override stepEnv(action: number): StepResult<Float32Array> {
    this.steps += 1;
    if (this.steps === this.crashAtStep && !existsSync(this.marker)) {
      writeFileSync(this.marker, String(process.pid));
      process.kill(process.pid, 'SIGKILL');
    }
    return super.stepEnv(action);
  }
}

register({
  id: 'RolloutCrashCartPole-v0',
  entryPoint: (kwargs) => new CrashOnceCartPole(String(kwargs.marker), Number(kwargs.crashAtStep)),
  maxEpisodeSteps: 500,
  description: 'test fixture: CartPole-v1 that kills its process once, at a given step',
});
