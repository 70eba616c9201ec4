import { Rng } from '../envs/rng/rng.js';
import { RolloutBuffer } from './buffers/rollout-buffer.js';
import { BaseAlgorithm, openCheckpoint, type AgentEnv, type CommonAgentOptions, type LoadOptions } from './common/base-algorithm.js';
import type { BaseCallback } from './common/callbacks.js';
import { CheckpointError, tensorOf, type CheckpointContents } from './common/checkpoint.js';
import { assertSchedule, scheduleToJson, scheduleValue, type Schedule } from './common/schedules.js';
import { actionKind, type ActionKind } from './common/spaces.js';
import { assertKnownKeys, COMMON_OPTION_KEYS, inRange, nonNegative, positiveInt, stripUndefined } from './common/validate.js';
import { currentAdamState, type AdamState } from './nn/flat-adam.js';
import type { TrainingEngine } from './ddpg.js';
import { ActorCriticPolicy, type ActorCriticPolicyKwargs } from './policies/actor-critic.js';
import { usesTfjsEngine } from './policies/engine-choice.js';
import type { PpoUpdater } from './policies/ppo-update.js';
import { HostPpoUpdater } from './policies/ppo-update-host.js';
import { TfjsPpoUpdater } from './policies/ppo-update-tfjs.js';
import { deriveActionStreams, sampleActions } from './rollouts/action-streams.js';
import { DistributedRollouts, checkRolloutOptions, type DistributedRolloutOptions, type GatheredStep } from './rollouts/distributed-rollouts.js';
import { envAction } from './rollouts/env-action.js';
import { EpisodeTracker } from './rollouts/episode-tracker.js';
import type { BatchStep, EpisodeRecord } from './common/env-batch.js';
import type { RngState } from '../envs/rng/rng.js';

/** PPO's hyperparameters: SB3's names in camelCase, with SB3's defaults. */
export interface PPOOptions extends CommonAgentOptions {
  /** Default 3e-4; a number, `linearSchedule(...)` or a function of progressRemaining. */
  readonly learningRate?: Schedule;
  /** Steps per env per rollout; default 2048. */
  readonly nSteps?: number;
  /** Minibatch size; default 64. */
  readonly batchSize?: number;
  /** Epochs per rollout; default 10. */
  readonly nEpochs?: number;
  readonly gamma?: number;
  readonly gaeLambda?: number;
  /** Default 0.2; may be a schedule. */
  readonly clipRange?: Schedule;
  /** Value clipping (SB3's `clip_range_vf`); default none. */
  readonly clipRangeVf?: Schedule | null;
  readonly normalizeAdvantage?: boolean;
  readonly entCoef?: number;
  readonly vfCoef?: number;
  readonly maxGradNorm?: number;
  /** Stop an update's epochs early when the approximate KL exceeds 1.5 × targetKl; default none. */
  readonly targetKl?: number | null;
  readonly policyKwargs?: ActorCriticPolicyKwargs;
  /**
   * Where gradient steps run: `typed-array` (hand-written loss gradients, forward/backward passes with
   * WebAssembly SIMD matrix products in float32, host Adam), `tfjs` (autodiff on the selected backend), or
   * `auto` (default; see `usesTfjsEngine`): tfjs on the native backends (node, node-gpu), typed-array on cpu
   * and wasm. Both compute the same loss, gradient and Adam step, up to float32 rounding.
   */
  readonly engine?: TrainingEngine;
  /**
   * Collect rollouts on BullMQ workers (`startRolloutConsumer`, `flash-gym worker`) instead of stepping
   * the env here: `{ queue: 'redis://…', workers: N, env: { id, kwargs? } }`. The learner stays in this
   * process; the result equals the local run on a vector env of the same envs and seed. The agent's env
   * then only gives the spaces, the number of sub-envs and the autoreset mode. Not stored in checkpoints
   * (the URL may hold a password).
   */
  readonly rollouts?: DistributedRolloutOptions;
}

type Resolved = Required<Omit<PPOOptions, keyof CommonAgentOptions | 'clipRangeVf' | 'targetKl' | 'policyKwargs' | 'rollouts'>> & {
  clipRangeVf: Schedule | null;
  targetKl: number | null;
  policyKwargs: ActorCriticPolicyKwargs;
};

const DEFAULTS = {
  learningRate: 3e-4,
  nSteps: 2048,
  batchSize: 64,
  nEpochs: 10,
  gamma: 0.99,
  gaeLambda: 0.95,
  clipRange: 0.2,
  clipRangeVf: null,
  normalizeAdvantage: true,
  entCoef: 0,
  vfCoef: 0.5,
  maxGradNorm: 0.5,
  targetKl: null,
  engine: 'auto',
} as const;

const HYPERPARAMETER_KEYS = [...Object.keys(DEFAULTS), 'policyKwargs'];

/** SB3's `stats_window_size`, as in BaseAlgorithm: episodes `rollout/ep_rew_mean` averages over. */
const STATS_WINDOW = 100;

/**
 * Proximal Policy Optimization (clip variant), as Stable-Baselines3 implements it: GAE(λ), the clipped
 * surrogate objective, optional value clipping, entropy bonus, advantage normalisation per minibatch,
 * global-norm gradient clipping, Adam (ε = 1e-5), schedules, vector envs, and truncated episodes
 * bootstrapped with `γ·V(final observation)`.
 *
 * Speed: acting and value estimates run on typed-array loops; minibatch updates run on the engine
 * `engine` picks: hand-written typed-array forward/backward passes with a host Adam, or one tfjs gradient
 * of the flat parameter vector plus a fused Adam step.
 */
export class PPO extends BaseAlgorithm {
  readonly algorithmName = 'PPO';
  readonly checkpointPoint = 'rollout' as const;
  readonly hyperparameters: Readonly<Resolved>;
  readonly policy: ActorCriticPolicy;
  /** The minibatch-update engine, created at the first update (once the backend is known). */
  private updater: PpoUpdater | undefined;
  /** Optimizer state restored from a checkpoint, handed to the updater when it is created. */
  private pendingOptimizer: AdamState | undefined;
  private readonly action: ActionKind;
  private readonly buffer: RolloutBuffer;
  /**
   * One action-sampling RNG per sub-env (see `deriveActionStreams`): sub-env i's actions depend only on
   * its own stream, so distributed rollout workers can draw exactly what this process would.
   */
  private readonly actionStreams: Rng[];
  /** The distributed collector when `rollouts` is given. */
  private readonly remote: DistributedRollouts | undefined;
  /** Episode statistics of distributed rollouts (the local env batch's monitor does not see them). */
  private readonly remoteEpisodes: EpisodeTracker;
  /** The `lastObs` the last distributed phase left; any other value means `learn` reset the envs. */
  private remoteObs: Float32Array | null = null;

  constructor(env: AgentEnv, options: PPOOptions = {}) {
    super(env, options);
    const who = 'PPO';
    assertKnownKeys(who, options, [...HYPERPARAMETER_KEYS, 'rollouts', ...COMMON_OPTION_KEYS]);
    const { rollouts, ...hyperparameters } = options;
    const h = { ...DEFAULTS, policyKwargs: {}, ...stripUndefined(hyperparameters) } as Resolved;
    assertSchedule(`${who}: learningRate`, h.learningRate, (v) => v >= 0 && Number.isFinite(v), 'a finite number >= 0 (schedules may decay to 0)');
    assertSchedule(`${who}: clipRange`, h.clipRange, (v) => v >= 0 && Number.isFinite(v), 'a finite number >= 0 (schedules may decay to 0)');
    if (h.clipRangeVf !== null) assertSchedule(`${who}: clipRangeVf`, h.clipRangeVf, (v) => v >= 0 && Number.isFinite(v), 'a finite number >= 0 (or null)');
    positiveInt(who, 'nSteps', h.nSteps);
    positiveInt(who, 'batchSize', h.batchSize);
    positiveInt(who, 'nEpochs', h.nEpochs);
    if (h.nSteps * this.numEnvs < 2 && h.normalizeAdvantage) throw new RangeError(`${who}: nSteps × numEnvs must be > 1 when normalizeAdvantage is on (got ${h.nSteps} × ${this.numEnvs})`);
    inRange(who, 'gamma', h.gamma, 0, 1);
    inRange(who, 'gaeLambda', h.gaeLambda, 0, 1);
    nonNegative(who, 'entCoef', h.entCoef);
    nonNegative(who, 'vfCoef', h.vfCoef);
    if (!(h.maxGradNorm > 0)) throw new RangeError(`${who}: maxGradNorm must be > 0, got ${h.maxGradNorm}`);
    if (h.targetKl !== null && !(h.targetKl > 0)) throw new RangeError(`${who}: targetKl must be > 0 or null, got ${h.targetKl}`);
    if (!['auto', 'typed-array', 'tfjs'].includes(h.engine)) throw new RangeError(`${who}: engine must be "auto", "typed-array" or "tfjs", got ${JSON.stringify(h.engine)}`);
    this.hyperparameters = Object.freeze(h);
    this.action = actionKind(this.actionSpace, who, ['discrete', 'box']);
    // Weight init draws from a child of the agent's RNG, so later draws do not depend on the network size.
    const initRng = new Rng(this.rng.spawnSeed());
    this.policy = new ActorCriticPolicy(this.encoder.size, this.action, h.policyKwargs, initRng, Math.max(this.numEnvs, 1));
    this.buffer = new RolloutBuffer(h.nSteps, this.numEnvs, this.encoder.size, this.actionDim);
    this.actionStreams = deriveActionStreams(this.rng, this.numEnvs);
    this.remoteEpisodes = new EpisodeTracker(this.numEnvs);
    if (rollouts !== undefined) {
      if (this.envBatch === undefined) throw new RangeError(`${who}: rollouts needs an env (it gives the spaces, the number of sub-envs and the autoreset mode)`);
      this.remote = new DistributedRollouts(checkRolloutOptions(rollouts, this.numEnvs, who), {
        numEnvs: this.numEnvs,
        observationSpace: this.observationSpace,
        actionSpace: this.actionSpace,
        autoreset: this.envBatch.autoresetMode === 'same-step' ? 'same-step' : 'next-step',
        obsSize: this.encoder.size,
        actionWidth: this.actionDim,
        policy: this.policy,
      });
    }
  }

  /** Loads a checkpoint written by `save`; with `env` the agent can continue learning. */
  static async load(dir: string, env?: AgentEnv, options: LoadOptions = {}): Promise<PPO> {
    const { contents, spaces } = openCheckpoint(dir, 'PPO', env);
    const s = contents.state;
    const h = s.hyperparameters as Record<string, unknown>;
    for (const key of ['learningRate', 'clipRange', 'clipRangeVf']) {
      if (typeof h[key] === 'object' && h[key] !== null && (h[key] as { kind?: string }).kind === 'function') {
        throw new CheckpointError(`${dir}: ${key} was a function, which cannot be stored; rebuild the agent with new PPO(...) and copy the parameters`);
      }
    }
    const agent = new PPO(env ?? spaces, { ...(h as PPOOptions), seed: (s.seed as number | null) ?? undefined, backend: options.backend, verbose: options.verbose });
    agent.policy.params.values.set(tensorOf(contents.model, 'policy/theta', agent.policy.params.layout.size, dir));
    agent.policy.params.push();
    const step = contents.optimizer.meta.step;
    if (typeof step !== 'number') throw new CheckpointError(`${dir}: optimizer.json has no step count`);
    const size = agent.policy.params.layout.size;
    agent.pendingOptimizer = { step, m: tensorOf(contents.optimizer, 'adam/m', size, dir), v: tensorOf(contents.optimizer, 'adam/v', size, dir) };
    agent.restoreBase(contents, options, dir);
    // The action streams continue only on an env of the same size (resume); loaded on another env (or
    // none, to act) the agent keeps the streams derived from its seed.
    const streams = s.actionStreams;
    if (streams !== undefined && !Array.isArray(streams)) throw new CheckpointError(`${dir}: state.json field "actionStreams" must be an array of RNG states`);
    if (Array.isArray(streams) && streams.length === agent.numEnvs) streams.forEach((state, i) => agent.actionStreams[i].setState(state as RngState));
    return agent;
  }

  predict(observation: unknown, options: { deterministic?: boolean } = {}): number | Float32Array {
    const obs = this.encodeOne(observation);
    const actions = new Float32Array(this.actionDim);
    this.policy.act(obs, 1, options.deterministic ?? false, this.rng, actions, undefined);
    return envAction(this.action, actions, 0);
  }

  private get actionDim(): number {
    return this.action.kind === 'discrete' ? 1 : this.action.size;
  }

  protected defaultLogInterval(): number {
    return 1;
  }

  protected async runTraining(callback: BaseCallback, logInterval: number): Promise<void> {
    let iteration = 0;
    try {
      while (this.numTimesteps < this.totalTimestepsTarget) {
        const keepGoing = await this.collectRollout(callback);
        if (!keepGoing) break;
        iteration += 1;
        if (iteration % logInterval === 0) {
          this.recordRolloutAndTime({ 'time/iterations': iteration });
          this.logger.dump(this.numTimesteps);
        }
        this.train();
        // Let timers and I/O run between updates.
        await new Promise((resolve) => setImmediate(resolve));
      }
    } finally {
      await this.remote?.close();
    }
  }

  /**
   * One distributed rollout phase: all `nSteps` steps of every sub-env, gathered from the workers. The
   * envs' episodes restart (seed + i) whenever `learn` reset the local env, exactly as it resets there.
   */
  private async gatherRemote(remote: DistributedRollouts): Promise<{ steps: GatheredStep[]; nextObservations: Float32Array }> {
    if (this.lastObs !== this.remoteObs) {
      // An unseeded agent's envs get a fresh random seed, as an unseeded local reset would.
      remote.resetEpisodes(this.seed ?? new Rng().integers(0, 2 ** 31));
      this.remoteEpisodes.clear();
    }
    return remote.collect(this.hyperparameters.nSteps, this.actionStreams);
  }

  /** SB3's Monitor window, for episodes that ended on rollout workers. */
  private recordEpisodes(done: readonly EpisodeRecord[]): void {
    if (done.length === 0) return;
    this.episodeWindow.push(...done);
    if (this.episodeWindow.length > STATS_WINDOW) this.episodeWindow.splice(0, this.episodeWindow.length - STATS_WINDOW);
  }

  /**
   * Fills the rollout buffer (SB3's `collect_rollouts`); false when a callback stopped training. Locally
   * it steps the env; with `rollouts` it replays the steps gathered from the workers through the same
   * bookkeeping (values, bootstrapping, statistics, callbacks once per step). A callback that stops
   * training mid-phase stops the learner at the same step; the workers had already run the whole phase.
   */
  private async collectRollout(callback: BaseCallback): Promise<boolean> {
    const env = this.envBatch!;
    const buf = this.buffer;
    const n = this.numEnvs;
    const os = this.encoder.size;
    const d = this.actionDim;
    const h = this.hyperparameters;
    const actions = new Float32Array(n * d);
    const logProbs = new Float64Array(n);
    const values = new Float64Array(n);
    const finalValue = new Float64Array(1);
    const batched = this.action.kind === 'discrete' ? new Int32Array(n) : new Float32Array(n * d);
    buf.reset();
    callback.onRolloutStart();
    const gathered = this.remote === undefined ? undefined : await this.gatherRemote(this.remote);
    let obs = this.lastObs as Float32Array;
    while (!buf.full) {
      let step: BatchStep;
      let stepActions: Float32Array = actions;
      let stepLogProbs: Float64Array = logProbs;
      if (gathered === undefined) {
        sampleActions(this.policy, obs, n, this.actionStreams, actions, logProbs);
        for (let i = 0; i < n; i++) {
          const a = envAction(this.action, actions, i);
          if (typeof a === 'number') batched[i] = a;
          else batched.set(a, i * d);
        }
        step = env.step((i) => envAction(this.action, actions, i), batched);
      } else {
        const t = buf.pos;
        const remote = gathered.steps[t];
        obs = remote.observations;
        stepActions = remote.actions;
        stepLogProbs = remote.logProbs;
        step = { ...remote, observations: t + 1 < gathered.steps.length ? gathered.steps[t + 1].observations : gathered.nextObservations };
      }
      this.policy.values(obs, n, values);
      this.numTimesteps += n;
      for (let i = 0; i < n; i++) {
        const k = buf.index(i);
        buf.observations.set(obs.subarray(i * os, (i + 1) * os), k * os);
        buf.actions.set(stepActions.subarray(i * d, (i + 1) * d), k * d);
        buf.values[k] = values[i];
        buf.logProbs[k] = stepLogProbs[i];
        buf.valid[k] = step.resetSteps[i] === 1 ? 0 : 1;
        let reward = step.rewards[i];
        const done = step.terminated[i] === 1 || step.truncated[i] === 1;
        const final = step.finalObservations[i];
        if (step.truncated[i] === 1 && step.terminated[i] === 0 && final !== null) {
          // SB3's timeout handling: a cut episode is bootstrapped with the value of its final observation.
          this.policy.values(final, 1, finalValue);
          reward += h.gamma * finalValue[0];
        }
        buf.rewards[k] = reward;
        buf.done[k] = done && buf.valid[k] === 1 ? 1 : 0;
      }
      buf.advance();
      obs = this.lastObs = Float32Array.from(step.observations);
      if (gathered === undefined) this.collectEpisodeStats();
      else {
        this.remoteObs = this.lastObs;
        this.recordEpisodes(this.remoteEpisodes.step(step.rewards, step.terminated, step.truncated, step.resetSteps));
      }
      if (!callback.step()) return false;
    }
    this.policy.values(obs, n, values);
    buf.computeReturnsAndAdvantage(values, h.gamma, h.gaeLambda);
    callback.onRolloutEnd();
    return true;
  }

  /** The PPO update over the buffer (SB3's `train`). */
  private train(): void {
    const h = this.hyperparameters;
    const progress = this.progressRemaining;
    const lr = scheduleValue(h.learningRate, progress);
    const clip = scheduleValue(h.clipRange, progress);
    const clipVf = h.clipRangeVf === null ? null : scheduleValue(h.clipRangeVf, progress);
    const settings = { learningRate: lr, clipRange: clip, clipRangeVf: clipVf, entCoef: h.entCoef, vfCoef: h.vfCoef, maxGradNorm: h.maxGradNorm, targetKl: h.targetKl };
    const updater = this.ensureUpdater();
    const buf = this.buffer;
    const indices = buf.validIndices();
    const os = this.encoder.size;
    const d = this.actionDim;
    const B = Math.min(h.batchSize, indices.length);
    const mb = {
      size: 0,
      observations: new Float32Array(B * os),
      actions: new Float32Array(B * d),
      advantages: new Float32Array(B),
      returns: new Float32Array(B),
      oldLogProbs: new Float32Array(B),
      oldValues: new Float32Array(B),
    };
    const pgLosses: number[] = [];
    const valueLosses: number[] = [];
    const entropyLosses: number[] = [];
    const clipFractions: number[] = [];
    const approxKls: number[] = [];
    let lastLoss = 0;
    let continueTraining = true;
    for (let epoch = 0; epoch < h.nEpochs && continueTraining; epoch++) {
      this.rng.shuffle(indices);
      for (let start = 0; start < indices.length; start += h.batchSize) {
        const size = Math.min(h.batchSize, indices.length - start);
        mb.size = size;
        let advMean = 0;
        for (let b = 0; b < size; b++) {
          const k = indices[start + b];
          mb.observations.set(buf.observations.subarray(k * os, (k + 1) * os), b * os);
          mb.actions.set(buf.actions.subarray(k * d, (k + 1) * d), b * d);
          mb.advantages[b] = buf.advantages[k];
          advMean += buf.advantages[k];
          mb.returns[b] = buf.returns[k];
          mb.oldLogProbs[b] = buf.logProbs[k];
          mb.oldValues[b] = buf.values[k];
        }
        if (h.normalizeAdvantage && size > 1) {
          // torch's std() is the unbiased one.
          advMean /= size;
          let v = 0;
          for (let b = 0; b < size; b++) v += (mb.advantages[b] - advMean) ** 2;
          const std = Math.sqrt(v / (size - 1));
          for (let b = 0; b < size; b++) mb.advantages[b] = (mb.advantages[b] - advMean) / (std + 1e-8);
        }
        const stats = updater.step(mb, settings);
        approxKls.push(stats.kl);
        if (stats.stopped) {
          continueTraining = false;
          if (this.verbose >= 1) console.log(`Early stopping at step ${epoch} due to reaching max kl: ${stats.kl.toFixed(2)}`);
          break;
        }
        pgLosses.push(stats.pg);
        valueLosses.push(stats.vf);
        entropyLosses.push(stats.ent);
        clipFractions.push(stats.clipFrac);
        lastLoss = stats.loss;
      }
      this.nUpdates += 1;
    }
    updater.syncHost();
    const l = this.logger;
    l.record('train/entropy_loss', mean(entropyLosses));
    l.record('train/policy_gradient_loss', mean(pgLosses));
    l.record('train/value_loss', mean(valueLosses));
    l.record('train/approx_kl', mean(approxKls));
    l.record('train/clip_fraction', mean(clipFractions));
    l.record('train/loss', lastLoss);
    l.record('train/explained_variance', explainedVariance(buf, indices));
    const std = this.policy.meanStd();
    if (std !== undefined) l.record('train/std', std);
    l.record('train/n_updates', this.nUpdates);
    l.record('train/clip_range', clip);
    l.record('train/learning_rate', lr);
    if (clipVf !== null) l.record('train/clip_range_vf', clipVf);
  }

  /** The engine minibatch updates run on (see {@link PPOOptions.engine}); undefined before the first update. */
  get engine(): 'typed-array' | 'tfjs' | undefined {
    return this.updater?.engine;
  }

  private ensureUpdater(): PpoUpdater {
    if (this.updater !== undefined) return this.updater;
    const nets = [this.policy.pi, this.policy.vf];
    this.updater = usesTfjsEngine(this.hyperparameters.engine, this.backend?.name, nets, this.hyperparameters.batchSize) ? new TfjsPpoUpdater(this.policy) : new HostPpoUpdater(this.policy);
    if (this.pendingOptimizer !== undefined) this.updater.setOptimizerState(this.pendingOptimizer);
    this.pendingOptimizer = undefined;
    return this.updater;
  }

  /** Adam's state now (zeros before the first update). */
  private optimizerState(): AdamState {
    return currentAdamState(this.updater, this.pendingOptimizer, this.policy.params.layout.size);
  }

  protected checkpointContents(): CheckpointContents {
    this.updater?.syncHost();
    const layout = this.policy.params.layout;
    const adam = this.optimizerState();
    const h = this.hyperparameters;
    return {
      model: {
        meta: {
          modelTopology: { class_name: 'ActorCriticPolicy', config: { netArch: this.policy.netArch, activationFn: this.policy.activation, action: this.action.kind, outputSize: this.policy.outputSize, params: layout.describe() } },
        },
        tensors: [{ name: 'policy/theta', shape: [layout.size], values: this.policy.params.values }],
      },
      optimizer: { meta: { class_name: 'Adam', step: adam.step, beta1: 0.9, beta2: 0.999, eps: 1e-5 }, tensors: [{ name: 'adam/m', shape: [layout.size], values: adam.m }, { name: 'adam/v', shape: [layout.size], values: adam.v }] },
      buffers: { meta: {}, tensors: [] },
      state: {
        actionStreams: this.actionStreams.map((r) => r.getState()),
        hyperparameters: {
          ...h,
          learningRate: scheduleToJson(h.learningRate),
          clipRange: scheduleToJson(h.clipRange),
          clipRangeVf: h.clipRangeVf === null ? null : scheduleToJson(h.clipRangeVf),
        },
      },
    };
  }
}

function explainedVariance(buf: RolloutBuffer, indices: Int32Array): number {
  const n = indices.length;
  let meanY = 0;
  let meanD = 0;
  for (const k of indices) {
    meanY += buf.returns[k];
    meanD += buf.returns[k] - buf.values[k];
  }
  meanY /= n;
  meanD /= n;
  let varY = 0;
  let varD = 0;
  for (const k of indices) {
    varY += (buf.returns[k] - meanY) ** 2;
    varD += (buf.returns[k] - buf.values[k] - meanD) ** 2;
  }
  return varY === 0 ? NaN : 1 - varD / varY;
}

function mean(xs: readonly number[]): number {
  return xs.length === 0 ? NaN : xs.reduce((a, b) => a + b, 0) / xs.length;
}
