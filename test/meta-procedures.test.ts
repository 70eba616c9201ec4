import test from 'ava';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DDPG } from '../agents/ddpg.js';
import { DQN } from '../agents/dqn.js';
import { PPO } from '../agents/ppo.js';
import '../envs/index.js';
import { autoscalingTasks } from '../envs/autoscaling/index.js';
import type { Env } from '../envs/core/env.js';
import { make } from '../envs/registry/registry.js';
import { TaskConditioningWrapper } from '../meta/conditioning-wrapper.js';
import { DriftDetector } from '../meta/drift-detector.js';
import { createTaskEncoder } from '../meta/encoders/create-encoder.js';
import { learnedEmbedding } from '../meta/embedding-source.js';
import { MetaLearner } from '../meta/procedures.js';
import { euclidean } from '../meta/similarity.js';

const tasks = autoscalingTasks.catalog(8, 3);
const encoder = { kind: 'gru', hiddenSize: 8, embeddingSize: 4, maxSteps: 10 } as const;

function conditioned(envId: string, seed: number): TaskConditioningWrapper {
  const env = make(envId) as Env<unknown, unknown>;
  const enc = createTaskEncoder({ ...encoder, observationSize: 9, actionSize: envId === 'Autoscaling-v0' ? 7 : 3 }, seed);
  return new TaskConditioningWrapper(env, { source: learnedEmbedding(enc), bufferCapacity: 4 });
}

test('the wrapper extends the observation and runs with PPO, DQN and DDPG unchanged', async (t) => {
  const agents = [
    () => { const w = conditioned('Autoscaling-v0', 1); return { w, agent: new PPO(w, { seed: 1, nSteps: 50, batchSize: 25, nEpochs: 1, policyKwargs: { netArch: [8] } }) }; },
    () => { const w = conditioned('Autoscaling-v0', 2); return { w, agent: new DQN(w, { seed: 2, learningStarts: 20, bufferSize: 500, batchSize: 16, policyKwargs: { netArch: [8] } }) }; },
    () => { const w = conditioned('AutoscalingContinuous-v0', 3); return { w, agent: new DDPG(w, { seed: 3, learningStarts: 20, bufferSize: 500, batchSize: 16, policyKwargs: { netArch: [8] } }) }; },
  ];
  for (const build of agents) {
    const { w, agent } = build();
    t.is(agent.encoder.size, 9 + 4);
    w.setTask(tasks[0]);
    await agent.learn({ totalTimesteps: 120 });
    // At least two finished episodes of 50 steps went to the task's buffer, so the embedding is no longer the empty one.
    t.true(w.bufferOf(tasks[0].id).size >= 2, agent.algorithmName);
    t.is(w.task?.id, tasks[0].id);
  }
});

test('the wrapper rejects a Discrete space in concat mode, naming the fix', (t) => {
  const env = make('Autoscaling-v0') as Env<unknown, unknown>;
  const src = { size: 2, usesContext: false, embed: () => new Float32Array(2) };
  t.throws(() => new TaskConditioningWrapper(env, { source: src, mode: { kind: 'cluster', clusters: 2, cluster: () => 0 } }), { message: /mode "cluster" needs a Discrete observation space/ });
});

test('after a short seeded pretraining, embeddings of the same task are closer than of different tasks', async (t) => {
  const train = tasks.slice(0, 4);
  const learner = MetaLearner.create({ envId: 'Autoscaling-v0', conditioning: 'embedding', encoder, seed: 5, episodesPerUpdate: 1 }, train);
  await learner.pretrain({ tasks: train, iterations: 6 });
  const enc = learner.encoder!;
  // Two independent contexts (different env seeds) of each of three tasks, from the pretrained agent.
  const contextOf = (taskIndex: number, seed: number) => {
    const w = new TaskConditioningWrapper(make('Autoscaling-v0') as Env<unknown, unknown>, { source: learnedEmbedding(enc), bufferCapacity: 3 });
    w.setTask(tasks[taskIndex]);
    let obs = w.reset({ seed }).observation;
    for (let done = 0; done < 3; ) {
      const r = w.step(learner.agent.predict(obs));
      obs = r.observation;
      if (r.truncated || r.terminated) { done++; obs = w.reset().observation; }
    }
    return enc.embed(w.bufferOf(tasks[taskIndex].id).snapshot());
  };
  const ids = [4, 5, 6];
  const a = ids.map((i) => contextOf(i, 100 + i));
  const b = ids.map((i) => contextOf(i, 200 + i));
  let within = 0;
  let between = 0;
  for (let i = 0; i < 3; i++) {
    within += euclidean(a[i], b[i]) / 3;
    for (let j = 0; j < 3; j++) if (i !== j) between += euclidean(a[i], b[j]) / 6;
  }
  t.true(within < between, `within ${within} vs between ${between}`);
});

test('pretrain → save → load → adapt reproduces the adaptation exactly', async (t) => {
  const train = tasks.slice(0, 3);
  const learner = MetaLearner.create({ envId: 'Autoscaling-v0', conditioning: 'embedding', encoder, seed: 7, episodesPerUpdate: 1 }, train);
  await learner.pretrain({ tasks: train, iterations: 3 });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meta-learner-'));
  try {
    await learner.save(dir);
    const loaded = await MetaLearner.load(dir);
    const a = await learner.adapt({ task: tasks[5], episodes: 2, warmup: 1, seed: 11 });
    const b = await loaded.adapt({ task: tasks[5], episodes: 2, warmup: 1, seed: 11 });
    t.is(a.returns.length, 3);
    t.deepEqual(b.returns, a.returns);
    t.deepEqual(Array.from(b.embedding), Array.from(a.embedding));
    await t.throwsAsync(() => MetaLearner.load(path.join(dir, 'missing')), { message: /does not exist/ });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("drift detector: AWARE's rule over a full window", (t) => {
  const d = new DriftDetector({ window: 3, meanBelow: 10, stdAtLeast: 5 });
  t.false(d.push(20));
  t.false(d.push(21));
  t.false(d.push(22)); // mean 21, std 0.8
  t.true(d.push(8)); // window [21, 22, 8]: std 6.4 >= 5
  d.reset();
  t.false(d.push(5));
  t.false(d.push(5));
  t.true(d.push(5)); // mean 5 < 10
  t.throws(() => new DriftDetector({ meanBelow: NaN }), { message: /meanBelow must be a finite number/ });
});
