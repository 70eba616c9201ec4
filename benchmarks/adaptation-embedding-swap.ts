/**
 * Does FLASH's pretrained policy use its task embedding? (the diagnosis behind the adaptation results,
 * issue 7). Pretrains FLASH's learner exactly as the adaptation suite's `flash` runs do (preset `full`
 * unless `--quick`), embeds each held-out task from its 2 frozen warm-up episodes, then replays one
 * deterministic episode per task with its own embedding and asks, at every state of that episode, which
 * action the policy would take with another held-out task's embedding instead (the next task's, and an
 * all-zero one). A policy that ignores the embedding changes no action.
 *
 * Usage: node dist/benchmarks/adaptation-embedding-swap.js [--quick | --full] [--method flash|tlPlus] [--envs ID,ID] [--tasks N] [--seed S] [--out FILE]
 * Prints one Markdown row per env and writes the figures as JSON to `--out` (if given).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import '../envs/index.js';
import type { Env } from '../envs/core/env.js';
import { make } from '../envs/registry/registry.js';
import { MetaLearner } from '../meta/procedures.js';
import type { Task } from '../envs/tasks/task.js';
import { adaptationPreset, flashLearnerSettings, pretrainIterationsOf, suiteTasks, type AdaptationSuiteConfig } from './adaptation.js';

/** What the swap measured on one env. */
export interface EmbeddingSwapResult {
  readonly envId: string;
  readonly tasks: number;
  readonly steps: number;
  /** Fraction of states at which another task's embedding changes the deterministic action. */
  readonly actionsChangedBySwap: number;
  /** The same with an all-zero embedding. */
  readonly actionsChangedByZero: number;
  /** Mean over tasks of ‖e_i − e_next‖ / mean ‖e‖: how far apart the swapped embeddings are. */
  readonly relativeDistance: number;
  /** Mean return of the replayed episodes (own embedding). */
  readonly meanReturn: number;
}

const norm = (v: Float32Array): number => Math.sqrt(v.reduce((a, x) => a + x * x, 0));

function conditioned(observation: Float32Array, embedding: Float32Array): Float32Array {
  const out = new Float32Array(observation.length + embedding.length);
  out.set(observation, 0);
  out.set(embedding, observation.length);
  return out;
}

/**
 * Pretrains `method`'s learner on `envId` as the suite does (FLASH: its learned embedding; TL+: the
 * fingerprint, a task vector known to separate tasks), then measures the swap on `tasks` held-out tasks.
 */
export async function embeddingSwap(config: AdaptationSuiteConfig, envId: string, tasks: number, seed: number, method: 'flash' | 'tlPlus' = 'flash'): Promise<EmbeddingSwapResult> {
  const { train, heldOut } = suiteTasks(config, envId);
  const learner = MetaLearner.create(method === 'flash' ? { envId, ...flashLearnerSettings(config), seed } : { envId, conditioning: 'fingerprint', seed }, train);
  await learner.pretrain({ tasks: train, iterations: pretrainIterationsOf(config, envId) });
  return measureEmbeddingSwap(learner, envId, heldOut.slice(0, tasks), config.warmupEpisodes, seed);
}

/**
 * The swap measurement on a pretrained, conditioned learner: each task's vector is the one the learner
 * holds after `warmup` frozen episodes on it; the replayed episode asks the policy, at every state, for
 * its action under the task's own vector, the next task's and an all-zero one.
 */
export async function measureEmbeddingSwap(learner: MetaLearner, envId: string, chosen: readonly Task[], warmup: number, seed: number): Promise<EmbeddingSwapResult> {
  if (chosen.length < 2) throw new RangeError(`embedding swap: needs at least 2 held-out tasks, got ${chosen.length}`);
  const embeddings: Float32Array[] = [];
  for (const [i, task] of chosen.entries()) {
    const { embedding } = await learner.adapt({ task, episodes: 0, warmup, seed: 1_000_000 + seed * 1000 + i });
    embeddings.push(embedding);
  }
  if (embeddings[0].length === 0) throw new RangeError('embedding swap: the learner is not conditioned (no task vector to swap)');
  const zero = new Float32Array(embeddings[0].length);
  const meanNorm = embeddings.reduce((a, e) => a + norm(e), 0) / embeddings.length;
  let steps = 0;
  let swapped = 0;
  let zeroed = 0;
  let distance = 0;
  let returns = 0;
  for (const [i, task] of chosen.entries()) {
    const own = embeddings[i];
    const other = embeddings[(i + 1) % embeddings.length];
    distance += norm(own.map((x, k) => x - other[k])) / Math.max(meanNorm, 1e-12);
    const env = make(envId) as Env<Float32Array, number>;
    let { observation } = env.reset({ seed: 2_000_000 + seed * 1000 + i, options: { task } });
    for (;;) {
      const action = learner.agent.predict(conditioned(observation, own), { deterministic: true }) as number;
      if (learner.agent.predict(conditioned(observation, other), { deterministic: true }) !== action) swapped++;
      if (learner.agent.predict(conditioned(observation, zero), { deterministic: true }) !== action) zeroed++;
      steps++;
      const r = env.step(action);
      returns += r.reward;
      observation = r.observation;
      if (r.terminated || r.truncated) break;
    }
    env.close();
  }
  return { envId, tasks: chosen.length, steps, actionsChangedBySwap: swapped / steps, actionsChangedByZero: zeroed / steps, relativeDistance: distance / chosen.length, meanReturn: returns / chosen.length };
}

async function main(argv: string[]): Promise<void> {
  const arg = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const config = adaptationPreset(argv.includes('--quick') ? 'quick' : 'full');
  const envIds = (arg('--envs') ?? 'Autoscaling-v0,AutoscalingPartial-v0').split(',').filter((id) => id.length > 0);
  const tasks = Number(arg('--tasks') ?? 10);
  const seed = Number(arg('--seed') ?? 0);
  if (!Number.isInteger(tasks) || tasks < 2) throw new RangeError(`--tasks must be an integer ≥ 2, got ${String(arg('--tasks'))}`);
  if (!Number.isInteger(seed) || seed < 0) throw new RangeError(`--seed must be an integer ≥ 0, got ${String(arg('--seed'))}`);
  const method = arg('--method') ?? 'flash';
  if (method !== 'flash' && method !== 'tlPlus') throw new RangeError(`--method must be "flash" or "tlPlus", got ${method}`);
  const results: EmbeddingSwapResult[] = [];
  console.log('| env | pretraining iterations | states | actions changed by another task\'s embedding | by a zero embedding | ‖e_i − e_j‖ / mean ‖e‖ | mean return |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const envId of envIds) {
    const r = await embeddingSwap(config, envId, tasks, seed, method);
    results.push(r);
    console.log(`| ${envId} | ${pretrainIterationsOf(config, envId)} | ${r.steps} | ${(100 * r.actionsChangedBySwap).toFixed(1)}% | ${(100 * r.actionsChangedByZero).toFixed(1)}% | ${r.relativeDistance.toFixed(3)} | ${r.meanReturn.toFixed(2)} |`);
  }
  const out = arg('--out');
  if (out !== undefined) {
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, JSON.stringify({ preset: config.preset, method, seed, results }, null, 2));
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  main(process.argv.slice(2)).catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
