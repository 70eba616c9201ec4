import test from 'ava';
import { checkEnv } from '../envs/checker/index.js';
import type { Env } from '../envs/core/env.js';
import { InvalidActionError, InvalidOptionError } from '../envs/core/errors.js';
import {
  ConfigSearchEnv,
  SCOUT_CONFIGURATIONS,
  SCOUT_NODE_COUNTS,
  SCOUT_VM_TYPES,
  bayesianSearch,
  configSearchTasks,
  dataset,
  randomSearch,
  runCost,
  runtimeBreakdown,
  searchProblem,
  trueRuntime,
  type JobTask,
} from '../envs/configsearch/index.js';
import { make } from '../envs/registry/index.js';
import { Rng } from '../envs/rng/rng.js';

const cpuBound: JobTask = {
  id: 'cpu-bound',
  kind: 'job',
  inputGB: 100,
  secondsPerGB: 100,
  cpuFraction: 1,
  memoryFraction: 0,
  ioFraction: 0,
  networkFraction: 0,
  parallelFraction: 1,
  memoryPerGB: 0,
  shuffleOverhead: 1,
  setupSeconds: 20,
  deadline: 5000,
  noise: 0.05,
};

const configsOf = (type: number) => SCOUT_CONFIGURATIONS.filter((c) => c.vm === SCOUT_VM_TYPES[type]);

test('runtime model: a fully parallel CPU-bound job never slows with more nodes, and scales as 1/cores', (t) => {
  for (let type = 0; type < SCOUT_VM_TYPES.length; type++) {
    const configs = configsOf(type);
    for (let i = 1; i < configs.length; i++) t.true(trueRuntime(cpuBound, configs[i]) <= trueRuntime(cpuBound, configs[i - 1]));
    const c = configs[0];
    const expected = cpuBound.setupSeconds + (100 * 100) / (c.nodes * c.vm.vcpus * c.vm.cpuSpeed);
    t.true(Math.abs(trueRuntime(cpuBound, c) - expected) < 1e-9);
  }
});

test('runtime model: monotone in resources for sampled jobs; spill and shuffle terms behave as documented', (t) => {
  for (const job of configSearchTasks.catalog(30, 3)) {
    // A bigger VM of the same family and node count is never slower (every resource grows).
    for (const family of ['c', 'm', 'r']) {
      for (const nodes of SCOUT_NODE_COUNTS) {
        const sizes = SCOUT_CONFIGURATIONS.filter((c) => c.vm.family === family && c.nodes === nodes);
        for (let i = 1; i < sizes.length; i++) t.true(trueRuntime(job, sizes[i]) <= trueRuntime(job, sizes[i - 1]) + 1e-9);
      }
    }
    for (const c of SCOUT_CONFIGURATIONS) {
      const b = runtimeBreakdown(job, c);
      t.true(b.total >= job.setupSeconds);
      t.true(Math.abs(b.total - (b.setup + b.cpu + b.memory + b.io + b.network + b.spill)) < 1e-9);
    }
  }
  // Spill: a working set beyond 60% of cluster memory costs 2 × the excess over the cluster's disks.
  const spilling = { ...cpuBound, memoryPerGB: 4 };
  const c = configsOf(0)[0];
  const excessGB = 100 * 4 - c.nodes * c.vm.memoryGiB * 0.6;
  t.true(Math.abs(runtimeBreakdown(spilling, c).spill - (2 * excessGB * 1024) / (c.nodes * c.vm.diskMBps)) < 1e-9);
  t.is(runtimeBreakdown(cpuBound, configsOf(8)[7]).spill, 0, "no working set, no spill");
  // Shuffle: with only per-node overhead (no data), network time grows linearly with the nodes.
  const chatty = { ...cpuBound, cpuFraction: 0, networkFraction: 1, inputGB: 1e-9 };
  const net = configsOf(4).map((cfg) => runtimeBreakdown(chatty, cfg).network);
  for (let i = 1; i < net.length; i++) t.true(net[i] > net[i - 1]);
  // Cost = runtime × nodes × hourly price.
  t.true(Math.abs(runCost(3600, c) - c.nodes * c.vm.hourlyPrice) < 1e-12);
});

test('the oracle is the brute-force cheapest configuration meeting the deadline', (t) => {
  for (const task of configSearchTasks.catalog(25, 9)) {
    const problem = searchProblem(task);
    let best = -1;
    for (let i = 0; i < SCOUT_CONFIGURATIONS.length; i++) {
      const c = SCOUT_CONFIGURATIONS[i];
      const runtime = trueRuntime(task, c);
      if (runtime > task.deadline) continue;
      if (best < 0 || runCost(runtime, c) < runCost(trueRuntime(task, SCOUT_CONFIGURATIONS[best]), SCOUT_CONFIGURATIONS[best])) best = i;
    }
    t.is(problem.optimum, best);
    t.true(problem.feasible.reduce((a, b) => a + b, 0) < SCOUT_CONFIGURATIONS.length || task.deadline > Math.max(...problem.trueRuntimes));
  }
});

test('Bayesian optimization beats random search on average with the same budget (seeded)', (t) => {
  const tasks = configSearchTasks.catalog(30, 11);
  const bo = bayesianSearch();
  let random = 0;
  let bayes = 0;
  tasks.forEach((task, k) => {
    const problem = searchProblem(task);
    for (let s = 0; s < 2; s++) {
      random += randomSearch(problem, 10, new Rng(100 * k + s)).regret;
      bayes += bo(problem, 10, new Rng(100 * k + s)).regret;
    }
  });
  t.true(bayes < 0.7 * random, `mean regret: BO ${(bayes / 60).toFixed(3)}, random ${(random / 60).toFixed(3)}`);
  // Searches are deterministic for a seed and never repeat a configuration.
  const problem = searchProblem(tasks[0]);
  const a = bo(problem, 10, new Rng(1));
  t.deepEqual(bo(problem, 10, new Rng(1)).trials, a.trials);
  t.is(new Set(a.trials).size, 10);
});

test('ConfigSearch-v0: registered, checkEnv, mask of untried configs, improvement rewards and final regret', (t) => {
  const env = make<Float32Array, number>('ConfigSearch-v0', { sampleTasks: true });
  t.deepEqual(checkEnv(env, { throwOnError: false }).filter((f) => f.level === 'error'), []);
  const task = configSearchTasks.catalog(3, 5)[2];
  const e = new ConfigSearchEnv({ task, budget: 10 });
  const problem = searchProblem(task);
  const first = e.reset({ seed: 0 });
  t.is(first.observation.length, 11);
  t.deepEqual(Array.from(first.info.actionMask as Int8Array), Array(72).fill(1));
  let total = 0;
  let best = problem.worstCost;
  const order = [problem.optimum, 0, 71, 5, 9, 13, 20, 33, 40, 55];
  for (let i = 0; i < 10; i++) {
    const r = e.step(order[i]);
    total += r.reward;
    const mask = r.info.actionMask as Int8Array;
    t.is(mask.reduce((a, b) => a + b, 0), 72 - (i + 1));
    t.is(mask[order[i]], 0);
    t.is(r.terminated, i === 9);
    t.true(Math.abs(r.observation[10] - (10 - i - 1) / 10) < 1e-6, 'trials left');
    if (r.info.qualifies && (r.info.cost as number) < best) best = r.info.cost as number;
    if (r.terminated) {
      const incumbent = r.info.incumbent as number;
      const regret = (problem.trueCosts[incumbent] - problem.optimalCost) / problem.optimalCost;
      t.true(Math.abs((r.info.regret as number) - regret) < 1e-12);
      // Rewards telescope: (worst − best measured) / optimum − regret.
      t.true(Math.abs(total - ((Math.max(problem.worstCost, best) - best) / problem.optimalCost - regret)) < 1e-9);
    }
  }
});

test('ConfigSearch-v0 is deterministic for a seed; reset options switch the task', (t) => {
  const rollout = (seed: number): number[] => {
    const env = make<Float32Array, number>('ConfigSearch-v0', { sampleTasks: true });
    const out: number[] = [];
    const rng = new Rng(seed);
    for (let ep = 0; ep < 3; ep++) {
      out.push(...env.reset(ep === 0 ? { seed } : {}).observation);
      let done = false;
      while (!done) {
        const r = env.step(rng.integers(0, 72));
        out.push(...r.observation, r.reward);
        done = r.terminated || r.truncated;
      }
    }
    return out;
  };
  t.deepEqual(rollout(4), rollout(4));
  t.notDeepEqual(rollout(4), rollout(5));
  const env = new ConfigSearchEnv();
  const other = configSearchTasks.catalog(5, 1)[4];
  env.reset({ options: { task: other } });
  t.is(env.task.id, other.id);
});

test('supervised dataset: one row per job × configuration, matching the model', (t) => {
  const tasks = configSearchTasks.catalog(4, 2);
  const data = dataset(tasks);
  t.is(data.rows.length, 4 * 72);
  t.is(data.rows[0].job.length, data.jobFeatureNames.length);
  t.is(data.rows[0].config.length, data.configFeatureNames.length);
  const row = data.rows[72 + 10];
  t.is(row.taskId, tasks[1].id);
  t.is(row.runtime, trueRuntime(tasks[1], SCOUT_CONFIGURATIONS[10]));
  t.is(row.meetsDeadline, row.runtime <= tasks[1].deadline);
  const noisy = dataset(tasks, new Rng(0));
  t.deepEqual(dataset(tasks, new Rng(0)).rows.map((r) => r.runtime), noisy.rows.map((r) => r.runtime));
  const ratio = noisy.rows.map((r, i) => Math.log(r.runtime / data.rows[i].runtime));
  t.true(ratio.some((x) => x !== 0) && ratio.every((x) => Math.abs(x) < 0.6));
});

test('catalog, split, fingerprints; malformed tasks, options and actions raise clear errors', (t) => {
  const catalog = configSearchTasks.catalog(10, 1);
  t.deepEqual(configSearchTasks.catalog(10, 1), catalog);
  for (const task of catalog) t.is(configSearchTasks.fingerprint(task).length, configSearchTasks.fingerprintNames.length);
  t.is(configSearchTasks.split(catalog, { train: 7, seed: 0 }).heldOut.length, 3);
  t.throws(() => configSearchTasks.validate({ ...cpuBound, cpuFraction: 0.5 }), { message: /cpuFraction\+memoryFraction\+ioFraction\+networkFraction.*sum to 1/ });
  t.throws(() => configSearchTasks.validate({ ...cpuBound, deadline: 1 }), { message: /"deadline" = 1.*fastest takes/ });
  t.throws(() => configSearchTasks.validate({ ...cpuBound, parallelFraction: 2 }), { message: /parallelFraction.*\[0, 1\]/ });
  t.throws(() => configSearchTasks.validate({ ...cpuBound, kind: 'batch' }), { message: /kind/ });
  t.throws(() => make('ConfigSearch-v0', { budget: 0 }), { instanceOf: InvalidOptionError, message: /budget.*\[1, 1000\]/ });
  const env = make<Float32Array, number>('ConfigSearch-v0');
  t.throws(() => env.reset({ options: { task: { ...cpuBound, inputGB: -5 } } }), { instanceOf: InvalidOptionError, message: /inputGB/ });
  t.throws(() => env.reset({ options: { budget: 3 } }), { instanceOf: InvalidOptionError, message: /unknown option "budget"; allowed: task/ });
  env.reset({ seed: 0 });
  t.throws(() => (env as Env<Float32Array, unknown>).step(72), { instanceOf: InvalidActionError, message: /Discrete\(72\)/ });
  t.throws(() => (env as Env<Float32Array, unknown>).step(1.5), { instanceOf: InvalidActionError });
});
