import type { ActionKind } from '../common/spaces.js';

/** Number of floats a sampled action takes in a rollout (1 for Discrete: the index). */
export function actionWidth(action: ActionKind): number {
  return action.kind === 'discrete' ? 1 : action.size;
}

/**
 * The action to send to env row `i` of `actions` (raw samples, `[rows × actionWidth]`): the index
 * shifted by the space's start for Discrete, the vector clipped to the bounds for Box (SB3 clips too; the
 * buffer keeps the unclipped sample).
 */
export function envAction(action: ActionKind, actions: Float32Array, i: number): number | Float32Array {
  if (action.kind === 'discrete') return actions[i] + action.start;
  const d = action.size;
  return action.space.clip(actions.subarray(i * d, (i + 1) * d)) as Float32Array;
}
