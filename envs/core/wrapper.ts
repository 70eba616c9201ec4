import type { Space } from '../spaces/space.js';
import type { EnvSpec } from '../registry/spec.js';
import type { Env, ResetArgs, ResetResult, StepResult } from './env.js';

/**
 * Base of all wrappers (Gymnasium's `Wrapper`): forwards everything to the wrapped env. Subclasses
 * override `reset`/`step` and, when they change them, the spaces.
 */
export class Wrapper<Obs, Act, InnerObs = Obs, InnerAct = Act> implements Env<Obs, Act> {
  constructor(readonly env: Env<InnerObs, InnerAct>) {}

  get observationSpace(): Space<Obs> {
    return this.env.observationSpace as unknown as Space<Obs>;
  }

  get actionSpace(): Space<Act> {
    return this.env.actionSpace as unknown as Space<Act>;
  }

  get spec(): EnvSpec | undefined {
    return this.env.spec;
  }

  set spec(value: EnvSpec | undefined) {
    this.env.spec = value;
  }

  get metadata(): Record<string, unknown> | undefined {
    return this.env.metadata;
  }

  get unwrapped(): Env<unknown, unknown> {
    return this.env.unwrapped;
  }

  reset(args?: ResetArgs): ResetResult<Obs> {
    return this.env.reset(args) as unknown as ResetResult<Obs>;
  }

  step(action: Act): StepResult<Obs> {
    return this.env.step(action as unknown as InnerAct) as unknown as StepResult<Obs>;
  }

  render(): unknown {
    return this.env.render?.();
  }

  close(): void {
    this.env.close();
  }

  /** The chain of wrappers down to the bare env, outermost first, as class names. */
  toString(): string {
    const inner = this.env instanceof Wrapper ? this.env.toString() : this.env.constructor.name;
    return `${this.constructor.name}<${inner}>`;
  }
}

/** Finds the outermost wrapper of the given class in an env's wrapper chain. */
export function findWrapper<W>(env: Env<unknown, unknown>, cls: abstract new (...args: never[]) => W): W | undefined {
  let current: Env<unknown, unknown> = env;
  for (;;) {
    if (current instanceof cls) return current as W;
    if (current instanceof Wrapper) current = current.env as Env<unknown, unknown>;
    else return undefined;
  }
}
