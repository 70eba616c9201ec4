import test from 'ava';
import { InvalidActionError, InvalidOptionError } from '../envs/core/errors.js';
import { ConfigSearchEnv, ibmReplayTasks, loadIbmMultiCloudCsv, parseCsv, parseIbmMultiCloudCsv, searchProblem } from '../envs/configsearch/index.js';
import { Rng } from '../envs/rng/rng.js';
import { referencePath } from './helpers/paths.js';

const table = loadIbmMultiCloudCsv(referencePath('ibm-multi-cloud-configuration.csv'));

test('loads the real IBM multi-cloud table: 2,507 runs, 30 workloads, 88 configurations', (t) => {
  t.is(table.runs.length, 2507);
  t.is(table.workloads.length, 30);
  t.is(table.configurations.length, 88);
  // Providers: A 3 families × 2 vCPU × 4 node counts, B 2 × 2 × 4, C 2 × 3 × 2 × 4.
  const byProvider = (p: string) => table.configurations.filter((c) => c.provider === p).length;
  t.deepEqual([byProvider('A'), byProvider('B'), byProvider('C')], [24, 16, 48]);
  // Failed runs are kept as recorded: 2,202 ok, 67 timed out, the rest errors.
  t.is(table.runs.filter((r) => r.status === 'ok').length, 2202);
  t.is(table.runs.filter((r) => r.status === 'Timed out.').length, 67);
  // The first data row, exactly.
  t.like(table.runs[0], { line: 2, provider: 'C', params: { family: 1, type: 1, vcpu: 1 }, nodes: 3, workload: 'buzz-logistic_regression', status: 'ok' });
  t.is(table.runs[0].runtime, 188.85764694213867);
  // 82 configurations were ever run (provider quotas kept 6 of B's from running).
  t.is(new Set(table.runs.map((r) => table.configurationOf(r))).size, 82);
  for (const c of table.configurations) t.true(c.features.every((f) => f >= 0 && f <= 1) && c.features.length === table.featureNames.length);
});

test('replay tasks replay the measured runs, failures included; unmeasured configurations cannot be tried', (t) => {
  const tasks = ibmReplayTasks(table);
  t.is(tasks.length, 28, 'buzz- and santander-spectral_clustering never succeeded and have no solution');
  t.false(tasks.some((x) => x.id === 'ibm-buzz-spectral_clustering' || x.id === 'ibm-santander-spectral_clustering'));
  t.is(ibmReplayTasks(table, { failedRuns: 'qualify' }).length, 30);
  const task = tasks.find((x) => x.id === 'ibm-buzz-logistic_regression');
  if (task === undefined) return t.fail();
  const problem = searchProblem(task);
  // Brute force over the table: the cheapest mean cost of successful runs.
  let best = Infinity;
  task.runs.forEach((runs) => {
    const ok = runs.filter((r) => r.status === 'ok');
    if (ok.length > 0) best = Math.min(best, ok.reduce((s, r) => s + r.cost, 0) / ok.length);
  });
  t.is(problem.optimalCost, best);
  const env = new ConfigSearchEnv({ task });
  const { info } = env.reset({ seed: 1 });
  const mask = info.actionMask as Int8Array;
  t.is(mask.reduce((a, b) => a + b, 0), task.runs.filter((r) => r.length > 0).length);
  const never = task.runs.findIndex((r) => r.length === 0);
  t.throws(() => env.step(never), { instanceOf: InvalidActionError, message: /never measured/ });
  const tried = task.runs.findIndex((r) => r.length > 0);
  const r = env.step(tried);
  t.true(task.runs[tried].some((run) => run.runtime === r.info.runtime && run.cost === r.info.cost), 'a recorded run');
  // A failed run is measured but never qualifies.
  const failing = task.runs.findIndex((runs) => runs.length > 0 && runs.every((run) => run.status !== 'ok'));
  if (failing >= 0) t.false(env.step(failing).info.qualifies);
  // With a deadline, a replay task's deadline is a multiple of the fastest configuration.
  const timed = ibmReplayTasks(table, { deadlineFactor: 2 })[0];
  t.true(timed.deadline !== null && timed.deadline > 0);
  t.throws(() => ibmReplayTasks(table, { deadlineFactor: 0.5 }), { instanceOf: InvalidOptionError, message: /deadlineFactor/ });
  t.is(searchProblem(task).measure(tried, new Rng(3)).runtime, searchProblem(task).measure(tried, new Rng(3)).runtime);
});

test('CSV parsing handles quoted commas and quotes; malformed tables name line and column', (t) => {
  t.deepEqual(parseCsv('a,"b, ""c""",d\r\n1,2,3\n'), [['a', 'b, "c"', 'd'], ['1', '2', '3']]);
  const header = ',provider,A_family,A_vcpu,B_family,nodes,workload,target_cost,target_runtime,status\n';
  t.throws(() => parseIbmMultiCloudCsv(header + '0,A,1,x,,3,w,0.1,10,ok\n'), { message: /line 2, column "A_vcpu" = "x"/ });
  t.throws(() => parseIbmMultiCloudCsv(header + '0,A,1,0,1,3,w,0.1,10,ok\n'), { message: /line 2, column "B_family" = "1" is set for provider "A"/ });
  t.throws(() => parseIbmMultiCloudCsv(header.replace('target_cost,', '') + '0,A,1,0,,3,w,10,ok\n'), { message: /missing column "target_cost"/ });
  t.throws(() => parseIbmMultiCloudCsv(header + '0,A,1,0,,3,w,0.1\n'), { message: /line 2 has 8 fields/ });
  const tiny = parseIbmMultiCloudCsv(header + '0,A,1,0,,3,w,0.1,10,ok\n1,B,,,0,2,w,0.2,5,"Timed out, again"\n');
  t.is(tiny.configurations.length, 4, 'A: 1 × 1 × 2 node counts; B: 1 × 2');
  t.is(tiny.runs[1].status, 'Timed out, again');
});
