/**
 * `npm run bench:learning [-- flags]`: learning curves and speed of flash-gym's agents on CartPole-v1.
 *
 * Flags: `--only a,b` (cases: ppo-default, dqn-zoo, throughput, predict, grad-step; default all),
 * `--seeds N` (default 3), `--steps N` (learning budget, default 100000), `--eval-freq N` (default 5000),
 * `--backend NAME` (default: FLASH_GYM_BACKEND or auto), `--out DIR` (default results/learning).
 * Prints Markdown (machine, command, date, tables) and writes learning curves as CSV and SVG under --out.
 * Systems-env learning runs (PPO/DQN on Autoscaling-v0, …) plug in as further entries of LEARNING_CASES.
 */
import * as tf from '@tensorflow/tfjs';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { make } from '../envs/index.js';
import { SyncVectorEnv } from '../envs/vector/index.js';
import { DQN, EvalCallback, PPO, linearSchedule, selectBackend, type BackendRequest, type BaseAlgorithm } from '../agents/index.js';
import { curvesSvg } from './lib/learning-curve-svg.js';

interface Flags {
  only: Set<string>;
  seeds: number;
  steps: number;
  evalFreq: number;
  backend: BackendRequest | undefined;
  out: string;
}

function parseFlags(argv: readonly string[]): Flags {
  const get = (name: string): string | undefined => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const all = ['ppo-default', 'dqn-zoo', 'throughput', 'predict', 'grad-step'];
  const only = new Set((get('only') ?? all.join(',')).split(','));
  for (const o of only) if (!all.includes(o)) throw new Error(`--only: unknown case "${o}"; allowed: ${all.join(', ')}`);
  const num = (name: string, dflt: number) => {
    const v = Number(get(name) ?? dflt);
    if (!Number.isInteger(v) || v <= 0) throw new Error(`--${name} must be a positive integer`);
    return v;
  };
  return { only, seeds: num('seeds', 3), steps: num('steps', 100_000), evalFreq: num('eval-freq', 5000), backend: get('backend') as BackendRequest | undefined, out: get('out') ?? 'results/learning' };
}

/** A learning benchmark: an agent factory and the return it must reach. */
interface LearningCase {
  readonly name: string;
  readonly envId: string;
  readonly target: number;
  readonly build: (seed: number, backend: BackendRequest | undefined) => BaseAlgorithm;
}

/** DQN's CartPole-v1 hyperparameters from rl-baselines3-zoo, as the issue gives them. */
export const DQN_ZOO_CARTPOLE = {
  learningRate: 2.3e-3,
  batchSize: 64,
  bufferSize: 100000,
  learningStarts: 1000,
  gamma: 0.99,
  targetUpdateInterval: 10,
  trainFreq: 256,
  gradientSteps: 128,
  explorationFraction: 0.16,
  explorationFinalEps: 0.04,
  policyKwargs: { netArch: [256, 256] },
} as const;

const LEARNING_CASES: Record<string, LearningCase> = {
  'ppo-default': { name: 'PPO CartPole-v1 (SB3 defaults, 1 env)', envId: 'CartPole-v1', target: 475, build: (seed, backend) => new PPO(make('CartPole-v1'), { seed, backend }) },
  'dqn-zoo': { name: 'DQN CartPole-v1 (zoo hyperparameters)', envId: 'CartPole-v1', target: 475, build: (seed, backend) => new DQN(make('CartPole-v1'), { ...DQN_ZOO_CARTPOLE, seed, backend }) },
};

interface CurvePoint {
  seed: number;
  timesteps: number;
  meanReward: number;
}

async function runLearning(key: string, flags: Flags, lines: string[]): Promise<void> {
  const c = LEARNING_CASES[key];
  const points: CurvePoint[] = [];
  const rows: string[] = [];
  for (let seed = 0; seed < flags.seeds; seed++) {
    const agent = c.build(seed, flags.backend);
    const evalEnv = make(c.envId);
    evalEnv.reset({ seed: 10_000 + seed });
    const evalCb = new EvalCallback(evalEnv, { evalFreq: Math.max(1, Math.floor(flags.evalFreq / agent.numEnvs)), nEvalEpisodes: 10 });
    const t0 = performance.now();
    await agent.learn({ totalTimesteps: flags.steps, callbacks: evalCb });
    const seconds = (performance.now() - t0) / 1000;
    for (const e of evalCb.evaluations) points.push({ seed, timesteps: e.timesteps, meanReward: e.meanReward });
    const reached = evalCb.evaluations.find((e) => e.meanReward >= c.target);
    const final = evalCb.evaluations.at(-1)?.meanReward ?? NaN;
    rows.push(`| ${seed} | ${reached ? reached.timesteps : `not within ${flags.steps}`} | ${evalCb.bestMeanReward.toFixed(1)} | ${final.toFixed(1)} | ${seconds.toFixed(1)} |`);
  }
  lines.push(`### ${c.name}: evaluation return (10 episodes, deterministic) every ${flags.evalFreq} steps`, '', `| seed | first step with eval ≥ ${c.target} | best eval | final eval | wall s (with evals) |`, '|---|---|---|---|---|', ...rows, '');
  mkdirSync(flags.out, { recursive: true });
  writeFileSync(join(flags.out, `${key}.csv`), ['seed,timesteps,mean_reward', ...points.map((p) => `${p.seed},${p.timesteps},${p.meanReward}`)].join('\n') + '\n');
  writeFileSync(join(flags.out, `${key}.svg`), curvesSvg(c.name, points, c.target));
}

/** Env steps per second of `learn`, updates included, no callbacks. */
async function throughput(name: string, build: () => BaseAlgorithm, steps: number): Promise<string> {
  const agent = build();
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  await agent.learn({ totalTimesteps: steps });
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(c0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  return `| ${name} | ${steps} | ${(agent.numTimesteps / wall).toFixed(0)} | ${(agent.numTimesteps / cpuSeconds).toFixed(0)} |`;
}

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2));
  const backend = await selectBackend(flags.backend);
  const lines: string[] = [
    '## flash-gym learning benchmark',
    '',
    `- date: ${new Date().toISOString()}`,
    `- machine: ${cpus()[0]?.model ?? 'unknown CPU'} × ${cpus().length}, Node ${process.version}, tfjs ${tf.version.tfjs}, backend ${backend.name}`,
    `- command: npm run bench:learning -- ${process.argv.slice(2).join(' ')}`,
    '',
  ];
  for (const key of ['ppo-default', 'dqn-zoo']) if (flags.only.has(key)) await runLearning(key, flags, lines);
  if (flags.only.has('throughput')) {
    lines.push('### Training throughput (env steps/s, updates included, one process)', '', '| configuration | steps | steps/s (wall) | steps/s per CPU-second |', '|---|---|---|---|');
    lines.push(await throughput('PPO CartPole-v1, SB3 defaults, 1 env', () => new PPO(make('CartPole-v1'), { seed: 0, backend: flags.backend }), 20480));
    lines.push(
      await throughput(
        'PPO CartPole-v1, zoo (8 envs, nSteps 32, batch 256, 20 epochs)',
        () => new PPO(new SyncVectorEnv(Array.from({ length: 8 }, () => () => make('CartPole-v1'))), { seed: 0, backend: flags.backend, nSteps: 32, batchSize: 256, nEpochs: 20, gamma: 0.98, gaeLambda: 0.8, entCoef: 0, learningRate: linearSchedule(0.001, 0), clipRange: linearSchedule(0.2, 0) }),
        20480,
      ),
    );
    lines.push(await throughput('DQN CartPole-v1, zoo', () => new DQN(make('CartPole-v1'), { ...DQN_ZOO_CARTPOLE, seed: 0, backend: flags.backend }), 10240));
    lines.push('');
  }
  if (flags.only.has('predict')) {
    const agent = new PPO(make('CartPole-v1'), { seed: 0 });
    const obs = make('CartPole-v1').reset({ seed: 0 }).observation;
    for (let i = 0; i < 2000; i++) agent.predict(obs, { deterministic: true });
    const n = 50_000;
    const t0 = performance.now();
    for (let i = 0; i < n; i++) agent.predict(obs, { deterministic: true });
    const us = ((performance.now() - t0) * 1000) / n;
    lines.push('### Acting', '', `PPO \`predict\` on one CartPole observation (64-64 tanh, typed-array fast path): ${us.toFixed(2)} µs per call`, '');
  }
  if (flags.only.has('grad-step')) {
    const agent = new PPO(make('CartPole-v1'), { seed: 0, nSteps: 2048, batchSize: 64, nEpochs: 10, backend: flags.backend });
    await agent.learn({ totalTimesteps: 2048 }); // warm-up: one rollout and one update
    const t0 = performance.now();
    await agent.learn({ totalTimesteps: 2048, resetNumTimesteps: false });
    const seconds = (performance.now() - t0) / 1000;
    // One rollout of 2048 steps plus 320 minibatch updates; the rollout alone is timed separately.
    const r0 = performance.now();
    const env = make('CartPole-v1');
    let { observation } = env.reset({ seed: 1 });
    for (let i = 0; i < 2048; i++) {
      const s = env.step(agent.predict(observation) as number);
      observation = s.terminated || s.truncated ? env.reset().observation : s.observation;
    }
    const rollout = (performance.now() - r0) / 1000;
    lines.push('### One gradient step', '', `PPO, batch 64, 64-64 nets: ${(((seconds - rollout) * 1000) / 320).toFixed(2)} ms per minibatch update (320 updates of one default PPO iteration, rollout time subtracted)`, '');
  }
  console.log(lines.join('\n'));
}

await main();
