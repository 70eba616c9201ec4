import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { embeddingPointsByEnv, envSlug } from '../benchmarks/adaptation-figures.js';
import { adaptationPreset, adaptationUnits, episodesToAdapt, pretrainIterationsOf, spearmanCi95, suiteTasks, summarize, type AdaptationRunResult } from '../benchmarks/adaptation.js';
import { adaptationConfig } from '../benchmarks/suites/adaptation.js';

test('the full preset meets issue 7: 3 seeds, at least 20 held-out apps of Autoscaling-v0, CongestionControl-v0 held-out links', (t) => {
  const full = adaptationPreset('full');
  t.is(full.seeds.length, 3);
  t.true(full.heldOutTasks >= 20);
  t.true(full.envIds.includes('Autoscaling-v0'));
  t.true(full.envIds.includes('CongestionControl-v0'));
  for (const envId of full.envIds) {
    const { train, heldOut } = suiteTasks(full, envId);
    t.is(heldOut.length, full.heldOutTasks, envId);
    t.is(train.length, full.trainTasks, envId);
    const trainIds = new Set(train.map((task) => task.id));
    t.false(heldOut.some((task) => trainIds.has(task.id)), `${envId}: a held-out task is also a training task`);
  }
  // Every (env, seed, method, held-out task) once.
  const units = adaptationUnits(full);
  t.is(units.length, full.envIds.length * 3 * 5 * full.heldOutTasks);
  t.is(new Set(units.map((u) => JSON.stringify(u))).size, units.length);
});

test('full pretrains CongestionControl-v0 for fewer iterations; an explicit --iterations applies to every env', (t) => {
  const full = adaptationConfig({ size: 'full' });
  t.is(pretrainIterationsOf(full, 'Autoscaling-v0'), 3000);
  t.is(pretrainIterationsOf(full, 'CongestionControl-v0'), 300);
  const overridden = adaptationConfig({ size: 'full', iterations: 50 });
  t.is(pretrainIterationsOf(overridden, 'Autoscaling-v0'), 50);
  t.is(pretrainIterationsOf(overridden, 'CongestionControl-v0'), 50);
  t.is(pretrainIterationsOf(adaptationConfig({ size: 'quick' }), 'Autoscaling-v0'), 300);
});

test("FLASH's encoder is trained decoupled in both presets; its encoder phase shrinks with --iterations, never to 0", (t) => {
  for (const size of ['quick', 'full'] as const) t.is(adaptationPreset(size).encoderObjective, 'decoupled', size);
  t.deepEqual(adaptationConfig({ size: 'quick' }).decoupled, adaptationPreset('quick').decoupled);
  // quick: 100 rounds and 150 steps at 300 iterations; at 30 iterations a tenth, at 1 iteration at least 1 of each.
  t.deepEqual(adaptationConfig({ size: 'quick', iterations: 30 }).decoupled, { rounds: 10, steps: 15, contextsPerBatch: 8 });
  t.deepEqual(adaptationConfig({ size: 'quick', iterations: 1 }).decoupled, { rounds: 1, steps: 1, contextsPerBatch: 8 });
  // More iterations than the preset's do not grow it.
  t.deepEqual(adaptationConfig({ size: 'quick', iterations: 3000 }).decoupled, adaptationPreset('quick').decoupled);
});

test('the quick preset (npm start, CI) keeps its meaning: Autoscaling-v0, 3 seeds × 20 held-out apps, 300 iterations', (t) => {
  const quick = adaptationPreset('quick');
  t.deepEqual(quick.envIds, ['Autoscaling-v0']);
  t.deepEqual(quick.seeds, [0, 1, 2]);
  t.is(quick.heldOutTasks, 20);
  t.is(quick.pretrainIterations, 300);
  t.is(quick.adaptEpisodes, 6);
});

test('episodesToAdapt: first episode whose 2-episode average reaches 90% of the converged return', (t) => {
  // Converged = mean(10, 10) = 10, threshold 9: the 2-episode averages are 0, 3, 8, 9.5 → episode 4.
  t.is(episodesToAdapt([0, 6, 10, 9, 10, 10]), 4);
  // Negative returns: converged −10, threshold −11; averages −30, −20, −11 → episode 3.
  t.is(episodesToAdapt([-30, -10, -12, -10, -10]), 3);
  t.is(episodesToAdapt([5, 5, 5]), 1);
});

test('spearmanCi95 is the Fisher-z interval with variance 1.06/(n − 3)', (t) => {
  // ρ = 0.5, n = 20: z = 0.549306, se = 0.249706, tanh(1.038729) = 0.777386, tanh(0.059883) = 0.059811.
  t.true(Math.abs(spearmanCi95(0.5, 20) - (0.777386 - 0.059811) / 2) < 1e-5);
  t.true(Number.isNaN(spearmanCi95(0.5, 3)));
});

function run(method: AdaptationRunResult['method'], taskIndex: number, episodes: number, predictedCost?: number): AdaptationRunResult {
  return { envId: 'Autoscaling-v0', method, taskIndex, seed: 0, taskId: `t${taskIndex}`, returns: [], trainReference: 1, zeroShotReturn: 1, zeroShotDegradation: 0, episodesToAdapt: episodes, ...(predictedCost === undefined ? {} : { predictedCost }) };
}

test('summarize: speed-up against TL on the same task, and the cost-prediction Spearman as FLASH\'s metric', (t) => {
  const config = { ...adaptationPreset('quick'), seeds: [0], heldOutTasks: 5 };
  const flashEpisodes = [2, 4, 3, 8, 6];
  // Episode ranks 1 3 2 5 4; predicted ranks 1 3 2 4 5 (the last two swapped): ρ = 1 − 6·2/(5·24) = 0.9.
  const predicted = [0.1, 0.3, 0.2, 0.4, 0.5];
  const runs = [
    ...flashEpisodes.map((e, i) => run('flash', i, e, predicted[i])),
    ...[4, 4, 6, 8, 6].map((e, i) => run('tl', i, e)),
  ];
  const summary = summarize(config, runs);
  const flash = summary.results['Autoscaling-v0'].flash;
  t.true(Math.abs(flash.speedupVsTL.mean - (2 + 1 + 2 + 1 + 1) / 5) < 1e-12);
  t.true(Math.abs(summary.costPrediction['Autoscaling-v0'].spearman - 0.9) < 1e-12);
  t.is(flash.predictedCostSpearman.mean, summary.costPrediction['Autoscaling-v0'].spearman);
  t.is(flash.predictedCostSpearman.ci95, spearmanCi95(0.9, 5));
  t.false("predictedCostSpearman" in summary.results["Autoscaling-v0"].tl);
});

test('adaptation figures: one embedding projection per env, read from the embedding runs of a results file', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'adaptation-figures-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const record = (env: string, method: string, metrics: Record<string, unknown>) =>
    JSON.stringify({ key: `${env}|${method}`, status: 'ok', run: { key: `${env}|${method}`, env, method, task: 'all', seed: 0, params: {} }, metrics, timing: { seconds: 1 } });
  const points = [{ x: 1, y: 2, label: 'a', group: 'cpu', heldOut: false }, { x: -1, y: 0, label: 'b', group: 'io', heldOut: true }, { x: 'bad', y: 0 }];
  writeFileSync(join(dir, 'results.jsonl'), [record('AutoscalingPartial-v0', 'embedding', { embedding: points, explainedVariance: [0.7, 0.2] }), record('Autoscaling-v0', 'flash', { episodesToAdapt: 2 })].join('\n') + '\n');
  const byEnv = embeddingPointsByEnv(dir);
  t.deepEqual([...byEnv.keys()], ['AutoscalingPartial-v0']);
  t.deepEqual(byEnv.get('AutoscalingPartial-v0'), { points: [{ x: 1, y: 2, label: 'a', group: 'cpu', hollow: false }, { x: -1, y: 0, label: 'b', group: 'io', hollow: true }], explained: [0.7, 0.2] });
  t.is(envSlug('AutoscalingPartial-v0'), 'autoscalingpartial');
  t.is(envSlug('CongestionControl-v0'), 'congestioncontrol');
});
