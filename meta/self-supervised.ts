import * as tf from '@tensorflow/tfjs';
import { FlatAdam, clipByGlobalNorm } from '../agents/nn/flat-adam.js';
import { buildMlp, mlpForward, type Mlp } from '../agents/nn/mlp.js';
import { ParamLayout } from '../agents/nn/param-layout.js';
import { ParameterVector } from '../agents/nn/parameters.js';
import { Rng } from '../envs/rng/rng.js';
import type { TransitionLog } from './conditioning-wrapper.js';
import type { TaskEncoder } from './encoders/task-encoder.js';
import type { StepFeatures } from './step-features.js';

/** Settings of {@link SelfSupervisedEncoderTrainer}. */
export interface SelfSupervisedOptions {
  /** ReLU hidden layers of the transition model (default [64, 64]). */
  readonly hiddenSizes?: readonly number[];
  /** Adam learning rate of encoder and model (default 1e-3). */
  readonly learningRate?: number;
  /** Global gradient-norm clip (default 1). */
  readonly maxGradNorm?: number;
  /** At most this many logged steps per gradient step, drawn without replacement (default 256). */
  readonly batchSize?: number;
  /** Seeds the model's initial weights and the minibatch draws (default 0). */
  readonly seed?: number;
  /**
   * When set, a minibatch is drawn as this many distinct contexts and `batchSize / contextsPerBatch`
   * steps of each, instead of `batchSize` steps at random. Over a log that spans many tasks this keeps
   * several tasks in every gradient step (so the embedding must tell them apart) while bounding the
   * encoder's forward pass to a few contexts — a random draw would touch one context per step.
   */
  readonly contextsPerBatch?: number;
}

/**
 * The decoupled encoder objective (issue 7): a transition model predicts the reward and the next
 * observation from (observation, action, embedding), where the embedding encodes *other* episodes of
 * the same task (the context the step was taken under, which never holds the step's own episode).
 * Minimizing the prediction error makes the embedding carry what the observation alone does not say
 * about the task's dynamics and reward — without any gradient from the agent, so it serves agents that
 * have none (tabular Q-learning) and can be added to the end-to-end loss of those that do.
 *
 * Loss per step: (r̂ − r)² + mean_i (ŝ'_i − s'_i)², averaged over the steps whose context is non-empty
 * (an empty context gives the zero embedding, which says nothing about the task).
 */
export class SelfSupervisedEncoderTrainer {
  readonly model: Mlp;
  readonly modelParams: ParameterVector;
  readonly options: Required<SelfSupervisedOptions>;
  private readonly encoderAdam: FlatAdam;
  private readonly modelAdam: FlatAdam;
  private readonly rng: Rng;

  constructor(
    readonly encoder: TaskEncoder,
    readonly features: StepFeatures,
    options: SelfSupervisedOptions = {},
  ) {
    this.options = { hiddenSizes: [64, 64], learningRate: 1e-3, maxGradNorm: 1, batchSize: 256, seed: 0, contextsPerBatch: 0, ...options };
    const o = this.options;
    if (!Number.isInteger(o.contextsPerBatch) || o.contextsPerBatch < 0 || o.contextsPerBatch > o.batchSize) throw new RangeError(`SelfSupervisedEncoderTrainer: contextsPerBatch must be an integer in [0, batchSize = ${o.batchSize}] (0: draw steps at random), got ${o.contextsPerBatch}`);
    if (!(o.learningRate > 0)) throw new RangeError(`SelfSupervisedEncoderTrainer: learningRate must be > 0, got ${o.learningRate}`);
    if (!(o.maxGradNorm > 0)) throw new RangeError(`SelfSupervisedEncoderTrainer: maxGradNorm must be > 0, got ${o.maxGradNorm}`);
    if (!Number.isInteger(o.batchSize) || o.batchSize < 1) throw new RangeError(`SelfSupervisedEncoderTrainer: batchSize must be a positive integer, got ${o.batchSize}`);
    if (features.observationSize !== encoder.config.observationSize || features.actionSize !== encoder.config.actionSize) {
      throw new RangeError(`SelfSupervisedEncoderTrainer: the env's steps have ${features.observationSize} observation and ${features.actionSize} action features, the encoder was built for ${encoder.config.observationSize} and ${encoder.config.actionSize}`);
    }
    this.rng = new Rng(o.seed);
    const layout = new ParamLayout();
    const initial = new Map<string, Float32Array>();
    const inputSize = features.observationSize + features.actionSize + encoder.embeddingSize;
    this.model = buildMlp(layout, { name: 'dyn', inputSize, hiddenSizes: o.hiddenSizes, outputSize: 1 + features.observationSize, activation: 'relu', hiddenInit: { kind: 'torch-default' }, outputInit: { kind: 'torch-default' } }, this.rng, (n, v) => initial.set(n, v));
    this.modelParams = ParameterVector.fromTensors(layout, initial);
    this.encoderAdam = new FlatAdam(encoder.params.layout.size);
    this.modelAdam = new FlatAdam(layout.size);
  }

  /**
   * `steps` gradient steps of encoder and model on minibatches of the log (the log is not drained);
   * returns the mean loss of those minibatches before each step, or NaN when no step has a context.
   */
  update(log: TransitionLog, steps = 1): number {
    const usable = this.usableSteps(log);
    if (usable.length === 0) return NaN;
    let total = 0;
    const byContext = this.options.contextsPerBatch > 0 ? groupByContext(log, usable) : undefined;
    for (let s = 0; s < steps; s++) {
      const batch = byContext !== undefined ? this.contextBatch(byContext) : usable.length <= this.options.batchSize ? usable : this.rng.shuffle([...usable]).slice(0, this.options.batchSize);
      total += this.gradientStep(log, batch);
    }
    this.encoder.params.pull();
    this.modelParams.pull();
    return total / steps;
  }

  /** The prediction loss on every usable step of `log` with the current parameters (no update). */
  loss(log: TransitionLog): number {
    const usable = this.usableSteps(log);
    if (usable.length === 0) return NaN;
    return tf.tidy(() => this.lossTensor(this.encoder.params.variable, this.modelParams.variable, log, usable).dataSync()[0]);
  }

  /** Frees the model's tensors and optimizer state (the encoder is the caller's). */
  dispose(): void {
    this.modelParams.dispose();
    this.encoderAdam.dispose();
    this.modelAdam.dispose();
  }

  /** `contextsPerBatch` contexts drawn without replacement, and up to batchSize / contextsPerBatch steps of each. */
  private contextBatch(byContext: readonly number[][]): number[] {
    const groups = byContext.length <= this.options.contextsPerBatch ? byContext : this.rng.shuffle([...byContext]).slice(0, this.options.contextsPerBatch);
    const per = Math.max(1, Math.floor(this.options.batchSize / this.options.contextsPerBatch));
    return groups.flatMap((g) => (g.length <= per ? g : this.rng.shuffle([...g]).slice(0, per)));
  }

  private usableSteps(log: TransitionLog): number[] {
    const out: number[] = [];
    log.steps.forEach((s, i) => {
      if (log.contexts[s.context].length > 0) out.push(i);
    });
    return out;
  }

  private gradientStep(log: TransitionLog, batch: readonly number[]): number {
    const encTheta = this.encoder.params.variable;
    const modelTheta = this.modelParams.variable;
    return tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => this.lossTensor(encTheta, modelTheta, log, batch), [encTheta, modelTheta]);
      this.encoderAdam.apply(encTheta, clipByGlobalNorm(grads[encTheta.name] as tf.Tensor1D, this.options.maxGradNorm).clipped, this.options.learningRate);
      this.modelAdam.apply(modelTheta, clipByGlobalNorm(grads[modelTheta.name] as tf.Tensor1D, this.options.maxGradNorm).clipped, this.options.learningRate);
      return value.dataSync()[0];
    });
  }

  private lossTensor(encTheta: tf.Tensor1D, modelTheta: tf.Tensor1D, log: TransitionLog, batch: readonly number[]): tf.Scalar {
    const o = this.features.observationSize;
    const a = this.features.actionSize;
    const n = batch.length;
    const contexts = [...new Set(batch.map((i) => log.steps[i].context))];
    const row = new Map(contexts.map((c, k) => [c, k]));
    const inputs = new Float32Array(n * (o + a));
    const targets = new Float32Array(n * (1 + o));
    const select = new Float32Array(n * contexts.length);
    batch.forEach((i, k) => {
      const s = log.steps[i];
      inputs.set(s.observation, k * (o + a));
      this.features.writeAction(s.action, inputs, k * (o + a) + o);
      targets[k * (1 + o)] = s.reward;
      targets.set(s.nextObservation, k * (1 + o) + 1);
      select[k * contexts.length + (row.get(s.context) as number)] = 1;
    });
    // Row selection as a matmul: gather's gradient has no wasm kernel (see end-to-end.ts).
    const embeddings = tf.matMul(tf.tensor2d(select, [n, contexts.length]), this.encoder.forward(encTheta, contexts.map((c) => log.contexts[c])));
    const x = tf.concat([tf.tensor2d(inputs, [n, o + a]), embeddings], 1) as tf.Tensor2D;
    const predicted = mlpForward(this.model, this.modelParams.layout.split(modelTheta), x);
    const err = tf.square(tf.sub(predicted, tf.tensor2d(targets, [n, 1 + o])));
    const [rewardErr, nextErr] = tf.split(err, [1, o], 1);
    return tf.add(tf.mean(rewardErr), tf.mean(nextErr)) as tf.Scalar;
  }
}

/** The usable steps grouped by the context they were taken under (groups in order of first appearance). */
function groupByContext(log: TransitionLog, usable: readonly number[]): number[][] {
  const groups = new Map<number, number[]>();
  for (const i of usable) {
    const c = log.steps[i].context;
    let g = groups.get(c);
    if (g === undefined) groups.set(c, (g = []));
    g.push(i);
  }
  return [...groups.values()];
}
