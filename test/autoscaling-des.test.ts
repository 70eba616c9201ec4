import test from 'ava';
import { Rng } from '../envs/rng/index.js';
import { autoscalingTasks, serviceModel, simulateRequests, steadyState } from '../envs/autoscaling/index.js';

// The analytic model (M/G/c by Allen–Cunneen, p95 from its tail) against the request-level
// discrete-event fidelity, on stable loads of catalog applications with varied replicas and CPU limits.
test('analytic mean latency is within 10% of the discrete-event simulation across catalog apps', (t) => {
  const tasks = autoscalingTasks.catalog(120, 11);
  const rng = new Rng(5);
  const replicaChoices = [1, 2, 4, 8, 16];
  const cpuChoices = [512, 1024, 2048];
  let compared = 0;
  for (let i = 0; i < 16; i++) {
    const task = tasks[i * 7];
    const replicas = replicaChoices[i % replicaChoices.length];
    const cpu = cpuChoices[i % cpuChoices.length];
    // Include memory pressure (limit 90% of the footprint) on some apps: it slows CPU work in both models.
    const footprint = serviceModel(task.segments, cpu, 3072).footprintMiB;
    const memory = i % 4 === 3 ? Math.max(256, Math.ceil(0.9 * footprint)) : 3072;
    const model = serviceModel(task.segments, cpu, memory);
    const utilization = 0.5 + (0.2 * ((i * 7) % 10)) / 10;
    const rate = (utilization * replicas) / model.meanS;
    const durationS = 15_000 / rate;
    const des = simulateRequests({ segments: task.segments, config: { replicas, cpuMillicores: cpu, memoryMiB: memory }, arrivalRate: rate, durationS, warmupS: 0.1 * durationS, rng });
    const analytic = steadyState(rate, model, replicas, 1e9);
    const label = `${task.id} (${task.segments.map((s) => s.name).join('+')}), c=${replicas}, ${cpu} m, ${memory} MiB, ρ=${utilization.toFixed(2)}`;
    t.true(Math.abs(des.meanLatencyS / analytic.meanLatencyS - 1) < 0.1, `mean: DES ${des.meanLatencyS} vs analytic ${analytic.meanLatencyS} for ${label}`);
    t.true(Math.abs(des.p95LatencyS / analytic.p95LatencyS - 1) < 0.15, `p95: DES ${des.p95LatencyS} vs analytic ${analytic.p95LatencyS} for ${label}`);
    // The DES's replicas are busy ρ of the time, as the model says.
    t.true(Math.abs(des.busyFraction - utilization) < 0.05, `busy ${des.busyFraction} vs ρ ${utilization} for ${label}`);
    compared++;
  }
  t.is(compared, 16);
});

test('the DES fails requests at the model’s OOM fraction when memory is far below the footprint', (t) => {
  const segments = [{ name: 'matrixMultiplication' as const, scale: 2 }];
  const footprint = serviceModel(segments, 1024, 3072).footprintMiB;
  const memory = Math.round(0.65 * footprint);
  const model = serviceModel(segments, 1024, memory);
  t.true(model.failureFraction > 0.3 && model.failureFraction < 0.7);
  const des = simulateRequests({ segments, config: { replicas: 4, cpuMillicores: 1024, memoryMiB: memory }, arrivalRate: 5, durationS: 2000, rng: new Rng(1) });
  t.true(Math.abs(des.failed / des.requests - model.failureFraction) < 0.03, `${des.failed / des.requests} vs ${model.failureFraction}`);
});

test('the DES is deterministic for a seed', (t) => {
  const run = (): unknown => simulateRequests({ segments: [{ name: 's3Read', scale: 1 }], config: { replicas: 3, cpuMillicores: 512, memoryMiB: 512 }, arrivalRate: 20, durationS: 100, rng: new Rng(9) });
  t.deepEqual(run(), run());
});
