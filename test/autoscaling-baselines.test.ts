import test from 'ava';
import {
  AutoscalingEnv,
  CONFIG_LIMITS,
  HorizontalPodAutoscaler,
  autoscalingTasks,
  cpuLevels,
  memoryLevels,
  oracleDecision,
  replicaPricePerSecond,
  serviceModel,
  steadyState,
  type AutoscalingTask,
  type ResourceConfig,
} from '../envs/autoscaling/index.js';

test('HPA: desired = ⌈current × utilization / target⌉, unchanged within the tolerance', (t) => {
  const hpa = new HorizontalPodAutoscaler({ targetCpuUtilization: 0.6 });
  t.is(hpa.desiredReplicas(4, 0.9), 6);
  t.is(hpa.desiredReplicas(6, 0.65), 6, '0.65 / 0.6 − 1 = 0.083 ≤ 0.1');
  t.is(hpa.desiredReplicas(6, 0.7), 7, '0.7 / 0.6 − 1 = 0.167 > 0.1');
  t.is(hpa.desiredReplicas(19, 1), 20, 'clamped to 20 replicas');
});

test('HPA: scale-down waits for the 300 s stabilization window; scale-up does not', (t) => {
  const hpa = new HorizontalPodAutoscaler({ targetCpuUtilization: 0.5, controlIntervalS: 30 });
  t.is(hpa.desiredReplicas(3, 1), 6); // t = 0: recommends 6
  const held: number[] = [];
  for (let k = 1; k <= 10; k++) held.push(hpa.desiredReplicas(6, 0.25)); // recommends 3 from t = 30 s
  t.deepEqual(held, [6, 6, 6, 6, 6, 6, 6, 6, 6, 3], 'the t = 0 recommendation leaves the window at t = 300 s');
  hpa.reset();
  t.is(hpa.desiredReplicas(2, 0.25), 1, 'with an empty window it scales down at once');
  t.throws(() => new HorizontalPodAutoscaler({ targetCpuUtilization: 0 }), { message: /targetCpuUtilization/ });
});

function meetsSlo(task: AutoscalingTask, config: ResourceConfig, rate: number): boolean {
  const model = serviceModel(task.segments, config.cpuMillicores, config.memoryMiB);
  const s = steadyState(rate, model, config.replicas, 30);
  return s.stable && model.failureFraction === 0 && s.p95LatencyS <= task.sloMs / 1000;
}

const costOf = (c: ResourceConfig): number => c.replicas * replicaPricePerSecond(c.cpuMillicores, c.memoryMiB);

test('the oracle is the cheapest SLO-meeting configuration of an exhaustive search', (t) => {
  const tasks = autoscalingTasks.catalog(200, 21).filter((_, i) => i % 40 === 0);
  for (const task of tasks) {
    for (const factor of [0.5, 1, 2]) {
      const rate = task.rate * factor;
      let best = Infinity;
      for (let replicas = 1; replicas <= CONFIG_LIMITS.maxReplicas; replicas++) {
        for (const cpu of cpuLevels()) {
          for (const memory of memoryLevels()) {
            const config = { replicas, cpuMillicores: cpu, memoryMiB: memory };
            if (meetsSlo(task, config, rate)) best = Math.min(best, costOf(config));
          }
        }
      }
      const oracle = oracleDecision(task, rate);
      t.is(oracle.feasible, best < Infinity, task.id);
      if (oracle.feasible) {
        t.true(meetsSlo(task, oracle.config, rate));
        t.true(Math.abs(oracle.costPerSecond - best) <= 1e-15, `${task.id} at ${rate}: ${oracle.costPerSecond} vs ${best}`);
      }
    }
  }
});

interface EpisodeStats {
  reward: number;
  sloMeetingSteps: number;
  boundViolations: number;
}

/** Runs one episode with a policy, checking each step's configuration against the oracle's cost bound. */
function runEpisode(task: AutoscalingTask, seed: number, policy: (obs: Float32Array, env: AutoscalingEnv) => number, oracleCache: Map<string, number>): EpisodeStats {
  const env = new AutoscalingEnv({ task });
  let { observation } = env.reset({ seed });
  const stats: EpisodeStats = { reward: 0, sloMeetingSteps: 0, boundViolations: 0 };
  for (let step = 0; step < 50; step++) {
    const result = env.step(policy(observation, env));
    observation = result.observation;
    stats.reward += result.reward;
    const rate = env.expectedArrivalRate();
    const key = `${task.id}:${rate.toPrecision(6)}`;
    let oracleCost = oracleCache.get(key);
    if (oracleCost === undefined) {
      const decision = oracleDecision(env.task, rate);
      oracleCost = decision.feasible ? decision.costPerSecond : Infinity;
      oracleCache.set(key, oracleCost);
    }
    if (meetsSlo(env.task, env.config, rate)) {
      stats.sloMeetingSteps++;
      if (costOf(env.config) < oracleCost - 1e-15) stats.boundViolations++;
    }
  }
  return stats;
}

test('HPA and random policies run on catalog tasks, and the oracle’s cost bounds every SLO-meeting step', (t) => {
  const tasks = autoscalingTasks.catalog(1000, 0).filter((_, i) => i % 125 === 0);
  const cache = new Map<string, number>();
  let hpaReward = 0;
  let randomReward = 0;
  let meeting = 0;
  tasks.forEach((task, i) => {
    const hpa = new HorizontalPodAutoscaler();
    const hpaStats = runEpisode(task, i, (obs) => hpa.discreteAction(obs), cache);
    const randomStats = runEpisode(task, i, (_obs, env) => env.actionSpace.sample(), cache);
    for (const stats of [hpaStats, randomStats]) {
      t.true(Number.isFinite(stats.reward));
      t.is(stats.boundViolations, 0, `${task.id}: a policy met the SLO more cheaply than the oracle`);
      meeting += stats.sloMeetingSteps;
    }
    hpaReward += hpaStats.reward;
    randomReward += randomStats.reward;
  });
  t.true(meeting > 0, 'some steps met the SLO, so the bound was exercised');
  t.true(hpaReward > randomReward, `HPA ${hpaReward} vs random ${randomReward}`);
});
