/**
 * Runs one rollout job: rebuilds the shard's sub-envs from their cursors, samples actions with the shipped
 * policy and each sub-env's own RNG stream (the same `sampleActions` the local PPO uses), steps `nSteps`
 * times, and returns the trajectories and the new cursors and RNG states. No Redis here: the consumer
 * calls it, and tests can too.
 */
import { actionKind, observationEncoder, type ActionKind } from '../../agents/common/spaces.js';
import { spaceToJson } from '../../agents/common/space-json.js';
import { ActorCriticPolicy } from '../../agents/policies/actor-critic.js';
import { sampleActions } from '../../agents/rollouts/action-streams.js';
import { actionWidth, envAction } from '../../agents/rollouts/env-action.js';
import type { AnyEnv } from '../../envs/core/env.js';
import { Rng } from '../../envs/rng/rng.js';
import { buildEnv } from '../../envs/vector/env-recipe.js';
import { ROLLOUT_FORMAT, RolloutJobError, type RolloutJobData, type RolloutPolicy } from './job-format.js';
import type { RolloutJobResult } from './result-format.js';
import { SubEnvReplay } from './sub-env-replay.js';
import { fromBase64, toBase64 } from './wire.js';

/**
 * Keeps the last policy network a worker built, so that consecutive jobs of one run only copy weights
 * (building runs the orthogonal initialisation, wasted work when the weights are replaced anyway).
 */
export class PolicyCache {
  private key = '';
  private policy: ActorCriticPolicy | undefined;

  /** A policy with the job's architecture and weights. */
  get(spec: RolloutPolicy, obsSize: number, action: ActionKind, batch: number): ActorCriticPolicy {
    const key = JSON.stringify([spec.netArch, spec.activation, spec.observationSpace, spec.actionSpace, batch]);
    if (this.policy === undefined || key !== this.key) {
      this.policy = new ActorCriticPolicy(obsSize, action, { netArch: { pi: spec.netArch.pi, vf: spec.netArch.vf }, activationFn: spec.activation }, new Rng(0), batch);
      this.key = key;
    }
    const size = this.policy.params.layout.size;
    this.policy.params.values.set(fromBase64(Float32Array, spec.weights, size, 'job.policy.weights'));
    return this.policy;
  }
}

/** Collects a job's shard (the job must already be validated and its modules imported). */
export function collectShard(job: RolloutJobData, policies: PolicyCache = new PolicyCache()): RolloutJobResult {
  const count = job.subEnvs.length;
  const envs: AnyEnv[] = [];
  try {
    for (let k = 0; k < count; k++) envs.push(buildEnv({ id: job.env.id, kwargs: job.env.kwargs, wrappers: job.env.wrappers, modules: [] }));
    const env = envs[0];
    if (JSON.stringify(spaceToJson(env.observationSpace)) !== JSON.stringify(job.policy.observationSpace)) {
      throw new RolloutJobError(`job.policy.observationSpace does not match env ${job.env.id}'s ${env.observationSpace.toString()}`);
    }
    if (JSON.stringify(spaceToJson(env.actionSpace)) !== JSON.stringify(job.policy.actionSpace)) {
      throw new RolloutJobError(`job.policy.actionSpace does not match env ${job.env.id}'s ${env.actionSpace.toString()}`);
    }
    const encoder = observationEncoder(env.observationSpace, 'rollout worker');
    const action = actionKind(env.actionSpace, 'rollout worker', ['discrete', 'box']);
    const os = encoder.size;
    const d = actionWidth(action);
    const policy = policies.get(job.policy, os, action, count);
    const streams = job.subEnvs.map((s) => Rng.fromState(s.actionRng));
    const subEnvs = job.subEnvs.map((s, k) => new SubEnvReplay(envs[k], s.cursor, encoder, action, job.autoreset, `job.subEnvs[${k}]`));

    const rows = job.nSteps * count;
    const observations = new Float32Array(rows * os);
    const actions = new Float32Array(rows * d);
    const logProbs = new Float64Array(rows);
    const rewards = new Float64Array(rows);
    const terminated = new Uint8Array(rows);
    const truncated = new Uint8Array(rows);
    const resetSteps = new Uint8Array(rows);
    const finals: RolloutJobResult['finals'] = [];
    const current = new Float32Array(count * os);
    subEnvs.forEach((s, k) => current.set(s.observation, k * os));
    for (let t = 0; t < job.nSteps; t++) {
      const row = t * count;
      observations.set(current, row * os);
      const stepActions = actions.subarray(row * d, (row + count) * d);
      sampleActions(policy, current, count, streams, stepActions, logProbs.subarray(row, row + count));
      for (let k = 0; k < count; k++) {
        const out = subEnvs[k].step(envAction(action, stepActions, k));
        rewards[row + k] = out.reward;
        terminated[row + k] = out.terminated ? 1 : 0;
        truncated[row + k] = out.truncated ? 1 : 0;
        resetSteps[row + k] = out.resetStep ? 1 : 0;
        if (out.final !== null) finals.push({ step: t, env: k, observation: toBase64(out.final) });
        current.set(subEnvs[k].observation, k * os);
      }
    }
    return {
      format: ROLLOUT_FORMAT,
      runId: job.runId,
      update: job.update,
      shard: job.shard,
      nSteps: job.nSteps,
      count,
      observations: toBase64(observations),
      actions: toBase64(actions),
      logProbs: toBase64(logProbs),
      rewards: toBase64(rewards),
      terminated: toBase64(terminated),
      truncated: toBase64(truncated),
      resetSteps: toBase64(resetSteps),
      finals,
      nextObservations: toBase64(current),
      subEnvs: job.subEnvs.map((s, k) => ({ index: s.index, cursor: subEnvs[k].cursor(), actionRng: streams[k].getState() })),
    };
  } finally {
    for (const env of envs) env.close();
  }
}
