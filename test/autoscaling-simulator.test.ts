import test from 'ava';
import {
  AutoscalingSimulator,
  CONFIG_LIMITS,
  PRESSURE_SLOWDOWN,
  emptyMetrics,
  resourceCost,
  serviceModel,
  steadyState,
  type ApplicationSegment,
} from '../envs/autoscaling/index.js';

const app: ApplicationSegment[] = [{ name: 'imageResize', scale: 1 }, { name: 's3Read', scale: 1 }];
const options = { controlIntervalS: 30, coldStartS: 5, timeoutS: 30 };

test('service time: CPU work scales with the CPU limit up to the segment’s parallelism; waits do not', (t) => {
  // imageResize: 80 ms CPU (1 core max); s3Read: 10 ms CPU + 60 ms wait.
  const at1 = serviceModel(app, 1000, 3072).meanS;
  const atHalf = serviceModel(app, 500, 3072).meanS;
  const at2 = serviceModel(app, 2000, 3072).meanS;
  t.true(Math.abs(at1 - 0.15) < 1e-12);
  t.true(Math.abs(atHalf - (0.18 + 0.06)) < 1e-12);
  t.true(Math.abs(at2 - at1) < 1e-12, 'single-threaded segments gain nothing beyond one core');
  const mm = [{ name: 'matrixMultiplication' as const, scale: 1 }];
  t.true(Math.abs(serviceModel(mm, 2000, 3072).meanS - 0.06) < 1e-12, 'matrixMultiplication uses two cores');
});

test('memory below the footprint slows CPU work; far below it fails requests', (t) => {
  const footprint = serviceModel(app, 1000, 3072).footprintMiB;
  t.is(footprint, 128 + 224);
  const pressured = serviceModel(app, 1000, 0.9 * footprint);
  t.true(Math.abs(pressured.pressureSlowdown - (1 + PRESSURE_SLOWDOWN * 0.1)) < 1e-12);
  t.is(pressured.failureFraction, 0);
  t.true(serviceModel(app, 1000, 0.65 * footprint).failureFraction > 0);
  t.is(serviceModel(app, 1000, 0.5 * footprint).failureFraction, 1);
});

test('a stable interval matches the steady state and conserves requests', (t) => {
  const sim = new AutoscalingSimulator(app, options, { replicas: 4, cpuMillicores: 1000, memoryMiB: 1024 });
  const out = sim.runInterval(600, emptyMetrics()); // 20 req/s, ρ = 20 × 0.15 / 4 = 0.75
  const model = serviceModel(app, 1000, 1024);
  const steady = steadyState(20, model, 4, 30);
  t.true(Math.abs(out.meanLatencyS - steady.meanLatencyS) < 1e-12);
  t.true(Math.abs(out.p95LatencyS - steady.p95LatencyS) < 1e-9);
  t.is(out.served, 600);
  t.is(out.backlog, 0);
  t.is(out.dropped, 0);
  t.true(Math.abs(out.cpuUtilization - (20 * 0.09) / 4) < 1e-12, 'CPU used = λ × 90 ms per request over 4 cores');
  t.true(Math.abs(out.cost - resourceCost({ replicas: 4, cpuMillicores: 1000, memoryMiB: 1024 }, 30)) < 1e-15);
});

test('overload builds a fluid backlog that is carried over, bounded, and drained later', (t) => {
  const sim = new AutoscalingSimulator(app, options, { replicas: 2, cpuMillicores: 1000, memoryMiB: 1024 });
  const capacity = 2 / 0.15;
  const m = emptyMetrics();
  sim.runInterval(30 * 1.5 * capacity, m);
  t.true(Math.abs(m.backlog - 30 * 0.5 * capacity) < 1e-9, 'backlog grows at λ − cμ');
  t.true(Math.abs(m.served - 30 * capacity) < 1e-9);
  t.true(m.meanLatencyS > 5, 'queued requests wait seconds');
  const carried = m.backlog;
  // A burst far beyond the bound (timeout × capacity) drops the excess.
  sim.runInterval(30 * 10 * capacity, m);
  const bound = 30 * capacity;
  t.true(Math.abs(m.backlog - bound) < 1e-9);
  t.true(Math.abs(m.arrivals + carried - m.served - m.dropped - m.backlog) < 1e-6, 'arrivals + backlog in = served + dropped + backlog out');
  // Scaling out drains it.
  sim.reconfigure({ replicas: 20, cpuMillicores: 1000, memoryMiB: 1024 });
  const before = m.backlog;
  sim.runInterval(30, m);
  t.is(m.backlog, 0);
  t.true(Math.abs(m.served - (30 + before)) < 1e-6);
});

test('new replicas serve only after the cold start; a vertical change restarts replicas one by one', (t) => {
  const base = { replicas: 2, cpuMillicores: 1000, memoryMiB: 1024 };
  const capacity2 = 2 / 0.15;
  const arrivals = 30 * 1.2 * capacity2; // above 2 replicas' capacity, below 3's
  const warm = new AutoscalingSimulator(app, options, { ...base, replicas: 3 });
  const scaled = new AutoscalingSimulator(app, options, base);
  scaled.reconfigure({ ...base, replicas: 3 });
  const a = warm.runInterval(arrivals, emptyMetrics());
  const b = scaled.runInterval(arrivals, emptyMetrics());
  t.is(a.backlog, 0);
  t.true(b.meanLatencyS > a.meanLatencyS, 'the cold-starting replica leaves a backlog for 5 s');
  const vertical = new AutoscalingSimulator(app, options, base);
  vertical.reconfigure({ ...base, cpuMillicores: 2000 });
  const v = vertical.runInterval(30 * 0.9 * capacity2, emptyMetrics());
  const steady = new AutoscalingSimulator(app, options, { ...base, cpuMillicores: 2000 }).runInterval(30 * 0.9 * capacity2, emptyMetrics());
  t.true(v.meanLatencyS > steady.meanLatencyS, 'one replica is down during the rolling restart');
  // The next interval is steady again.
  const after = vertical.runInterval(30 * 0.9 * capacity2, emptyMetrics());
  t.true(after.meanLatencyS <= v.meanLatencyS);
});

test('utilizations stay in [0, 1] over the whole configuration range', (t) => {
  for (const replicas of [CONFIG_LIMITS.minReplicas, CONFIG_LIMITS.maxReplicas]) {
    for (const cpu of [CONFIG_LIMITS.minCpuMillicores, CONFIG_LIMITS.maxCpuMillicores]) {
      for (const memory of [CONFIG_LIMITS.minMemoryMiB, CONFIG_LIMITS.maxMemoryMiB]) {
        for (const arrivals of [0, 10, 1e5]) {
          const m = new AutoscalingSimulator(app, options, { replicas, cpuMillicores: cpu, memoryMiB: memory }).runInterval(arrivals, emptyMetrics());
          for (const v of [m.cpuUtilization, m.memoryUtilization]) t.true(v >= 0 && v <= 1);
          t.true(Number.isFinite(m.p95LatencyS) && m.p95LatencyS >= m.meanLatencyS * 0.5);
        }
      }
    }
  }
});
