import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import '../envs/index.js';
import { autoscalingTasks } from '../envs/autoscaling/index.js';
import { Rng } from '../envs/rng/rng.js';
import type { TransitionLog } from '../meta/conditioning-wrapper.js';
import { appendLog } from '../meta/decoupled-pretraining.js';
import { fitStandardization, standardizedEmbedding } from '../meta/embedding-standardization.js';
import { createTaskEncoder } from '../meta/encoders/create-encoder.js';
import type { EpisodeRecord } from '../meta/episode-buffer.js';
import { MetaLearner } from '../meta/procedures.js';

const OBS = 3;
const ACT = 2;
const ROW = 2 * OBS + ACT + 1;

function randomEpisode(rng: Rng, length: number): EpisodeRecord {
  const steps = Float32Array.from({ length: length * ROW }, () => rng.normal());
  return { steps, length, rowSize: ROW, episodeReturn: 0 };
}

test('GRU encoder: the host embedding equals the tfjs forward (2 layers, strided episodes, relu and tanh)', (t) => {
  for (const activation of ['relu', 'tanh'] as const) {
    const enc = createTaskEncoder({ kind: 'gru', observationSize: OBS, actionSize: ACT, hiddenSize: 7, layers: 2, embeddingSize: 5, maxSteps: 6, activation }, 11);
    const rng = new Rng(12);
    // Lengths 3 (padded in the batch), 13 (stride 3) and 6: the host loops read each episode alone.
    const contexts = [[randomEpisode(rng, 3), randomEpisode(rng, 13)], [randomEpisode(rng, 6)], []];
    const batched = tf.tidy(() => enc.forward(enc.params.variable, contexts).arraySync());
    contexts.forEach((c, k) => {
      const host = enc.embed(c);
      host.forEach((v, i) => t.true(Math.abs(v - batched[k][i]) < 1e-5, `${activation} context ${k} dim ${i}: host ${v}, tfjs ${batched[k][i]}`));
    });
    t.true(batched[0].some((v) => v !== 0), 'the check is not vacuous');
  }
});

test('fitStandardization: mean and population std per dimension; a constant dimension gets std 1', (t) => {
  const s = fitStandardization([Float32Array.from([1, 5, 2]), Float32Array.from([3, 5, 2]), Float32Array.from([5, 5, 2])]);
  t.deepEqual(s.mean.map((v) => Number(v.toFixed(6))), [3, 5, 2]);
  t.is(Number(s.std[0].toFixed(6)), Number(Math.sqrt(8 / 3).toFixed(6)));
  t.deepEqual(s.std.slice(1), [1, 1]);
  t.throws(() => fitStandardization([]), { message: /at least one embedding/ });
  t.throws(() => fitStandardization([new Float32Array(2), new Float32Array(3)]), { message: /3 and 2 dimensions|2 and 3 dimensions/ });
});

test('standardizedEmbedding: (e − mean) / std of the encoder output; 0 for an empty context; raw before fitting', (t) => {
  const enc = createTaskEncoder({ kind: 'gru', observationSize: OBS, actionSize: ACT, hiddenSize: 4, embeddingSize: 3, activation: 'tanh' }, 2);
  const ctx = [randomEpisode(new Rng(3), 5)];
  const raw = enc.embed(ctx);
  let stats: { mean: number[]; std: number[] } | undefined;
  const source = standardizedEmbedding(enc, () => stats);
  t.deepEqual(Array.from(source.embed(ctx, undefined)), Array.from(raw));
  stats = { mean: [0.5, -0.5, 0], std: [2, 0.5, 1] };
  const z = source.embed(ctx, undefined);
  raw.forEach((v, i) => t.true(Math.abs(z[i] - (v - stats!.mean[i]) / stats!.std[i]) < 1e-6));
  t.deepEqual(Array.from(source.embed([], undefined)), [0, 0, 0]);
});

test('appendLog renumbers the appended steps\' contexts', (t) => {
  const step = (context: number) => ({ observation: new Float32Array(1), nextObservation: new Float32Array(1), action: 0, reward: context, terminated: false, truncated: false, context, task: undefined });
  const a: TransitionLog = { steps: [step(0), step(1)], contexts: [[], []] };
  const b: TransitionLog = { steps: [step(0), step(0), step(1)], contexts: [[], []] };
  appendLog(a, b);
  t.deepEqual(a.steps.map((s) => s.context), [0, 1, 2, 2, 3]);
  t.is(a.contexts.length, 4);
  t.deepEqual(a.steps.map((s) => s.reward), [0, 1, 0, 0, 1]);
});

const tasks = autoscalingTasks.catalog(10, 3);
const encoder = { kind: 'gru', hiddenSize: 8, embeddingSize: 4, maxSteps: 10, activation: 'tanh' } as const;

test('decoupled: bad settings are named before anything is built', (t) => {
  const base = { envId: 'AutoscalingPartial-v0', conditioning: 'embedding', encoder, seed: 1 } as const;
  t.throws(() => MetaLearner.create({ ...base, encoderObjective: 'contrastive' as never }, tasks), { message: /encoderObjective must be one of "endToEnd", "selfSupervised", "both", "decoupled", got contrastive/ });
  t.throws(() => MetaLearner.create({ ...base, decoupled: { rounds: 2 } }, tasks), { message: /decoupled settings need encoderObjective "decoupled", got endToEnd/ });
  t.throws(() => MetaLearner.create({ ...base, encoderObjective: 'decoupled', decoupled: { rounds: 0 } }, tasks), { message: /decoupled.rounds must be a positive integer, got 0/ });
  t.throws(() => MetaLearner.create({ ...base, encoderObjective: 'decoupled', decoupled: { epochs: 2 } as never }, tasks), { message: /decoupled.epochs is unknown; allowed: rounds, steps, contextsPerBatch/ });
});

test('decoupled: the encoder learns before the agent, then stays frozen; the agent sees standardized embeddings; save → load → adapt reproduces', async (t) => {
  const train = tasks.slice(0, 6);
  const learner = MetaLearner.create({ envId: 'AutoscalingPartial-v0', conditioning: 'embedding', encoder, encoderObjective: 'decoupled', decoupled: { rounds: 12, steps: 30, contextsPerBatch: 4 }, seed: 3, episodesPerUpdate: 1 }, train);
  const before = Float32Array.from(learner.encoder!.params.values);
  await learner.pretrain({ tasks: train, iterations: 0 });
  const warmup = learner.encoderWarmup!;
  t.is(warmup.collectedSteps, 12 * 50);
  t.true(warmup.lossAfter < warmup.lossBefore, `self-supervised loss ${warmup.lossBefore} → ${warmup.lossAfter}`);
  const afterWarmup = Float32Array.from(learner.encoder!.params.values);
  t.true(afterWarmup.some((v, i) => v !== before[i]));
  // Right after fitting, the training tasks' embeddings are standardized: mean 0, std 1 in every dimension.
  const z = learner.trainingEmbeddings();
  t.true(z.length >= 2);
  for (let i = 0; i < 4; i++) {
    const m = z.reduce((a, e) => a + e[i], 0) / z.length;
    const sd = Math.sqrt(z.reduce((a, e) => a + (e[i] - m) ** 2, 0) / z.length);
    t.true(Math.abs(m) < 1e-4, `dim ${i} mean ${m}`);
    t.true(Math.abs(sd - 1) < 1e-3 || sd < 1e-6, `dim ${i} std ${sd}`);
  }
  // The PPO phase leaves the encoder as it was.
  const second = MetaLearner.create({ envId: 'AutoscalingPartial-v0', conditioning: 'embedding', encoder, encoderObjective: 'decoupled', decoupled: { rounds: 12, steps: 30, contextsPerBatch: 4 }, seed: 3, episodesPerUpdate: 1 }, train);
  await second.pretrain({ tasks: train, iterations: 3 });
  t.deepEqual(Array.from(second.encoder!.params.values), Array.from(afterWarmup));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meta-decoupled-'));
  try {
    await second.save(dir);
    const loaded = await MetaLearner.load(dir);
    const a = await second.adapt({ task: tasks[8], episodes: 1, warmup: 1, seed: 5 });
    const b = await loaded.adapt({ task: tasks[8], episodes: 1, warmup: 1, seed: 5 });
    t.deepEqual(b.returns, a.returns);
    // Equal embeddings mean the standardization travelled too: without it the loaded learner would see raw outputs.
    t.deepEqual(Array.from(b.embedding), Array.from(a.embedding));
    t.true(a.embedding.some((v) => v !== 0));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
