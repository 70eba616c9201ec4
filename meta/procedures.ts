import * as fs from 'node:fs';
import * as path from 'node:path';
import { selectBackend } from '../agents/backend.js';
import { PPO, type PPOOptions } from '../agents/ppo.js';
import type { Env } from '../envs/core/env.js';
import { make, spec } from '../envs/registry/registry.js';
import { Rng } from '../envs/rng/rng.js';
import type { Task, TaskDistribution } from '../envs/tasks/task.js';
import { TaskConditioningWrapper, type StepObserver } from './conditioning-wrapper.js';
import { createTaskEncoder, encoderFromJson, encoderToJson, type TaskEncoderJson } from './encoders/create-encoder.js';
import type { GruEncoderConfig, TaskEncoder, TransitionEncoderConfig } from './encoders/task-encoder.js';
import { fingerprintEmbedding, learnedEmbedding, type EmbeddingSource } from './embedding-source.js';
import { EndToEndEncoderTrainer, ppoInputLoss } from './end-to-end.js';
import type { DriftDetector } from './drift-detector.js';
import type { EpisodeRecord } from './episode-buffer.js';
import { SelfSupervisedEncoderTrainer, type SelfSupervisedOptions } from './self-supervised.js';
import { trainEncoderBeforeAgent, type EncoderWarmupResult } from './decoupled-pretraining.js';
import { fitStandardization, standardizedEmbedding, type EmbeddingStandardization } from './embedding-standardization.js';

/** What the agent is conditioned on: a learned embedding (FLASH), the task's fingerprint (TL+), or nothing (TL, scratch, MAML). */
export type Conditioning = 'embedding' | 'fingerprint' | 'none';

/** Encoder settings without the sizes that come from the env. */
export type EncoderSettings = Omit<GruEncoderConfig, 'observationSize' | 'actionSize'> | Omit<TransitionEncoderConfig, 'observationSize' | 'actionSize'>;

/** Settings of a {@link MetaLearner} (JSON, stored with it). */
export interface MetaLearnerConfig {
  readonly envId: string;
  readonly envKwargs?: Record<string, unknown>;
  readonly conditioning: Conditioning;
  /** For `embedding`: the encoder (default a GRU trajectory encoder). */
  readonly encoder?: EncoderSettings;
  /** Learning rate of the encoder's end-to-end updates (default 3e-4). */
  readonly encoderLr?: number;
  /**
   * How the encoder is trained while pretraining: through PPO's loss (`endToEnd`, FLASH/AWARE, the
   * default), by predicting reward and next observation (`selfSupervised`, see self-supervised.ts), or
   * by both after every PPO update (`both`), or `decoupled`: the encoder is trained first, by the
   * self-supervised objective alone, on episodes of the untrained agent (`decoupled` settings), then frozen
   * and its output standardized over the training tasks; PPO then pretrains on that fixed embedding.
   */
  readonly encoderObjective?: EncoderObjective;
  /** Settings of the `decoupled` objective's encoder phase. */
  readonly decoupled?: DecoupledSettings;
  /** Self-supervised gradient steps per pretraining iteration (default 8). */
  readonly selfSupervisedSteps?: number;
  /** Settings of the self-supervised transition model. */
  readonly selfSupervised?: SelfSupervisedOptions;
  /** Episodes kept per task (default 8). */
  readonly bufferCapacity?: number;
  /** The agent's hyperparameters for pretraining (PPO; nSteps is set from episodesPerUpdate). */
  readonly ppo?: Omit<PPOOptions, 'seed' | 'nSteps'>;
  /** Episodes per PPO update (default 2). */
  readonly episodesPerUpdate?: number;
  readonly seed: number;
}

/** How a {@link MetaLearner}'s encoder is trained during pretraining. */
export type EncoderObjective = 'endToEnd' | 'selfSupervised' | 'both' | 'decoupled';

const ENCODER_OBJECTIVES: readonly EncoderObjective[] = ['endToEnd', 'selfSupervised', 'both', 'decoupled'];

/** The encoder phase of the `decoupled` objective (see decoupled-pretraining.ts). */
export interface DecoupledSettings {
  /** Collection rounds of `episodesPerUpdate` episodes of a random training task each (default 100). */
  readonly rounds?: number;
  /** Self-supervised gradient steps on the collected steps (default 300). */
  readonly steps?: number;
  /** Contexts per self-supervised minibatch (default 16; see SelfSupervisedOptions.contextsPerBatch). */
  readonly contextsPerBatch?: number;
}

/** What `adapt` and `serve` report, per episode. */
export interface EpisodeTrace {
  readonly returns: number[];
  /** Episodes at whose start the drift detector triggered re-adaptation (serve only). */
  readonly readaptedAt: number[];
}

function episodeSteps(envId: string): number {
  const steps = spec(envId).maxEpisodeSteps;
  if (steps === undefined || steps === null) throw new Error(`MetaLearner: ${envId} has no time limit; episodes must have a fixed length`);
  return steps;
}

/**
 * FLASH's procedures around an unchanged PPO agent: `pretrain` over training tasks (each iteration picks
 * a task, runs episodes, updates the agent and, end to end, the encoder), `adapt` to a new task
 * (continued training at a small learning rate, on a copy, so every adaptation starts from the same
 * pretrained state), and `serve` (frozen, with a drift detector that triggers re-adaptation).
 * The same class is the TL (no conditioning) and TL+ (fingerprint) baselines.
 */
export class MetaLearner {
  readonly config: MetaLearnerConfig;
  readonly episodeSteps: number;
  readonly encoder: TaskEncoder | undefined;
  readonly agent: PPO;
  readonly wrapper: TaskConditioningWrapper;
  private readonly trainingTasks: readonly Task[];
  private readonly rng: Rng;
  /** `decoupled` only: the training tasks' embedding statistics, fitted when the encoder is frozen. */
  private standardization: EmbeddingStandardization | undefined;
  /** `decoupled` only: what the encoder phase of the last pretraining measured. */
  encoderWarmup: EncoderWarmupResult | undefined;

  private constructor(config: MetaLearnerConfig, trainingTasks: readonly Task[], encoder?: TaskEncoder, standardization?: EmbeddingStandardization) {
    this.standardization = standardization;
    this.config = config;
    this.trainingTasks = trainingTasks;
    this.episodeSteps = episodeSteps(config.envId);
    this.rng = new Rng(config.seed);
    const probe = make(config.envId, config.envKwargs);
    if (config.conditioning === 'embedding') {
      const settings = config.encoder ?? { kind: 'gru' };
      const sizes = this.sizes(probe);
      this.encoder = encoder ?? createTaskEncoder({ ...settings, ...sizes } as GruEncoderConfig | TransitionEncoderConfig, new Rng(config.seed).spawnSeed());
    }
    probe.close();
    this.wrapper = this.buildWrapper();
    this.agent = new PPO(this.wrapper, this.ppoOptions(config.seed));
  }

  /** A new, untrained learner; `trainingTasks` fix the fingerprint's standardization (TL+). */
  static create(config: MetaLearnerConfig, trainingTasks: readonly Task[]): MetaLearner {
    if (config.encoderObjective !== undefined && !ENCODER_OBJECTIVES.includes(config.encoderObjective)) throw new RangeError(`MetaLearner: encoderObjective must be one of ${ENCODER_OBJECTIVES.map((o) => `"${o}"`).join(', ')}, got ${String(config.encoderObjective)}`);
    if (config.decoupled !== undefined) {
      if (config.encoderObjective !== 'decoupled') throw new RangeError(`MetaLearner: decoupled settings need encoderObjective "decoupled", got ${String(config.encoderObjective ?? 'endToEnd')}`);
      for (const key of Object.keys(config.decoupled)) if (!['rounds', 'steps', 'contextsPerBatch'].includes(key)) throw new RangeError(`MetaLearner: decoupled.${key} is unknown; allowed: rounds, steps, contextsPerBatch`);
      for (const [key, v] of Object.entries(config.decoupled)) if (!Number.isInteger(v) || (v as number) < 1) throw new RangeError(`MetaLearner: decoupled.${key} must be a positive integer, got ${String(v)}`);
    }
    if (!['embedding', 'fingerprint', 'none'].includes(config.conditioning)) throw new RangeError(`MetaLearner: conditioning must be "embedding", "fingerprint" or "none", got ${String(config.conditioning)}`);
    if (trainingTasks.length === 0) throw new RangeError('MetaLearner: needs at least one training task');
    // PPO's rollout workers build plain registered envs; they cannot yet carry the conditioning wrapper's
    // task, embedding and episode log, so a distributed meta-trainer would silently train on the wrong env.
    if (config.ppo?.rollouts !== undefined) throw new RangeError('MetaLearner: ppo.rollouts (distributed rollouts) is not supported by the meta-trainer yet; train its PPO locally');
    return new MetaLearner(config, trainingTasks);
  }

  /** Pretrains on `tasks` for `iterations`, each on one task drawn with the learner's RNG. */
  async pretrain(options: { tasks: readonly Task[]; iterations: number }): Promise<void> {
    if (options.tasks.length === 0) throw new RangeError('pretrain: tasks is empty');
    const per = this.config.episodesPerUpdate ?? 2;
    const objective = this.config.encoderObjective ?? 'endToEnd';
    if (objective === 'decoupled' && this.encoder !== undefined) {
      // The encoder trains before the agent's first learn() would pick the tfjs backend; pick it now, or
      // the encoder's result would depend on whether this process had already trained an agent (cpu and
      // wasm kernels round differently).
      await selectBackend(this.agent.backendRequest);
      this.freezeEncoderAfterWarmup(options.tasks, this.encoder);
      // From here the embedding is a fixed function of the task's episodes: PPO alone trains.
      this.wrapper.logging = false;
      for (let it = 0; it < options.iterations; it++) {
        this.wrapper.setTask(options.tasks[this.rng.integers(0, options.tasks.length)]);
        await this.agent.learn({ totalTimesteps: per * this.episodeSteps, resetNumTimesteps: false });
      }
      return;
    }
    const encoder = this.encoder;
    const endToEnd = encoder !== undefined && objective !== 'selfSupervised' && objective !== 'decoupled' ? new EndToEndEncoderTrainer(encoder, ppoInputLoss(this.agent), this.config.encoderLr ?? 3e-4) : undefined;
    const selfSupervised = encoder !== undefined && objective !== 'endToEnd' ? this.selfSupervisedTrainer(encoder) : undefined;
    const ssSteps = this.config.selfSupervisedSteps ?? 8;
    this.wrapper.logging = encoder !== undefined;
    try {
      for (let it = 0; it < options.iterations; it++) {
        this.wrapper.setTask(options.tasks[this.rng.integers(0, options.tasks.length)]);
        await this.agent.learn({ totalTimesteps: per * this.episodeSteps, resetNumTimesteps: false });
        if (encoder === undefined) continue;
        const log = this.wrapper.drainLog();
        endToEnd?.updateOn(log, this.wrapper.features.observationSize);
        selfSupervised?.update(log, ssSteps);
        this.wrapper.refreshEmbedding();
      }
    } finally {
      selfSupervised?.dispose();
      this.wrapper.logging = false;
      this.wrapper.drainLog();
    }
  }

  private selfSupervisedTrainer(encoder: TaskEncoder, extra: SelfSupervisedOptions = {}): SelfSupervisedEncoderTrainer {
    return new SelfSupervisedEncoderTrainer(encoder, this.wrapper.features, { seed: this.config.seed, ...extra, ...(this.config.selfSupervised ?? {}) });
  }

  /**
   * The `decoupled` objective's first phase: trains the encoder on episodes of the untrained agent
   * (decoupled-pretraining.ts), then fits the standardization of the training tasks' embeddings, after
   * which the embedding the agent sees is (e − mean) / std of a frozen encoder.
   */
  private freezeEncoderAfterWarmup(tasks: readonly Task[], encoder: TaskEncoder): void {
    const d = this.config.decoupled ?? {};
    const trainer = this.selfSupervisedTrainer(encoder, { contextsPerBatch: d.contextsPerBatch ?? 16 });
    try {
      this.standardization = undefined;
      this.encoderWarmup = trainEncoderBeforeAgent({ wrapper: this.wrapper, agent: this.agent, trainer, tasks, rounds: d.rounds ?? 100, episodesPerRound: this.config.episodesPerUpdate ?? 2, steps: d.steps ?? 300, rng: this.rng });
    } finally {
      trainer.dispose();
    }
    const seen = tasks.map((t) => this.wrapper.bufferOf(t.id).snapshot()).filter((c) => c.length > 0);
    this.standardization = fitStandardization(seen.map((c) => encoder.embed(c)));
  }

  /**
   * First-order meta-training of the agent's parameters by Reptile (the RL "MAML" of the suite): each
   * iteration adapts a copy of θ to one training task for `innerEpisodes` episodes of PPO and moves θ
   * toward it by `metaStepSize`. Second-order MAML is not used for RL: the PPO loss is not a function of
   * θ alone (the data depend on θ) and tfjs's tanh/exp second derivatives are inexact (see maml.ts).
   */
  async pretrainReptile(options: { tasks: readonly Task[]; iterations: number; innerEpisodes?: number; metaStepSize?: number; innerLr?: number }): Promise<void> {
    const eps = options.metaStepSize ?? 0.5;
    if (!(eps > 0 && eps <= 1)) throw new RangeError(`pretrainReptile: metaStepSize must be in (0, 1], got ${eps}`);
    const theta = this.agent.policy.params.values;
    for (let it = 0; it < options.iterations; it++) {
      const task = options.tasks[this.rng.integers(0, options.tasks.length)];
      const wrapper = this.buildWrapper();
      wrapper.setTask(task);
      const inner = this.cloneAgent(wrapper, this.rng.spawnSeed(), options.innerLr ?? 3e-4);
      await inner.learn({ totalTimesteps: (options.innerEpisodes ?? 4) * this.episodeSteps });
      const adapted = inner.policy.params.values;
      for (let i = 0; i < theta.length; i++) theta[i] += eps * (adapted[i] - theta[i]);
      inner.policy.params.dispose();
      wrapper.close();
    }
    this.agent.policy.params.push();
  }

  /**
   * Runs `episodes` frozen episodes on `task` in a fresh env (deterministic actions); the embedding,
   * if any, is recomputed from the episodes seen so far. Returns the returns.
   */
  evaluate(task: Task, episodes: number, seed: number, observer?: StepObserver): number[] {
    const wrapper = this.buildWrapper();
    if (observer) wrapper.observe(observer);
    const returns: number[] = [];
    wrapper.setTask(task);
    let { observation } = wrapper.reset({ seed });
    for (let e = 0; e < episodes; e++) {
      if (e > 0) observation = wrapper.reset().observation;
      let total = 0;
      for (;;) {
        const r = wrapper.step(this.agent.predict(observation, { deterministic: true }));
        total += r.reward;
        observation = r.observation;
        if (r.terminated || r.truncated) break;
      }
      returns.push(total);
    }
    wrapper.close();
    return returns;
  }

  /**
   * Adapts a copy of the agent to `task` for `episodes` episodes of continued training at
   * `learningRate` (FLASH: 1e-4); `warmup` frozen episodes first fill the task's buffer (they are part
   * of the trace). The encoder stays frozen. Returns the per-episode returns (of the sampled actions).
   */
  async adapt(options: { task: Task; episodes: number; seed: number; learningRate?: number; warmup?: number; observer?: StepObserver; context?: readonly EpisodeRecord[] }): Promise<EpisodeTrace & { agent: PPO; embedding: Float32Array }> {
    const wrapper = this.buildWrapper();
    const returns: number[] = [];
    let current = 0;
    wrapper.observe((info, reward, done) => {
      current += reward;
      options.observer?.(info, reward, done);
      if (done) {
        returns.push(current);
        current = 0;
      }
    });
    for (const e of options.context ?? []) wrapper.bufferOf(options.task.id).add(e);
    wrapper.setTask(options.task);
    const agent = this.cloneAgent(wrapper, options.seed, options.learningRate ?? 1e-4);
    const warmup = options.warmup ?? 0;
    if (warmup > 0) {
      let { observation } = wrapper.reset({ seed: options.seed });
      for (let done = 0; done < warmup; ) {
        const r = wrapper.step(agent.predict(observation, { deterministic: true }));
        observation = r.observation;
        if (r.terminated || r.truncated) {
          done++;
          observation = wrapper.reset().observation;
        }
      }
    }
    // The task vector the agent holds after the frozen warm-up: what similarity-based predictions use.
    const embedding = Float32Array.from(wrapper.currentEmbedding);
    if (options.episodes > 0) await agent.learn({ totalTimesteps: options.episodes * this.episodeSteps });
    wrapper.close();
    return { returns, readaptedAt: [], agent, embedding };
  }

  /**
   * Serves `task` frozen for `episodes`; when `detector` fires (AWARE: the mean return of the last 10
   * episodes below a threshold or their std ≥ 10), the task's buffer is cleared (the embedding re-identifies
   * the task) and the agent is re-adapted for `readaptEpisodes` episodes.
   */
  async serve(options: { task: Task; episodes: number; seed: number; detector: DriftDetector; readaptEpisodes?: number }): Promise<EpisodeTrace> {
    const returns: number[] = [];
    const readaptedAt: number[] = [];
    let agent = this.agent;
    for (let e = 0; e < options.episodes; e++) {
      const r = this.evaluateWith(agent, options.task, options.seed + e);
      returns.push(r);
      if (options.detector.push(r)) {
        readaptedAt.push(e + 1);
        const adapted = await this.adapt({ task: options.task, episodes: options.readaptEpisodes ?? 4, seed: options.seed + 1000 + e });
        agent = adapted.agent;
        options.detector.reset();
      }
    }
    return { returns, readaptedAt };
  }

  /** Writes the learner (config, training tasks, agent checkpoint, encoder) to `dir`. */
  async save(dir: string): Promise<void> {
    fs.mkdirSync(dir, { recursive: true });
    await this.agent.save(path.join(dir, 'agent'));
    const meta = { config: this.config, trainingTasks: this.trainingTasks, encoder: this.encoder === undefined ? null : encoderToJson(this.encoder), standardization: this.standardization ?? null };
    const tmp = path.join(dir, 'meta-learner.json.tmp');
    fs.writeFileSync(tmp, JSON.stringify(meta));
    fs.renameSync(tmp, path.join(dir, 'meta-learner.json'));
  }

  /** Reads a learner written by {@link save}. */
  static async load(dir: string): Promise<MetaLearner> {
    const file = path.join(dir, 'meta-learner.json');
    if (!fs.existsSync(file)) throw new Error(`MetaLearner.load: ${file} does not exist`);
    const meta = JSON.parse(fs.readFileSync(file, 'utf8')) as { config: MetaLearnerConfig; trainingTasks: Task[]; encoder: TaskEncoderJson | null; standardization?: EmbeddingStandardization | null };
    const learner = new MetaLearner(meta.config, meta.trainingTasks, meta.encoder === null ? undefined : encoderFromJson(meta.encoder), meta.standardization ?? undefined);
    const loaded = await PPO.load(path.join(dir, 'agent'), learner.wrapper);
    learner.agent.policy.params.values.set(loaded.policy.params.values);
    learner.agent.policy.params.push();
    return learner;
  }

  /** The embeddings of the training tasks from the buffers filled during pretraining (empty without an encoder). */
  trainingEmbeddings(): Float32Array[] {
    if (this.encoder === undefined) return [];
    // Through the wrapper's source, so that they are on the scale of the embeddings `adapt` reports (standardized when decoupled).
    const source = this.wrapper.source;
    return this.trainingTasks.flatMap((t) => {
      const context = this.wrapper.bufferOf(t.id).snapshot();
      return context.length > 0 ? [source.embed(context, t)] : [];
    });
  }

  private evaluateWith(agent: PPO, task: Task, seed: number): number {
    const wrapper = this.buildWrapper();
    wrapper.setTask(task);
    let { observation } = wrapper.reset({ seed });
    let total = 0;
    for (;;) {
      const r = wrapper.step(agent.predict(observation, { deterministic: true }));
      total += r.reward;
      observation = r.observation;
      if (r.terminated || r.truncated) return total;
    }
  }

  private cloneAgent(wrapper: TaskConditioningWrapper, seed: number, learningRate: number): PPO {
    const clone = new PPO(wrapper, { ...this.ppoOptions(seed), learningRate });
    clone.policy.params.values.set(this.agent.policy.params.values);
    clone.policy.params.push();
    return clone;
  }

  private ppoOptions(seed: number): PPOOptions {
    const per = this.config.episodesPerUpdate ?? 2;
    return { batchSize: 50, nEpochs: 4, policyKwargs: { netArch: [32, 32] }, ...(this.config.ppo ?? {}), nSteps: per * this.episodeSteps, seed };
  }

  private source(): EmbeddingSource {
    if (this.encoder !== undefined) return this.config.encoderObjective === 'decoupled' ? standardizedEmbedding(this.encoder, () => this.standardization) : learnedEmbedding(this.encoder);
    if (this.config.conditioning === 'fingerprint') {
      const inner = make(this.config.envId, this.config.envKwargs).unwrapped as unknown as { taskDistribution?: TaskDistribution<Task> };
      if (inner.taskDistribution === undefined) throw new Error(`MetaLearner: ${this.config.envId} has no task distribution to fingerprint`);
      return fingerprintEmbedding(inner.taskDistribution, this.trainingTasks);
    }
    return { size: 0, usesContext: false, embed: () => new Float32Array(0) };
  }

  private buildWrapper(): TaskConditioningWrapper {
    return new TaskConditioningWrapper(make(this.config.envId, this.config.envKwargs) as Env<unknown, unknown>, { source: this.source(), bufferCapacity: this.config.bufferCapacity ?? 8 });
  }

  private sizes(env: Env<unknown, unknown>): { observationSize: number; actionSize: number } {
    const w = new TaskConditioningWrapper(env, { source: { size: 0, usesContext: false, embed: () => new Float32Array(0) } });
    return { observationSize: w.features.observationSize, actionSize: w.features.actionSize };
  }
}
