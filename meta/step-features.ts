import { Box } from '../envs/spaces/box.js';
import { Discrete } from '../envs/spaces/discrete.js';
import type { Space } from '../envs/spaces/space.js';

/**
 * How one env step is written as numbers for the task encoders: the observation (a Box flattened, or a
 * Discrete one-hot), the action (a Box's values, or a Discrete one-hot) and the reward. Encoders see the
 * action as a one-hot so that "action 3" is not numerically between actions 2 and 4.
 */
export interface StepFeatures {
  readonly observationSize: number;
  readonly actionSize: number;
  /** Writes an observation's features into `out` at `offset`. */
  writeObservation(observation: unknown, out: Float32Array, offset: number): void;
  /** Writes an action's features into `out` at `offset`. */
  writeAction(action: unknown, out: Float32Array, offset: number): void;
}

/** Builds the featurizer of an env's spaces; only Box and Discrete are supported (as by the agents). */
export function stepFeatures(observationSpace: Space<unknown>, actionSpace: Space<unknown>): StepFeatures {
  const obs = part(observationSpace, 'observation');
  const act = part(actionSpace, 'action');
  return { observationSize: obs.size, actionSize: act.size, writeObservation: obs.write, writeAction: act.write };
}

function part(space: Space<unknown>, what: string): { size: number; write: (value: unknown, out: Float32Array, offset: number) => void } {
  if (space instanceof Discrete) {
    const { n, start } = space;
    return {
      size: n,
      write(value, out, offset) {
        const k = (value as number) - start;
        if (!Number.isInteger(k) || k < 0 || k >= n) throw new RangeError(`task encoder: ${what} ${String(value)} is not in ${space.toString()}`);
        out.fill(0, offset, offset + n);
        out[offset + k] = 1;
      },
    };
  }
  if (space instanceof Box) {
    const size = space.shape.reduce((a, b) => a * b, 1);
    return {
      size,
      write(value, out, offset) {
        const v = value as ArrayLike<number>;
        if (v === null || typeof v !== 'object' || v.length !== size) throw new RangeError(`task encoder: ${what} must be ${size} numbers (${space.toString()})`);
        for (let i = 0; i < size; i++) out[offset + i] = v[i];
      },
    };
  }
  throw new TypeError(`task encoder: ${what} space ${space.toString()} is not supported; allowed: Box, Discrete`);
}
