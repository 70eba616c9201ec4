/**
 * `node dist/benchmarks/learning-offpolicy.js [flags]`: DDPG/TD3 on Pendulum-v1 and tabular QLearning on
 * DVFS-v0, against SB3's published figures and the ondemand governor.
 *
 * Flags: `--only a,b` (cases: grad-step, throughput, pendulum, dvfs; default all), `--algo ddpg|td3`
 * (default ddpg), `--net 400,300` (default the zoo's), `--seeds N` (seeds 0..N−1, default 3) or
 * `--seeds 1,2` / `--seed-list 1,2` (those seeds), `--steps N` (Pendulum budget, default 30000; the
 * throughput protocol's run, default 20000), `--eval-freq N` (default 5000), `--engine auto|typed-array|tfjs`,
 * `--dvfs-steps N` (default 200000). The other hyperparameters are the zoo's for Pendulum (γ 0.98, buffer
 * 200k, learning starts 10k, N(0, 0.1) noise, lr 1e-3, batch 256). Prints Markdown with machine, command
 * and date.
 *
 * `throughput` follows SB3's protocol for its published steps/s: a fresh agent with the zoo's
 * hyperparameters runs `learn({ totalTimesteps: 20000 })` from scratch (10,000 random-action steps before
 * learning starts, then 10,000 steps with one gradient step each) and steps/s is 20000 / wall time. With a
 * smaller `--steps`, learning starts at half the budget so the run keeps the same shape.
 */
import { make, DiscretizeObservation, dvfsTasks, ondemandGovernor, type DvfsTask } from '../envs/index.js';
import { DDPG, type DDPGOptions } from '../agents/ddpg.js';
import { TD3 } from '../agents/td3.js';
import { QLearning } from '../agents/qlearning.js';
import { BaseCallback, EvalCallback } from '../agents/common/callbacks.js';
import { evaluatePolicy } from '../agents/common/evaluation.js';
import { machineLine } from './lib/machine-info.js';
import { WasmGemm } from '../agents/nn/wasm-gemm.js';
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

/** How the typed-array engine's products run here (fused multiply-add or not, one thread or two). */
export function kernelSetup(): string {
  const gemm = WasmGemm.create();
  if (gemm === undefined) return 'no WebAssembly SIMD: TiledMlp loops';
  return `${gemm.fma ? 'fused multiply-add' : 'mul+add'}, ${gemm.threaded ? 'two threads' : 'one thread'}`;
}

/** This benchmark's parsed flags (also built by `torch-reference.ts`, which reuses the helpers below). */
export interface Flags {
  only: Set<string>;
  algo: 'ddpg' | 'td3';
  net: number[];
  /** The seeds the `pendulum` and `dvfs` cases run. */
  seeds: number[];
  /** `--steps` when given (else each case's default). */
  steps: number | undefined;
  evalFreq: number;
  engine: 'auto' | 'typed-array' | 'tfjs';
  dvfsSteps: number;
}

function parseFlags(argv: readonly string[]): Flags {
  const get = (name: string): string | undefined => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const cases = ['grad-step', 'throughput', 'pendulum', 'dvfs'];
  const only = new Set((get('only') ?? cases.join(',')).split(','));
  for (const o of only) if (!cases.includes(o)) throw new Error(`--only: unknown case "${o}"; allowed: ${cases.join(', ')}`);
  const num = (name: string, dflt: number) => {
    const v = Number(get(name) ?? dflt);
    if (!Number.isInteger(v) || v <= 0) throw new Error(`--${name} must be a positive integer, got ${get(name)}`);
    return v;
  };
  const algo = get('algo') ?? 'ddpg';
  if (algo !== 'ddpg' && algo !== 'td3') throw new Error(`--algo must be ddpg or td3, got ${algo}`);
  const engine = get('engine') ?? 'auto';
  if (engine !== 'auto' && engine !== 'typed-array' && engine !== 'tfjs') throw new Error(`--engine must be auto, typed-array or tfjs, got ${engine}`);
  const net = (get('net') ?? '400,300').split(',').map(Number);
  if (!net.every((n) => Number.isInteger(n) && n > 0)) throw new Error(`--net must be comma-separated positive integers, got ${get('net')}`);
  return { only, algo, net, seeds: parseSeeds(get('seed-list') ?? get('seeds')), steps: get('steps') === undefined ? undefined : num('steps', 0), evalFreq: num('eval-freq', 5000), engine, dvfsSteps: num('dvfs-steps', 200000) };
}

/** `--seeds N` (seeds 0..N−1; default 3) or a comma-separated list of seeds (`--seeds 1,2`, `--seed-list 1,2`). */
function parseSeeds(text: string | undefined): number[] {
  if (text === undefined) return [0, 1, 2];
  if (!text.includes(',')) {
    const count = Number(text);
    if (!Number.isInteger(count) || count <= 0) throw new Error(`--seeds must be a positive count or a comma-separated list of seeds, got ${text}`);
    return Array.from({ length: count }, (_, i) => i);
  }
  const seeds = text.split(',').filter((s) => s !== '').map(Number);
  if (seeds.length === 0 || !seeds.every((s) => Number.isInteger(s) && s >= 0)) throw new Error(`--seed-list must be comma-separated non-negative integers, got ${text}`);
  return seeds;
}

/** The rl-zoo's DDPG/TD3 Pendulum-v1 hyperparameters, in camelCase. */
export function zoo(flags: Flags, seed: number): DDPGOptions {
  return { seed, gamma: 0.98, bufferSize: 200000, learningStarts: 10000, actionNoise: { type: 'normal', sigma: 0.1 }, learningRate: 1e-3, policyKwargs: { netArch: flags.net }, engine: flags.engine };
}

/** A DDPG or TD3 agent (per `flags.algo`) on a fresh Pendulum-v1. */
export function makeAgent(flags: Flags, options: DDPGOptions): DDPG {
  return flags.algo === 'td3' ? new TD3(make('Pendulum-v1'), options) : new DDPG(make('Pendulum-v1'), options);
}

function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/** An agent past learning starts (a 1,000-step buffer), and its gradient-step function; `skipZeros` false: dense products. */
export async function gradStepAgent(flags: Flags, skipZeros: boolean): Promise<{ agent: DDPG; step: (n: number) => void }> {
  const agent = makeAgent(flags, { ...zoo(flags, 0), learningStarts: 1000, gradientSteps: 0 });
  await agent.learn({ totalTimesteps: 1001 });
  const step = (agent as unknown as { trainSteps(n: number): void }).trainSteps.bind(agent);
  // The typed-array engine reads the setting when the first gradient step builds it.
  const saved = process.env.FLASH_GYM_SKIP_ZEROS;
  process.env.FLASH_GYM_SKIP_ZEROS = skipZeros ? '1' : '0';
  try {
    // Warm up past WebAssembly's and V8's tier-up (the first few dozen steps run baseline code).
    step(50);
  } finally {
    if (saved === undefined) delete process.env.FLASH_GYM_SKIP_ZEROS;
    else process.env.FLASH_GYM_SKIP_ZEROS = saved;
  }
  return { agent, step };
}

/**
 * Milliseconds per gradient step at batch 256 on a buffer past learning starts (100 steps after 50 warm-up
 * steps), skipping the ReLU operands' zeros (the default) and, side by side, with dense products: the two agents
 * compute the same bits and take turns, 20 steps at a time.
 */
async function gradStep(flags: Flags): Promise<string[]> {
  const runs = [await gradStepAgent(flags, true), await gradStepAgent(flags, false)];
  const wall = [0, 0];
  const cpu = [0, 0];
  for (let block = 0; block < 5; block++) {
    runs.forEach(({ step }, i) => {
      const w0 = performance.now();
      const c0 = cpuSeconds();
      step(20);
      wall[i] += (performance.now() - w0) / 100;
      cpu[i] += ((cpuSeconds() - c0) * 1000) / 100;
    });
  }
  const name = `one ${flags.algo.toUpperCase()} gradient step, batch 256, [${flags.net}] (${runs[0].agent.engine}; ${kernelSetup()})`;
  return [
    `| ${name} | ${wall[0].toFixed(1)} ms wall, ${cpu[0].toFixed(1)} ms CPU | SB3 ≈ 14.5 ms |`,
    `| the same with dense products (\`FLASH_GYM_SKIP_ZEROS=0\`), in turns with it | ${wall[1].toFixed(1)} ms wall, ${cpu[1].toFixed(1)} ms CPU (skipping zeros: ${(wall[1] / wall[0]).toFixed(2)}× faster) | — |`,
  ];
}

/** Marks the wall-clock time at which learning starts (the first step past `learningStarts`). */
class LearningStartsClock extends BaseCallback {
  startedAt: number | undefined;
  constructor(private readonly learningStarts: number) {
    super();
  }
  override onStep(): boolean {
    if (this.startedAt === undefined && this.model.numTimesteps >= this.learningStarts) this.startedAt = performance.now();
    return true;
  }
}

/**
 * SB3's throughput protocol: a fresh agent, `learn({ totalTimesteps })` from scratch with the zoo's
 * hyperparameters (random actions up to `learningStarts`, then one gradient step per env step); steps/s =
 * totalTimesteps / wall. Also reports the training phase alone and its cost per env step (≈ one gradient step).
 */
async function throughput(flags: Flags): Promise<string[]> {
  const steps = flags.steps ?? 20000;
  const learningStarts = Math.floor(steps / 2);
  const agent = makeAgent(flags, { ...zoo(flags, 0), learningStarts });
  const clock = new LearningStartsClock(learningStarts);
  const w0 = performance.now();
  const c0 = cpuSeconds();
  await agent.learn({ totalTimesteps: steps, callbacks: clock });
  const end = performance.now();
  const wall = (end - w0) / 1000;
  const cpu = cpuSeconds() - c0;
  const trainWall = (end - (clock.startedAt ?? end)) / 1000;
  const trained = steps - learningStarts;
  const protocol = `fresh agent, learn(${steps}): ${learningStarts} random steps, then ${trained} steps with one gradient step each`;
  return [
    `| ${flags.algo.toUpperCase()} Pendulum-v1 training throughput, [${flags.net}] (${agent.engine}; ${kernelSetup()}), SB3 protocol (${protocol}) | ${(steps / wall).toFixed(1)} steps/s wall (${wall.toFixed(1)} s), ${(steps / cpu).toFixed(1)} steps/s per CPU-second | SB3 ≈ ${flags.algo === 'td3' ? '176 (2 threads), 133 (1)' : '190 (2 threads), 141 (1)'} |`,
    `| ${flags.algo.toUpperCase()} training phase of that run (steps past learning starts) | ${(trained / trainWall).toFixed(1)} steps/s, ${((trainWall * 1000) / trained).toFixed(1)} ms per env step with its gradient step | — |`,
  ];
}

async function pendulum(flags: Flags): Promise<string[]> {
  const rows: string[] = [];
  const finals: number[] = [];
  const budget = flags.steps ?? 30000;
  for (const seed of flags.seeds) {
    const agent = makeAgent(flags, zoo(flags, seed));
    const evalCallback = new EvalCallback(make('Pendulum-v1'), { evalFreq: flags.evalFreq, nEvalEpisodes: 5 });
    const w0 = performance.now();
    await agent.learn({ totalTimesteps: budget, callbacks: evalCallback });
    const wall = (performance.now() - w0) / 1000;
    const final = evaluatePolicy(agent, make('Pendulum-v1'), { nEvalEpisodes: 10, seed: 10_000 + seed }).meanReward;
    finals.push(final);
    const curve = evalCallback.evaluations.map((e) => `${e.timesteps / 1000}k: ${e.meanReward.toFixed(0)}`).join(', ');
    rows.push(`| ${seed} | ${final.toFixed(1)} | ${Math.max(...evalCallback.evaluations.map((e) => e.meanReward), final).toFixed(1)} | ${(budget / wall).toFixed(0)} | ${curve} |`);
    // Each seed's row as soon as it is done (a 30k-step run takes many minutes on a busy machine).
    console.error(rows[rows.length - 1]);
  }
  const mean = finals.reduce((a, b) => a + b, 0) / finals.length;
  return [
    `### ${flags.algo.toUpperCase()} Pendulum-v1, zoo hyperparameters, [${flags.net}] nets, ${budget} steps (target ≥ −200; SB3 zoo ≈ −152 at 20k)`,
    '',
    '| seed | final eval (10 ep.) | best eval | steps/s | eval curve (5 ep. each) |',
    '|---|---|---|---|---|',
    ...rows,
    '',
    `Mean final eval over seeds ${flags.seeds.join(', ')}: ${mean.toFixed(1)}`,
    '',
  ];
}

async function dvfs(flags: Flags): Promise<string[]> {
  const bins = [5, 3, 14, 3, 4];
  const discretize = (task?: DvfsTask) =>
    new DiscretizeObservation(make('DVFS-v0', task === undefined ? { actionMode: 'absolute', sampleTasks: true } : { actionMode: 'absolute', task }), { bins, low: [0, 0, 0, 0.5, 0.5], high: [1, 1, 1, 1.25, 1.5] });
  // Held-out tasks: a catalog the agent never trains on (it trains on tasks sampled afresh each episode).
  const heldOut = dvfsTasks.catalog(20, 2024);
  const run = (policy: (obs: number, info: Record<string, unknown>, task: DvfsTask) => number) => {
    let sum = 0;
    for (const [k, task] of heldOut.entries()) {
      const env = discretize(task);
      let { observation, info } = env.reset({ seed: 500 + k });
      for (let t = 0; t < 200; t++) {
        const r = env.step(policy(observation, info, task));
        sum += r.reward / heldOut.length;
        observation = r.observation;
        info = r.info;
      }
    }
    return sum;
  };
  const governor = ondemandGovernor();
  const ondemand = run((_o, info, task) => governor.nextLevel({ level: info.level as number, utilization: info.utilization as number }, task.cpu));
  const nominal = run((_o, _i, task) => task.cpu.nominalLevel);
  const rows: string[] = [];
  for (const seed of flags.seeds) {
    const agent = new QLearning(discretize(), { seed, learningRate: 0.1, gamma: 0.9, explorationFraction: 0.5 });
    const c0 = cpuSeconds();
    await agent.learn({ totalTimesteps: flags.dvfsSteps });
    const cpu = cpuSeconds() - c0;
    const q = run((obs) => agent.predict(obs, { deterministic: true }));
    rows.push(`| ${seed} | ${q.toFixed(2)} | ${ondemand.toFixed(2)} | ${nominal.toFixed(2)} | ${(flags.dvfsSteps / cpu).toFixed(0)} |`);
  }
  return [
    `### QLearning on DVFS-v0 (absolute levels, bins [${bins}]), ${flags.dvfsSteps} steps, 20 held-out tasks × 200 steps`,
    '',
    '| seed | QLearning mean return | ondemand | fixed nominal level | training steps/s (CPU) |',
    '|---|---|---|---|---|',
    ...rows,
    '',
  ];
}

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2));
  const lines = ['## Off-policy agents (DDPG/TD3, QLearning)', '', machineLine(), '', `Command: \`node dist/benchmarks/learning-offpolicy.js ${process.argv.slice(2).join(' ')}\``, ''];
  const speed: string[] = [];
  if (flags.only.has('grad-step')) speed.push(...(await gradStep(flags)));
  if (flags.only.has('throughput')) speed.push(...(await throughput(flags)));
  if (speed.length > 0) lines.push('| measurement | flash-gym | SB3 2.x (issue 6) |', '|---|---|---|', ...speed, '');
  if (flags.only.has('pendulum')) lines.push(...(await pendulum(flags)));
  if (flags.only.has('dvfs')) lines.push(...(await dvfs(flags)));
  console.log(lines.join('\n'));
}

// Run only as the entry point: torch-reference.ts imports the helpers above without running the cases.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href) await main();
