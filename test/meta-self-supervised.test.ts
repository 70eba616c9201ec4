import test from 'ava';
import { QLearning } from '../agents/qlearning.js';
import { BaseEnv } from '../envs/core/base-env.js';
import type { ResetResult, StepResult } from '../envs/core/env.js';
import { Box } from '../envs/spaces/box.js';
import { Discrete } from '../envs/spaces/discrete.js';
import type { Task, TaskDistribution } from '../envs/tasks/task.js';
import '../envs/index.js';
import { autoscalingTasks } from '../envs/autoscaling/index.js';
import type { Env } from '../envs/core/env.js';
import { dvfsTasks } from '../envs/dvfs/index.js';
import { make } from '../envs/registry/registry.js';
import { Rng } from '../envs/rng/rng.js';
import { DiscretizeObservation } from '../envs/wrappers/discretize-observation.js';
import { TaskConditioningWrapper, type TransitionLog } from '../meta/conditioning-wrapper.js';
import { createTaskEncoder } from '../meta/encoders/create-encoder.js';
import { learnedEmbedding } from '../meta/embedding-source.js';
import { clusterConditioning, kMeans } from '../meta/kmeans.js';
import { SelfSupervisedEncoderTrainer } from '../meta/self-supervised.js';
import { euclidean } from '../meta/similarity.js';

const tasks = autoscalingTasks.catalog(4, 3);

interface GainTask extends Task {
  readonly gain: number;
}

/**
 * A task whose identity the observation never shows: reward = gain × (±observation) for action 1 / 0,
 * observations i.i.d. uniform in [−1, 1]. Only past rewards reveal the gain, so a transition model
 * can predict rewards only through an embedding of the task's other episodes.
 */
class HiddenGainEnv extends BaseEnv<Float32Array, number> {
  readonly observationSpace = new Box(-1, 1, { shape: [1] });
  readonly actionSpace = new Discrete(2);
  readonly taskDistribution = {} as TaskDistribution<GainTask>;
  task: GainTask = { id: 'g0', gain: 1 };
  private obs = new Float32Array(1);
  private steps = 0;

  protected override resetOptionKeys(): readonly string[] {
    return ['task'];
  }

  protected resetEnv(options: Record<string, unknown>): ResetResult<Float32Array> {
    if (options.task !== undefined) this.task = options.task as GainTask;
    this.steps = 0;
    this.obs = Float32Array.of(this.npRandom.uniform(-1, 1));
    return { observation: this.obs, info: {} };
  }

  protected stepEnv(action: number): StepResult<Float32Array> {
    const reward = this.task.gain * (action === 1 ? this.obs[0] : -this.obs[0]);
    this.obs = Float32Array.of(this.npRandom.uniform(-1, 1));
    this.steps++;
    return this.result(this.obs, reward, false, this.steps >= 20);
  }
}

const gainTasks: GainTask[] = [-2, -1, 1, 2].map((gain, i) => ({ id: `gain${i}`, gain }));

/** Random-action episodes (seeded) on each task in turn, so every task's later episodes run under a context of its earlier ones. */
function collect(wrapper: TaskConditioningWrapper, taskList: readonly Task[], actions: number, rounds: number, seed: number): TransitionLog {
  const rng = new Rng(seed);
  wrapper.logging = true;
  wrapper.reset({ seed });
  for (let round = 0; round < rounds; round++) {
    for (const task of taskList) {
      wrapper.setTask(task);
      wrapper.reset();
      for (;;) {
        const r = wrapper.step(rng.integers(0, actions));
        if (r.terminated || r.truncated) break;
      }
    }
  }
  wrapper.logging = false;
  return wrapper.drainLog();
}

test('the self-supervised objective lowers its prediction loss and separates tasks by what only rewards reveal', (t) => {
  const encoder = createTaskEncoder({ kind: 'transition', observationSize: 1, actionSize: 2, hiddenSizes: [16], codeSize: 8, embeddingSize: 2, maxSteps: 20, activation: 'tanh' }, 1);
  const wrap = () => new TaskConditioningWrapper(new HiddenGainEnv() as unknown as Env<unknown, unknown>, { source: learnedEmbedding(encoder), bufferCapacity: 2, bufferPolicy: 'latest' });
  const wrapper = wrap();
  const trainLog = collect(wrapper, gainTasks, 2, 4, 10);
  const trainer = new SelfSupervisedEncoderTrainer(encoder, wrapper.features, { hiddenSizes: [16], seed: 2, batchSize: 128, learningRate: 3e-3 });
  const before = trainer.loss(trainLog);
  trainer.update(trainLog, 300);
  const after = trainer.loss(trainLog);
  // Without the gain, the best reward prediction is 0 (E[r | obs, action] over tasks): loss ≈ E[gain² obs²] = 2.5/3 ≈ 0.83 plus the next-observation term 1/3.
  t.true(after < 0.6 * before, `loss ${before} → ${after}`);
  // Fresh contexts of the same tasks (other observations and actions): same-task embeddings are closer.
  const other = wrap();
  collect(other, gainTasks, 2, 2, 20);
  const a = gainTasks.map((task) => encoder.embed(wrapper.bufferOf(task.id).snapshot()));
  const b = gainTasks.map((task) => encoder.embed(other.bufferOf(task.id).snapshot()));
  let within = 0;
  let between = 0;
  const k = gainTasks.length;
  for (let i = 0; i < k; i++) {
    within += euclidean(a[i], b[i]) / k;
    for (let j = 0; j < k; j++) if (i !== j) between += euclidean(a[i], b[j]) / (k * (k - 1));
  }
  t.true(within < 0.3 * between, `within ${within} vs between ${between}`);
  trainer.dispose();
  t.throws(() => new SelfSupervisedEncoderTrainer(encoder, { ...wrapper.features, observationSize: 5 }), { message: /encoder was built for 1 and 2/ });
});

test('on Autoscaling-v0 under random actions the self-supervised loss falls (the observation already predicts most)', (t) => {
  const encoder = createTaskEncoder({ kind: 'transition', observationSize: 9, actionSize: 7, hiddenSizes: [32], codeSize: 16, embeddingSize: 4, maxSteps: 20, activation: 'tanh' }, 1);
  const wrapper = new TaskConditioningWrapper(make('Autoscaling-v0') as Env<unknown, unknown>, { source: learnedEmbedding(encoder), bufferCapacity: 2, bufferPolicy: 'latest' });
  const log = collect(wrapper, tasks, 7, 2, 10);
  const trainer = new SelfSupervisedEncoderTrainer(encoder, wrapper.features, { hiddenSizes: [32], seed: 2, batchSize: 128, learningRate: 3e-3 });
  const before = trainer.loss(log);
  trainer.update(log, 100);
  t.true(trainer.loss(log) < 0.5 * before);
  trainer.dispose();
});

test('k-means finds separated clusters, deterministically, and names bad input', (t) => {
  const rng = new Rng(3);
  const centres = [[0, 0], [5, 5], [-5, 5]];
  const points = centres.flatMap((c) => Array.from({ length: 20 }, () => [c[0] + rng.normal(0, 0.3), c[1] + rng.normal(0, 0.3)]));
  const model = kMeans(points, 3, new Rng(1));
  const labels = points.map((p) => model.assign(p));
  for (let c = 0; c < 3; c++) t.is(new Set(labels.slice(c * 20, c * 20 + 20)).size, 1);
  t.is(new Set(labels).size, 3);
  t.deepEqual(kMeans(points, 3, new Rng(1)).centroids.map((c) => Array.from(c)), model.centroids.map((c) => Array.from(c)));
  t.true(model.inertia(points) < kMeans(points, 1, new Rng(1)).inertia(points) / 10);
  t.throws(() => kMeans(points.slice(0, 2), 3, new Rng(1)), { message: /at least k = 3 points/ });
  t.throws(() => kMeans(points, 0, new Rng(1)), { message: /k must be a positive integer/ });
});

test('tabular Q-learning runs on the cluster id of the learned embedding (decoupled encoder)', async (t) => {
  const bins = [5, 3, 14, 3, 4];
  const dvfs = dvfsTasks.catalog(3, 5);
  const build = () => new DiscretizeObservation(make('DVFS-v0', { actionMode: 'absolute', task: dvfs[0] }), { bins, low: [0, 0, 0, 0.5, 0.5], high: [1, 1, 1, 1.25, 1.5] }) as unknown as Env<unknown, unknown>;
  const probe = build();
  const n = (probe.observationSpace as unknown as { n: number }).n;
  const actions = (probe.actionSpace as unknown as { n: number }).n;
  const encoder = createTaskEncoder({ kind: 'transition', observationSize: n, actionSize: actions, hiddenSizes: [16], codeSize: 8, embeddingSize: 3, maxSteps: 16, activation: 'tanh' }, 4);
  // Cluster the (random-policy) embeddings of the training tasks into 2 ids.
  // Before clustering, one block: the collector only fills the task buffers.
  const collector = new TaskConditioningWrapper(build(), { source: learnedEmbedding(encoder), mode: { kind: 'cluster', clusters: 1, cluster: () => 0 }, bufferCapacity: 2 });
  const rng = new Rng(6);
  collector.reset({ seed: 6 });
  for (const task of dvfs) {
    collector.setTask(task);
    collector.reset();
    for (let s = 0; s < 200; s++) {
      const r = collector.step(rng.integers(0, actions));
      if (r.terminated || r.truncated) break;
    }
    collector.reset();
  }
  const embeddings = dvfs.map((task) => encoder.embed(collector.bufferOf(task.id).snapshot()));
  const clusters = kMeans(embeddings, 2, new Rng(7));
  const wrapper = new TaskConditioningWrapper(build(), { source: learnedEmbedding(encoder), mode: clusterConditioning(clusters), bufferCapacity: 2 });
  t.is((wrapper.observationSpace as unknown as { n: number }).n, 2 * n);
  const agent = new QLearning(wrapper, { seed: 1 });
  t.is(agent.nStates, 2 * n);
  wrapper.setTask(dvfs[1]);
  await agent.learn({ totalTimesteps: 400 });
  const { observation } = wrapper.reset();
  // The state's block is the cluster of the task's current embedding.
  t.is(Math.floor((observation as number) / n), clusters.assign(wrapper.currentEmbedding));
});
