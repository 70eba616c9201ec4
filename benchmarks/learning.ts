/**
 * `npm run bench:learning [-- flags]`: issue 6's learning benchmarks and speed figures.
 *
 * Cases (`--only a,b`; default all): ppo-default and dqn-zoo (CartPole-v1 learning curves, 3 seeds),
 * offpolicy (DDPG Pendulum-v1 zoo, its gradient-step cost and throughput, via learning-offpolicy.js),
 * throughput (env steps/s with updates, next to SB3's figures), predict (acting latency), grad-step
 * (PPO minibatch update cost per engine), autoscaling (PPO and DQN on Autoscaling-v0 vs HPA on held-out
 * tasks), congestion (PPO on CongestionControl-v0 vs AIMD on held-out tasks), dvfs (QLearning on DVFS-v0 vs
 * ondemand, via learning-offpolicy.js).
 * Flags: `--seeds N` (default 3), `--steps N` (CartPole budget, default 100000), `--eval-freq N`
 * (default 5000), `--systems-steps N` (Autoscaling/Congestion training budget, default 100000),
 * `--offpolicy-cases a,b` (what `offpolicy` runs of learning-offpolicy.js; default grad-step,throughput,pendulum),
 * `--backend NAME` (default: FLASH_GYM_BACKEND or auto), `--engine auto|typed-array|tfjs` (PPO/DQN
 * training engine, default auto), `--out DIR` (default results/learning).
 * Prints Markdown (machine, command, date, tables) and writes learning curves as CSV and SVG under --out.
 * Throughput is reported per wall second and per CPU second of this process: on a shared machine only
 * the second is meaningful.
 */
import * as tf from '@tensorflow/tfjs';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { make, autoscalingTasks, congestionTasks, HorizontalPodAutoscaler, runAimdEpisode, type AutoscalingTask, type CongestionTask } from '../envs/index.js';
import { Wrapper } from '../envs/core/wrapper.js';
import type { Env, ResetArgs, ResetResult } from '../envs/core/env.js';
import { Rng } from '../envs/rng/rng.js';
import { SyncVectorEnv } from '../envs/vector/index.js';
import { DQN, EvalCallback, PPO, linearSchedule, selectBackend, type BackendRequest, type BaseAlgorithm } from '../agents/index.js';
import { curvesSvg } from './lib/learning-curve-svg.js';

interface Flags {
  only: Set<string>;
  seeds: number;
  steps: number;
  evalFreq: number;
  backend: BackendRequest | undefined;
  engine: 'auto' | 'typed-array' | 'tfjs';
  systemsSteps: number;
  /** The cases of learning-offpolicy.js that `offpolicy` runs. */
  offpolicyCases: string;
  out: string;
}

const ALL_CASES = ['ppo-default', 'dqn-zoo', 'offpolicy', 'throughput', 'predict', 'grad-step', 'autoscaling', 'congestion', 'dvfs'];

function parseFlags(argv: readonly string[]): Flags {
  const get = (name: string): string | undefined => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const all = ALL_CASES;
  const only = new Set((get('only') ?? all.join(',')).split(','));
  for (const o of only) if (!all.includes(o)) throw new Error(`--only: unknown case "${o}"; allowed: ${all.join(', ')}`);
  const num = (name: string, dflt: number) => {
    const v = Number(get(name) ?? dflt);
    if (!Number.isInteger(v) || v <= 0) throw new Error(`--${name} must be a positive integer`);
    return v;
  };
  const engine = get('engine') ?? 'auto';
  if (engine !== 'auto' && engine !== 'typed-array' && engine !== 'tfjs') throw new Error(`--engine must be auto, typed-array or tfjs, got ${engine}`);
  return { only, seeds: num('seeds', 3), steps: num('steps', 100_000), evalFreq: num('eval-freq', 5000), systemsSteps: num('systems-steps', 100_000), offpolicyCases: get('offpolicy-cases') ?? 'grad-step,throughput,pendulum', backend: get('backend') as BackendRequest | undefined, engine, out: get('out') ?? 'results/learning' };
}

/** A learning benchmark: an agent factory and the return it must reach. */
interface LearningCase {
  readonly name: string;
  readonly envId: string;
  readonly target: number;
  readonly build: (seed: number, flags: Flags) => BaseAlgorithm;
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
  'ppo-default': { name: 'PPO CartPole-v1 (SB3 defaults, 1 env)', envId: 'CartPole-v1', target: 475, build: (seed, f) => new PPO(make('CartPole-v1'), { seed, backend: f.backend, engine: f.engine }) },
  'dqn-zoo': { name: 'DQN CartPole-v1 (zoo hyperparameters)', envId: 'CartPole-v1', target: 475, build: (seed, f) => new DQN(make('CartPole-v1'), { ...DQN_ZOO_CARTPOLE, seed, backend: f.backend, engine: f.engine }) },
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
    const agent = c.build(seed, flags);
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

/** Env steps per second of `learn`, updates included, no callbacks; SB3's figure (issue 6) beside it. */
async function throughput(name: string, build: () => BaseAlgorithm, steps: number, sb3: string): Promise<string> {
  const agent = build();
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  await agent.learn({ totalTimesteps: steps });
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(c0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const engine = (agent as { engine?: string }).engine ?? '';
  return `| ${name} | ${engine} | ${steps} | ${(agent.numTimesteps / wall).toFixed(0)} | ${(agent.numTimesteps / cpuSeconds).toFixed(0)} | ${sb3} |`;
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
  if (flags.only.has('offpolicy')) lines.push(offPolicy(['--only', flags.offpolicyCases, '--seeds', String(flags.seeds)]));
  if (flags.only.has('throughput')) {
    const f = { backend: flags.backend, engine: flags.engine };
    lines.push('### Training throughput (env steps/s, updates included, one process)', '', '| configuration | engine | steps | steps/s (wall) | steps/s per CPU-second | SB3 2.9 (issue 6, idle machine) |', '|---|---|---|---|---|---|');
    lines.push(await throughput('PPO CartPole-v1, SB3 defaults, 1 env', () => new PPO(make('CartPole-v1'), { seed: 0, ...f }), 20480, '1,320–1,410'));
    lines.push(
      await throughput(
        'PPO CartPole-v1, zoo (8 envs, nSteps 32, batch 256, 20 epochs)',
        () => new PPO(new SyncVectorEnv(Array.from({ length: 8 }, () => () => make('CartPole-v1'))), { seed: 0, ...f, nSteps: 32, batchSize: 256, nEpochs: 20, gamma: 0.98, gaeLambda: 0.8, entCoef: 0, learningRate: linearSchedule(0.001, 0), clipRange: linearSchedule(0.2, 0) }),
        20480,
        '3,700',
      ),
    );
    lines.push(await throughput('DQN CartPole-v1, zoo ([256, 256], trainFreq 256, gradientSteps 128, batch 64)', () => new DQN(make('CartPole-v1'), { ...DQN_ZOO_CARTPOLE, seed: 0, ...f }), 5120, '850'));
    lines.push('', 'DDPG/TD3 Pendulum-v1 throughput: see the off-policy section (`--only offpolicy`).', '');
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
  if (flags.only.has('grad-step')) lines.push(...(await gradStepCosts(flags)));
  if (flags.only.has('autoscaling')) lines.push(...(await autoscaling(flags)));
  if (flags.only.has('congestion')) lines.push(...(await congestion(flags)));
  if (flags.only.has('dvfs')) lines.push(offPolicy(['--only', 'dvfs', '--seeds', String(flags.seeds)]));
  console.log(lines.join('\n'));
}

/** Runs the off-policy benchmark (its own process: it starts on import) and returns its Markdown. */
function offPolicy(args: readonly string[]): string {
  const script = join(projectDist(), 'benchmarks', 'learning-offpolicy.js');
  return execFileSync(process.execPath, [script, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 24 });
}

function projectDist(): string {
  // This file runs as dist/benchmarks/learning.js.
  return join(new URL('.', import.meta.url).pathname, '..');
}

/**
 * Cost of one PPO minibatch update (batch 64 and 256, 64-64 nets, CartPole) per engine: the time of a
 * default PPO iteration's updates on a filled buffer, divided by the number of minibatches, in CPU ms.
 */
async function gradStepCosts(flags: Flags): Promise<string[]> {
  const rows: string[] = [];
  for (const engine of ['typed-array', 'tfjs'] as const) {
    for (const batchSize of [64, 256]) {
      const agent = new PPO(make('CartPole-v1'), { seed: 0, nSteps: 2048, batchSize, nEpochs: 10, backend: flags.backend, engine });
      await agent.learn({ totalTimesteps: 2048 }); // warm-up: one rollout and one update
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      await agent.learn({ totalTimesteps: 2048, resetNumTimesteps: false });
      const wall = (performance.now() - t0) / 1000;
      const cpu = process.cpuUsage(c0);
      // The rollout of 2048 steps is timed apart and subtracted.
      const env = make('CartPole-v1');
      let { observation } = env.reset({ seed: 1 });
      const r0 = process.cpuUsage();
      for (let i = 0; i < 2048; i++) {
        const s = env.step(agent.predict(observation) as number);
        observation = s.terminated || s.truncated ? env.reset().observation : s.observation;
      }
      const rollout = process.cpuUsage(r0);
      const updates = 10 * Math.ceil(2048 / batchSize);
      const cpuMs = ((cpu.user + cpu.system - rollout.user - rollout.system) / 1000) / updates;
      rows.push(`| PPO, 64-64 nets, batch ${batchSize} | ${engine} | ${cpuMs.toFixed(2)} | ${((wall * 1000) / updates).toFixed(2)} | ${batchSize === 64 ? '1.9' : '—'} |`);
    }
  }
  return ['### One gradient step', '', '| update | engine | CPU ms per minibatch update | wall ms (rollout included) | SB3 ms |', '|---|---|---|---|---|', ...rows, ''];
}

/** An env whose every reset draws one of `tasks` (seeded), for training on a task set. */
class TaskSetEnv<T> extends Wrapper<Float32Array, unknown> {
  private rng: Rng;

  constructor(env: Env<Float32Array, unknown>, private readonly tasks: readonly T[], seed: number) {
    super(env);
    this.rng = new Rng(seed);
  }

  override reset(args: ResetArgs = {}): ResetResult<Float32Array> {
    if (args.seed !== undefined) this.rng = new Rng(args.seed);
    const task = this.tasks[this.rng.integers(0, this.tasks.length)];
    return this.env.reset({ ...args, options: { ...(args.options ?? {}), task } });
  }
}

/**
 * A validation env: its resets go through `tasks` in order, so an evaluation of `tasks.length` episodes sees
 * each of them once, and every evaluation the same tasks (less noise in the choice of the best model than
 * tasks drawn at random).
 */
class TaskCycleEnv<T> extends Wrapper<Float32Array, unknown> {
  private next = 0;

  constructor(env: Env<Float32Array, unknown>, private readonly tasks: readonly T[]) {
    super(env);
  }

  override reset(args: ResetArgs = {}): ResetResult<Float32Array> {
    const task = this.tasks[this.next % this.tasks.length];
    this.next += 1;
    return this.env.reset({ ...args, options: { ...(args.options ?? {}), task } });
  }
}

/** Mean return of one episode per task, from a fresh env per task; `act` sees each observation. */
function meanEpisodeReturn<T>(tasks: readonly T[], makeEnv: (task: T) => Env<Float32Array, unknown>, act: (obs: Float32Array) => unknown, onReset: () => void): number {
  let total = 0;
  tasks.forEach((task, k) => {
    const env = makeEnv(task);
    onReset();
    let { observation } = env.reset({ seed: 7_000 + k });
    for (;;) {
      const s = env.step(act(observation));
      total += s.reward;
      observation = s.observation;
      if (s.terminated || s.truncated) break;
    }
  });
  return total / tasks.length;
}

/** Steps between validation evaluations of the systems cases. */
const SYSTEMS_EVAL_FREQ = 10_000;
const SYSTEMS_PROTOCOL = `Model selection as SB3's EvalCallback: every ${SYSTEMS_EVAL_FREQ} steps, one deterministic episode on each of a fixed set of validation tasks (Autoscaling-v0: 20 training apps; CongestionControl-v0: 10 links from another catalog seed; the held-out tasks are never looked at), best model kept; both it and the final model are scored.`;

/** What {@link trainKeepingBest} returns: the final model, the best one by validation, and the training CPU time. */
interface TrainedModels<A> {
  readonly final: A;
  readonly best: A;
  readonly cpuSeconds: number;
}

/**
 * Trains `agent` for `steps` with SB3's `EvalCallback` protocol: every {@link SYSTEMS_EVAL_FREQ} steps, one
 * deterministic episode on each validation task (never a held-out one, so the choice does not peek at the
 * test set) and the best model saved; returns the final model and the best one, reloaded from disk.
 */
async function trainKeepingBest<A extends PPO | DQN, T>(agent: A, makeEnv: () => Env<Float32Array, unknown>, validationTasks: readonly T[], steps: number, load: (dir: string) => Promise<A>): Promise<TrainedModels<A>> {
  const dir = mkdtempSync(join(tmpdir(), 'flash-gym-best-'));
  try {
    const validationEnv = new TaskCycleEnv(makeEnv(), validationTasks);
    const evalCb = new EvalCallback(validationEnv, { evalFreq: Math.max(1, Math.floor(SYSTEMS_EVAL_FREQ / agent.numEnvs)), nEvalEpisodes: validationTasks.length, bestModelSavePath: dir });
    const c0 = process.cpuUsage();
    await agent.learn({ totalTimesteps: steps, callbacks: evalCb });
    const cpu = process.cpuUsage(c0);
    const best = await load(join(dir, 'best_model'));
    return { final: agent, best, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** PPO and DQN trained on Autoscaling-v0's training tasks, scored on held-out tasks next to Kubernetes' HPA. */
async function autoscaling(flags: Flags): Promise<string[]> {
  const split = autoscalingTasks.split(autoscalingTasks.catalog(200, 0), { seed: 0, train: 0.8 });
  const heldOut = split.heldOut.slice(0, 20);
  // Validation: 20 of the training tasks (they are also trained on; the held-out ones never are).
  const validationTasks = split.train.slice(0, 20);
  const makeEnv = (task: AutoscalingTask) => make('Autoscaling-v0', { task }) as Env<Float32Array, unknown>;
  const hpa = new HorizontalPodAutoscaler();
  const hpaReturn = meanEpisodeReturn(heldOut, makeEnv, (obs) => hpa.discreteAction(obs), () => hpa.reset());
  const rows: string[] = [];
  for (const algo of ['PPO', 'DQN'] as const) {
    for (let seed = 0; seed < flags.seeds; seed++) {
      const env = new TaskSetEnv(make('Autoscaling-v0') as Env<Float32Array, unknown>, split.train, seed);
      const common = { seed, backend: flags.backend, engine: flags.engine };
      const validation = () => make('Autoscaling-v0') as Env<Float32Array, unknown>;
      const trained =
        algo === 'PPO'
          ? await trainKeepingBest(new PPO(env, { ...common, nSteps: 1000, batchSize: 100, entCoef: 0.01 }), validation, validationTasks, flags.systemsSteps, (dir) => PPO.load(dir, env))
          : await trainKeepingBest(new DQN(env, { ...common, learningRate: 1e-3, learningStarts: 1000, bufferSize: 50_000, targetUpdateInterval: 500, explorationFraction: 0.2 }), validation, validationTasks, flags.systemsSteps, (dir) => DQN.load(dir, env));
      const score = (agent: PPO | DQN) => meanEpisodeReturn(heldOut, makeEnv, (obs) => agent.predict(obs, { deterministic: true }), () => {});
      const [best, final] = [score(trained.best), score(trained.final)];
      rows.push(`| ${algo} | ${seed} | ${best.toFixed(2)} | ${final.toFixed(2)} | ${hpaReturn.toFixed(2)} | ${best > hpaReturn ? 'yes' : 'no'} | ${trained.cpuSeconds.toFixed(0)} |`);
    }
  }
  return [
    `### Autoscaling-v0: PPO and DQN vs HPA on ${heldOut.length} held-out tasks (${flags.systemsSteps} training steps on ${split.train.length} training tasks)`,
    '',
    `PPO: nSteps 1000, batch 100, entCoef 0.01, otherwise SB3 defaults; DQN: lr 1e-3, learningStarts 1000, buffer 50k, target every 500 steps, ε over 20%, otherwise SB3 defaults. ${SYSTEMS_PROTOCOL} Return: mean over held-out tasks of one 50-step episode, deterministic actions.`,
    '',
    '| agent | seed | held-out mean return, best model | final model | HPA | best model beats HPA | training CPU s |',
    '|---|---|---|---|---|---|---|',
    ...rows,
    '',
  ];
}

/** PPO trained on CongestionControl-v0's PCC-RL (Aurora) task ranges, scored on held-out catalog tasks next to AIMD. */
async function congestion(flags: Flags): Promise<string[]> {
  const heldOut = congestionTasks.catalog(10, 2024);
  // Validation: 10 links drawn like the held-out ones, from another seed.
  const validationTasks = congestionTasks.catalog(10, 99);
  const steps = 400;
  const aimd = heldOut.reduce((sum, task, k) => sum + runAimdEpisode(make('CongestionControl-v0') as Env<Float32Array, Float32Array>, { seed: 7_000 + k, task, steps }).rewards.reduce((a, b) => a + b, 0), 0) / heldOut.length;
  const makeEnv = (task: CongestionTask) => make('CongestionControl-v0', { task }) as Env<Float32Array, unknown>;
  const rows: string[] = [];
  for (let seed = 0; seed < flags.seeds; seed++) {
    const env = make('CongestionControl-v0', { taskFamily: 'aurora' }) as Env<Float32Array, unknown>;
    const agent = new PPO(env, { seed, backend: flags.backend, engine: flags.engine, nSteps: 2048, gamma: 0.99, entCoef: 0.0 });
    const trained = await trainKeepingBest(agent, () => make('CongestionControl-v0') as Env<Float32Array, unknown>, validationTasks, flags.systemsSteps, (dir) => PPO.load(dir, env));
    const score = (model: PPO) => meanEpisodeReturn(heldOut, makeEnv, (obs) => model.predict(obs, { deterministic: true }), () => {});
    const [best, final] = [score(trained.best), score(trained.final)];
    rows.push(`| ${seed} | ${best.toFixed(2)} | ${final.toFixed(2)} | ${aimd.toFixed(2)} | ${best > aimd ? 'yes' : 'no'} | ${trained.cpuSeconds.toFixed(0)} |`);
  }
  return [
    `### CongestionControl-v0: PPO vs AIMD on ${heldOut.length} held-out tasks (${flags.systemsSteps} training steps on tasks drawn from PCC-RL's ranges)`,
    '',
    `PPO with SB3 defaults. ${SYSTEMS_PROTOCOL} Return: mean over held-out tasks of one episode, deterministic actions.`,
    '',
    '| seed | PPO held-out mean return, best model | final model | AIMD | best model beats AIMD | training CPU s |',
    '|---|---|---|---|---|---|',
    ...rows,
    '',
  ];
}

await main();
