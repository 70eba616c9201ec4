import { Box } from '../../envs/spaces/box.js';
import { Discrete } from '../../envs/spaces/discrete.js';
import type { Space } from '../../envs/spaces/space.js';
import { CheckpointError } from './checkpoint.js';

/** JSON form of the spaces an agent supports, stored in checkpoints. */
export type SpaceJson =
  | { readonly type: 'Box'; readonly low: (number | string)[]; readonly high: (number | string)[]; readonly shape: number[]; readonly dtype: string }
  | { readonly type: 'Discrete'; readonly n: number; readonly start: number };

// JSON has no infinities; they are stored as strings.
const enc = (v: number): number | string => (Number.isFinite(v) ? v : String(v));
const dec = (v: number | string): number => (typeof v === 'number' ? v : Number(v));

/** Serialises a Box or Discrete space. */
export function spaceToJson(space: Space<unknown>): SpaceJson {
  if (space instanceof Box) return { type: 'Box', low: Array.from(space.low, enc), high: Array.from(space.high, enc), shape: [...space.shape], dtype: space.dtype };
  if (space instanceof Discrete) return { type: 'Discrete', n: space.n, start: space.start };
  throw new RangeError(`cannot store space ${space.toString()} in a checkpoint; agents support Box and Discrete`);
}

/** Rebuilds a space from {@link spaceToJson}. */
export function spaceFromJson(json: unknown, where: string): Space<unknown> {
  const j = json as SpaceJson;
  if (j?.type === 'Box') return new Box(j.low.map(dec), j.high.map(dec), { shape: j.shape, dtype: j.dtype as 'float32' }) as unknown as Space<unknown>;
  if (j?.type === 'Discrete') return new Discrete(j.n, j.start) as unknown as Space<unknown>;
  throw new CheckpointError(`${where}: unreadable space ${JSON.stringify(json)}`);
}
