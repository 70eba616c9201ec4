import type { AgentEnv, LoadOptions } from './common/base-algorithm.js';
import { DDPG, type DDPGOptions } from './ddpg.js';

/** TD3's hyperparameters: DDPG's, with TD3's defaults (the `td3` switch is always on; `td3: false` is an error). */
export type TD3Options = DDPGOptions;

/**
 * Twin Delayed DDPG (Fujimoto et al., 2018) as SB3's `TD3`: {@link DDPG} with `td3: true`, i.e. two
 * critics and the minimum of their targets, actor and target updates every `policyDelay` = 2 critic
 * updates, and target actions smoothed by noise N(0, 0.2) clipped to ±0.5. Its checkpoints are tagged
 * `TD3`, so `TD3.load` reads them and `DDPG.load` refuses them.
 */
export class TD3 extends DDPG {
  static override readonly algorithm: string = 'TD3';

  constructor(env: AgentEnv, options: TD3Options = {}) {
    if (options !== null && typeof options === 'object' && 'td3' in options && options.td3 !== true) {
      throw new RangeError(`TD3: option "td3" can only be true, got ${String(options.td3)} (use DDPG for plain DDPG)`);
    }
    super(env, { ...options, td3: true });
  }

  /** Loads a TD3 checkpoint written by `save`; with `env` the agent can continue learning. */
  static override async load(dir: string, env?: AgentEnv, options: LoadOptions = {}): Promise<TD3> {
    return DDPG.restore(TD3, dir, env, options);
  }
}
