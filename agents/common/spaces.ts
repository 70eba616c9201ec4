import { Box } from '../../envs/spaces/box.js';
import { Discrete } from '../../envs/spaces/discrete.js';
import type { Space } from '../../envs/spaces/space.js';

/**
 * How an observation becomes the network's float input (SB3's `preprocess_obs`): a Box is flattened as
 * is, a Discrete observation is one-hot encoded. Other spaces are not supported by the MLP agents.
 */
export interface ObservationEncoder {
  /** Length of one encoded observation. */
  readonly size: number;
  /** Writes an encoded observation at `out[offset …]`. */
  write(observation: unknown, out: Float32Array, offset: number): void;
}

/** The encoder for an observation space; throws naming the space when it is unsupported. */
export function observationEncoder(space: Space<unknown>, who: string): ObservationEncoder {
  if (space instanceof Box) {
    const size = space.size;
    return {
      size,
      write(observation, out, offset) {
        const obs = observation as ArrayLike<number>;
        if (obs === null || typeof obs !== 'object' || obs.length !== size) {
          throw new RangeError(`${who}: observation must be ${size} numbers (${space.toString()}), got ${describe(observation)}`);
        }
        for (let i = 0; i < size; i++) out[offset + i] = obs[i];
      },
    };
  }
  if (space instanceof Discrete) {
    const { n, start } = space;
    return {
      size: n,
      write(observation, out, offset) {
        const k = Number(observation) - start;
        if (!Number.isInteger(k) || k < 0 || k >= n) throw new RangeError(`${who}: observation ${describe(observation)} is not in ${space.toString()}`);
        out.fill(0, offset, offset + n);
        out[offset + k] = 1;
      },
    };
  }
  throw new RangeError(`${who}: observation space ${space.toString()} is not supported; use a Box or a Discrete space`);
}

/** The kind and size of an action space the agents support. */
export type ActionKind = { readonly kind: 'discrete'; readonly n: number; readonly start: number } | { readonly kind: 'box'; readonly size: number; readonly space: Box };

/** Describes an action space; throws naming the space when it is unsupported or not allowed. */
export function actionKind(space: Space<unknown>, who: string, allowed: readonly ('discrete' | 'box')[]): ActionKind {
  if (space instanceof Discrete && allowed.includes('discrete')) return { kind: 'discrete', n: space.n, start: space.start };
  if (space instanceof Box && allowed.includes('box')) return { kind: 'box', size: space.size, space };
  throw new RangeError(`${who}: action space ${space.toString()} is not supported; allowed: ${allowed.map((k) => (k === 'box' ? 'Box' : 'Discrete')).join(', ')}`);
}

function describe(value: unknown): string {
  if (ArrayBuffer.isView(value)) return `${value.constructor.name}(${(value as unknown as ArrayLike<number>).length})`;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
