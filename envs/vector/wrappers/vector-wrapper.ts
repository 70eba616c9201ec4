import type { Space } from '../../spaces/space.js';
import { EnvError } from '../../core/errors.js';
import type {
  AutoresetMode,
  BatchedActions,
  VectorEnv,
  VectorResetArgs,
  VectorResetResult,
  VectorStepResult,
} from '../vector-env.js';

/** A vector env that can step asynchronously (WorkerVectorEnv, or a wrapper around one). */
export interface AsyncSteppable {
  stepAsync(actions: BatchedActions): void;
  stepWait(): Promise<VectorStepResult>;
}

function isAsyncSteppable(env: unknown): env is AsyncSteppable {
  return typeof (env as AsyncSteppable).stepAsync === 'function' && typeof (env as AsyncSteppable).stepWait === 'function';
}

/**
 * Gymnasium's `VectorWrapper`: forwards to the wrapped vector env. Subclasses transform results in
 * {@link VectorWrapper.transformReset} and {@link VectorWrapper.transformStep}, which serve `step` and the
 * async pair `stepAsync`/`stepWait` alike (the latter only when the wrapped env has them).
 */
export class VectorWrapper<Obs = unknown, Act = unknown> implements VectorEnv<Obs, Act>, AsyncSteppable {
  constructor(readonly env: VectorEnv<Obs, Act>) {}

  get numEnvs(): number {
    return this.env.numEnvs;
  }

  get singleObservationSpace(): Space<Obs> {
    return this.env.singleObservationSpace;
  }

  get singleActionSpace(): Space<Act> {
    return this.env.singleActionSpace;
  }

  get observationSpace(): Space<unknown> {
    return this.env.observationSpace;
  }

  get actionSpace(): Space<unknown> {
    return this.env.actionSpace;
  }

  get autoresetMode(): AutoresetMode {
    return this.env.autoresetMode;
  }

  reset(args: VectorResetArgs = {}): VectorResetResult {
    return this.transformReset(args, this.env.reset(args));
  }

  step(actions: BatchedActions): VectorStepResult {
    return this.transformStep(this.env.step(actions));
  }

  stepAsync(actions: BatchedActions): void {
    if (!isAsyncSteppable(this.env)) throw new EnvError(`${this.constructor.name}.stepAsync: the wrapped vector env has no async stepping`);
    this.env.stepAsync(actions);
  }

  async stepWait(): Promise<VectorStepResult> {
    if (!isAsyncSteppable(this.env)) throw new EnvError(`${this.constructor.name}.stepWait: the wrapped vector env has no async stepping`);
    return this.transformStep(await this.env.stepWait());
  }

  close(): void | Promise<void> {
    return this.env.close();
  }

  /** Adjusts a reset's result (identity by default). */
  protected transformReset(_args: VectorResetArgs, result: VectorResetResult): VectorResetResult {
    return result;
  }

  /** Adjusts a step's result (identity by default). */
  protected transformStep(result: VectorStepResult): VectorStepResult {
    return result;
  }

  /** Which sub-envs a reset touched: those in `options.resetMask`, or all. */
  protected resetIndices(args: VectorResetArgs): number[] {
    const mask = args.options?.resetMask;
    return Array.from({ length: this.numEnvs }, (_, i) => i).filter((i) => mask === undefined || Boolean(mask[i]));
  }
}
