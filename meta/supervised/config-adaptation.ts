import { FlatAdam } from '../../agents/nn/flat-adam.js';
import { SCOUT_CONFIGURATIONS, configSearchTasks, dataset, type JobTask } from '../../envs/configsearch/index.js';
import { Rng } from '../../envs/rng/rng.js';
import type { MetaTask } from '../functional-model.js';
import { Maml } from '../maml.js';
import { MlpRegressor, subset, type RegressionBatch } from './regressor.js';
import { ShotEmbeddingRegressor } from './shot-embedding-regressor.js';

/** The methods of FLASH's supervised case (the same names as the RL adaptation suite). */
export const CONFIG_ADAPTATION_METHODS = ['flash', 'maml', 'tl', 'tlPlus', 'scratch'] as const;
export type ConfigAdaptationMethod = (typeof CONFIG_ADAPTATION_METHODS)[number];

/** Settings of the configuration-search K-shot experiment (JSON, stored in its summary). */
export interface ConfigAdaptationConfig {
  /** Jobs of `configSearchTasks.catalog(trainJobs + heldOutJobs, catalogSeed)`, split train / held-out. */
  readonly trainJobs: number;
  readonly heldOutJobs: number;
  readonly catalogSeed: number;
  /** Numbers of measured configurations the held-out job is adapted from. */
  readonly shots: readonly number[];
  /** Pretraining: full-batch Adam steps (TL, TL+), meta-steps (MAML, FLASH). */
  readonly pretrainSteps: number;
  readonly pretrainLr: number;
  /** Jobs per meta-step (MAML, FLASH). */
  readonly metaBatch: number;
  /** Fine-tuning of TL and TL+ on the shots: Adam steps and learning rate. */
  readonly fineTuneSteps: number;
  readonly fineTuneLr: number;
  /** Scratch: Adam steps and learning rate on the shots (its own, larger budget: it starts from nothing). */
  readonly scratchSteps: number;
  readonly scratchLr: number;
  /** MAML's inner loop (second order while meta-training; the same steps adapt a held-out job). */
  readonly mamlInnerLr: number;
  readonly mamlInnerSteps: number;
  readonly hiddenSizes: readonly number[];
}

/** A small default that runs in about a minute per seed on one core. */
export function configAdaptationPreset(preset: 'quick' | 'full'): ConfigAdaptationConfig {
  const quick = preset === 'quick';
  return {
    trainJobs: quick ? 60 : 200,
    heldOutJobs: 20,
    catalogSeed: 11,
    shots: [1, 3, 5, 10],
    pretrainSteps: quick ? 400 : 1500,
    pretrainLr: 3e-3,
    metaBatch: 8,
    fineTuneSteps: 50,
    fineTuneLr: 3e-3,
    scratchSteps: 200,
    scratchLr: 1e-2,
    mamlInnerLr: 0.05,
    mamlInnerSteps: 3,
    hiddenSizes: [32, 32],
  };
}

/** One job's rows: configuration features, with the job's standardized fingerprint appended (TL+), and targets. */
export interface JobRows {
  readonly taskId: string;
  /** `[configs × configFeatures]`. */
  readonly x: Float32Array;
  /** `[configs × (configFeatures + jobFeatures)]`. */
  readonly xWithJob: Float32Array;
  /** Standardized ln runtime of one noisy measurement per configuration: what a shot reveals. */
  readonly measured: Float32Array;
  /** Standardized noise-free ln runtime: what predictions are scored against. */
  readonly truth: Float32Array;
}

/** The prepared data: train and held-out jobs and the target's standardization. */
export interface ConfigAdaptationData {
  readonly train: JobRows[];
  readonly heldOut: JobRows[];
  readonly configFeatures: number;
  readonly jobFeatures: number;
  /** ln runtime = mean + std × standardized target. */
  readonly targetMean: number;
  readonly targetStd: number;
}

/** Builds the data of the experiment (deterministic in the config and the measurement seed). */
export function configAdaptationData(config: ConfigAdaptationConfig, measurementSeed: number): ConfigAdaptationData {
  const jobs = configSearchTasks.catalog(config.trainJobs + config.heldOutJobs, config.catalogSeed) as JobTask[];
  const { train, heldOut } = configSearchTasks.split(jobs, { train: config.trainJobs, seed: config.catalogSeed });
  const rng = new Rng(measurementSeed);
  const measuredRows = dataset([...train, ...heldOut] as JobTask[], rng).rows;
  const trueRows = dataset([...train, ...heldOut] as JobTask[]).rows;
  const c = SCOUT_CONFIGURATIONS.length;
  const cf = trueRows[0].config.length;
  const jf = trueRows[0].job.length;
  const trainRows = trueRows.slice(0, train.length * c);
  const logs = trainRows.map((r) => Math.log(r.runtime));
  const targetMean = mean(logs);
  const targetStd = Math.sqrt(mean(logs.map((v) => (v - targetMean) ** 2)));
  const jobMean = new Float64Array(jf);
  const jobStd = new Float64Array(jf);
  for (let j = 0; j < train.length; j++) for (let k = 0; k < jf; k++) jobMean[k] += trainRows[j * c].job[k] / train.length;
  for (let j = 0; j < train.length; j++) for (let k = 0; k < jf; k++) jobStd[k] += (trainRows[j * c].job[k] - jobMean[k]) ** 2 / train.length;
  for (let k = 0; k < jf; k++) jobStd[k] = Math.sqrt(jobStd[k]) || 1;
  const rowsOf = (j: number): JobRows => {
    const x = new Float32Array(c * cf);
    const xWithJob = new Float32Array(c * (cf + jf));
    const measured = new Float32Array(c);
    const truth = new Float32Array(c);
    for (let i = 0; i < c; i++) {
      const t = trueRows[j * c + i];
      x.set(t.config, i * cf);
      xWithJob.set(t.config, i * (cf + jf));
      for (let k = 0; k < jf; k++) xWithJob[i * (cf + jf) + cf + k] = (t.job[k] - jobMean[k]) / jobStd[k];
      measured[i] = (Math.log(measuredRows[j * c + i].runtime) - targetMean) / targetStd;
      truth[i] = (Math.log(t.runtime) - targetMean) / targetStd;
    }
    return { taskId: trueRows[j * c].taskId, x, xWithJob, measured, truth };
  };
  return {
    train: train.map((_, j) => rowsOf(j)),
    heldOut: heldOut.map((_, j) => rowsOf(train.length + j)),
    configFeatures: cf,
    jobFeatures: jf,
    targetMean,
    targetStd,
  };
}

/** The error of one method on one held-out job after K shots. */
export interface KShotResult {
  readonly method: ConfigAdaptationMethod;
  readonly shots: number;
  readonly taskId: string;
  readonly seed: number;
  /** RMSE of ln runtime on the configurations not measured (noise-free truth). */
  readonly rmseLogRuntime: number;
  /** Mean absolute percentage error of the runtime on the same configurations. */
  readonly mape: number;
}

/** The pretrained models of one seed. */
interface Pretrained {
  readonly tl: MlpRegressor;
  readonly tlPlus: MlpRegressor;
  readonly maml: { readonly learner: Maml<RegressionBatch>; readonly model: MlpRegressor };
  readonly flash: ShotEmbeddingRegressor;
}

/**
 * FLASH's supervised case on the configuration-search jobs: every method is pretrained on the training
 * jobs, then adapted to each held-out job from K measured configurations (one noisy run each) and scored
 * on the job's other configurations. FLASH embeds the shots and predicts without a gradient step; MAML
 * takes its inner steps on them; TL (configuration features only) and TL+ (plus the job's hand-crafted
 * fingerprint) are fine-tuned on them; scratch trains a fresh regressor on them alone.
 */
export function runConfigAdaptation(config: ConfigAdaptationConfig, seed: number, methods: readonly ConfigAdaptationMethod[] = CONFIG_ADAPTATION_METHODS): KShotResult[] {
  for (const m of methods) if (!CONFIG_ADAPTATION_METHODS.includes(m)) throw new RangeError(`runConfigAdaptation: unknown method ${String(m)}; allowed: ${CONFIG_ADAPTATION_METHODS.join(', ')}`);
  for (const k of config.shots) if (!Number.isInteger(k) || k < 1 || k >= SCOUT_CONFIGURATIONS.length) throw new RangeError(`runConfigAdaptation: shots must be integers in [1, ${SCOUT_CONFIGURATIONS.length - 1}], got ${k}`);
  const data = configAdaptationData(config, 1000 + seed);
  const models = pretrain(config, data, seed, methods);
  const results: KShotResult[] = [];
  const c = SCOUT_CONFIGURATIONS.length;
  data.heldOut.forEach((job, j) => {
    // Shots are nested across K (the first K of one random order), as a profiler measuring more would.
    const order = new Rng(seed * 7919 + j).shuffle(Array.from({ length: c }, (_, i) => i));
    for (const k of config.shots) {
      const shots = order.slice(0, k);
      const rest = order.slice(k);
      for (const method of methods) {
        const predicted = adaptAndPredict(method, config, data, models, job, shots, rest, seed);
        results.push({ method, shots: k, taskId: job.taskId, seed, ...score(predicted, rest.map((i) => job.truth[i]), data) });
      }
    }
  });
  for (const m of [models.tl, models.tlPlus, models.maml?.model, models.flash]) m?.params.dispose();
  return results;
}

function pretrain(config: ConfigAdaptationConfig, data: ConfigAdaptationData, seed: number, methods: readonly ConfigAdaptationMethod[]): Partial<Pretrained> {
  const out: { -readonly [K in keyof Pretrained]?: Pretrained[K] } = {};
  const cf = data.configFeatures;
  const pooled = (withJob: boolean): RegressionBatch => {
    const d = withJob ? cf + data.jobFeatures : cf;
    const n = data.train.length * SCOUT_CONFIGURATIONS.length;
    const x = new Float32Array(n * d);
    const y = new Float32Array(n);
    data.train.forEach((job, j) => {
      x.set(withJob ? job.xWithJob : job.x, j * SCOUT_CONFIGURATIONS.length * d);
      y.set(job.measured, j * SCOUT_CONFIGURATIONS.length);
    });
    return { x, y, n };
  };
  if (methods.includes('tl')) {
    out.tl = new MlpRegressor({ inputSize: cf, hiddenSizes: config.hiddenSizes, seed });
    out.tl.fit(pooled(false), config.pretrainSteps, config.pretrainLr);
  }
  if (methods.includes('tlPlus')) {
    out.tlPlus = new MlpRegressor({ inputSize: cf + data.jobFeatures, hiddenSizes: config.hiddenSizes, seed });
    out.tlPlus.fit(pooled(true), config.pretrainSteps, config.pretrainLr);
  }
  const rng = new Rng(seed + 17);
  const episode = (): MetaTask<RegressionBatch> => {
    const job = data.train[rng.integers(0, data.train.length)];
    const k = config.shots[rng.integers(0, config.shots.length)];
    const order = rng.shuffle(Array.from({ length: SCOUT_CONFIGURATIONS.length }, (_, i) => i));
    const all: RegressionBatch = { x: job.x, y: job.measured, n: SCOUT_CONFIGURATIONS.length };
    return { support: subset(all, order.slice(0, k)), query: subset(all, order.slice(k)) };
  };
  if (methods.includes('maml')) {
    const model = new MlpRegressor({ inputSize: cf, hiddenSizes: config.hiddenSizes, seed });
    const learner = new Maml(model, { innerLr: config.mamlInnerLr, innerSteps: config.mamlInnerSteps, order: 'second', outerLr: config.pretrainLr });
    for (let s = 0; s < config.pretrainSteps; s++) learner.step(Array.from({ length: config.metaBatch }, episode));
    learner.optimizer.dispose();
    out.maml = { learner, model };
  }
  if (methods.includes('flash')) {
    out.flash = new ShotEmbeddingRegressor({ inputSize: cf, hiddenSizes: config.hiddenSizes, seed });
    const adam = new FlatAdam(out.flash.params.layout.size);
    for (let s = 0; s < config.pretrainSteps; s++) out.flash.trainStep(Array.from({ length: config.metaBatch }, episode), adam, config.pretrainLr);
    adam.dispose();
  }
  return out;
}

function adaptAndPredict(method: ConfigAdaptationMethod, config: ConfigAdaptationConfig, data: ConfigAdaptationData, models: Partial<Pretrained>, job: JobRows, shots: number[], rest: number[], seed: number): Float32Array {
  const cf = data.configFeatures;
  const jd = cf + data.jobFeatures;
  const c = SCOUT_CONFIGURATIONS.length;
  const plain: RegressionBatch = { x: job.x, y: job.measured, n: c };
  const support = subset(plain, shots);
  const query = subset(plain, rest);
  switch (method) {
    case 'flash':
      return (models.flash as ShotEmbeddingRegressor).predict(support, query.x, query.n);
    case 'maml': {
      const maml = models.maml as Pretrained['maml'];
      return maml.model.predict(query.x, query.n, maml.learner.adapt(support));
    }
    case 'scratch': {
      const fresh = new MlpRegressor({ inputSize: cf, hiddenSizes: config.hiddenSizes, seed: seed + 1 });
      fresh.fit(support, config.scratchSteps, config.scratchLr);
      const out = fresh.predict(query.x, query.n);
      fresh.params.dispose();
      return out;
    }
    case 'tl':
    case 'tlPlus': {
      const withJob = method === 'tlPlus';
      const base = models[method] as MlpRegressor;
      const copy = new MlpRegressor({ inputSize: withJob ? jd : cf, hiddenSizes: config.hiddenSizes, seed });
      copy.params.values.set(base.params.values);
      copy.params.push();
      const rows: RegressionBatch = withJob ? { x: job.xWithJob, y: job.measured, n: c } : plain;
      copy.fit(subset(rows, shots), config.fineTuneSteps, config.fineTuneLr);
      const q = subset(rows, rest);
      const out = copy.predict(q.x, q.n);
      copy.params.dispose();
      return out;
    }
  }
}

function score(predicted: Float32Array, truth: readonly number[], data: ConfigAdaptationData): { rmseLogRuntime: number; mape: number } {
  let se = 0;
  let ape = 0;
  truth.forEach((t, i) => {
    const errLog = (predicted[i] - t) * data.targetStd;
    se += errLog ** 2;
    ape += Math.abs(Math.exp(errLog) - 1);
  });
  return { rmseLogRuntime: Math.sqrt(se / truth.length), mape: ape / truth.length };
}

function mean(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}
