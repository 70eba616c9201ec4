import { Rng } from '../../envs/rng/rng.js';
import type { ActorCriticPolicy } from '../policies/actor-critic.js';

/**
 * One action-sampling RNG per sub-env, derived from the agent's RNG.
 *
 * Why per sub-env: drawing every sub-env's action from one shared stream ties sub-env i's draws to the
 * position of the others in the stream, so a shard of sub-envs sampled on another machine could never
 * reproduce them. With a stream per sub-env, the draws of sub-env i depend only on its own history, and a
 * local vector env and distributed rollout workers sample the very same actions.
 */
export function deriveActionStreams(parent: Rng, numEnvs: number): Rng[] {
  // One draw from the parent, then children of a private generator, so the parent's later draws
  // (minibatch shuffles) do not depend on the number of envs.
  const root = new Rng(parent.spawnSeed());
  return Array.from({ length: numEnvs }, () => new Rng(root.spawnSeed()));
}

/**
 * Samples one action per row of `observations` (`count` rows of `obsSize`), row r from `streams[r]`;
 * writes the raw (unclipped) actions `[count × actionDim]` and their log-probabilities. Rows are evaluated
 * one at a time, so a row's result does not depend on which other rows share the call: a local batch of
 * all sub-envs and a worker's shard give the same bits.
 */
export function sampleActions(
  policy: ActorCriticPolicy,
  observations: Float32Array,
  count: number,
  streams: readonly Rng[],
  actions: Float32Array,
  logProbs: Float64Array,
): void {
  const os = policy.obsSize;
  const d = policy.action.kind === 'discrete' ? 1 : policy.action.size;
  for (let r = 0; r < count; r++) {
    policy.act(observations.subarray(r * os, (r + 1) * os), 1, false, streams[r], actions.subarray(r * d, (r + 1) * d), logProbs.subarray(r, r + 1));
  }
}
