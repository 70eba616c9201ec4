/**
 * `node dist/benchmarks/torch-reference.js [flags]`: flash-gym's TD3/DDPG speed side by side with a bare
 * PyTorch loop (`benchmarks/reference/torch_offpolicy.py`: the arithmetic Stable-Baselines3 runs, without
 * SB3's Python layers, so its cost is a lower bound on SB3's) in one run, taking turns, so the machine's
 * drifting speed hits both alike. An optional reference: it needs a python with torch and numpy
 * (`$FLASH_GYM_PYTHON`, default `/usr/bin/python3`), skips itself when there is none, and is never part of
 * `npm test`.
 *
 * Flags: `--algo td3|ddpg` (default td3), `--only grad-step,throughput` (default both), `--steps N`
 * (throughput run length, default 20000; learning starts at half of it), `--rounds N` (grad-step rounds
 * after the warm-up round, default 10).
 *
 * - `grad-step`: for torch with one thread, then two: a `serve` process and a flash-gym agent past learning
 *   starts (learning-offpolicy's grad-step agent) take turns, 20 gradient steps each per round; medians.
 * - `throughput`: SB3's protocol (fresh agent, `learn(20000)`, 10,000 random steps then one gradient step per
 *   env step), runs in the order torch, flash-gym, flash-gym, torch; each torch turn runs one thread, then two.
 *
 * flash-gym's own thread count follows `FLASH_GYM_GEMM_THREADS` (default two on two cores). Torch's thread
 * count is set per child (`--threads`, `OMP_NUM_THREADS`; OpenBLAS stays at one, see `torchEnv`); its faster
 * setting is the one compared (SB3's figures are for its fastest setup).
 *
 * Run it on an otherwise idle machine and not under `nice`: torch's two-thread runs wait at every OpenMP
 * barrier for their slower thread, so a busy core slows them far more than flash-gym (a niced `--steps 600`
 * check beside another process ran torch's two-thread DDPG at 6 steps/s against 140 with one thread).
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { make } from '../envs/index.js';
import { evaluatePolicy } from '../agents/common/evaluation.js';
import { machineLine } from './lib/machine-info.js';
import { gradStepAgent, kernelSetup, makeAgent, zoo, type Flags as OffPolicyFlags } from './learning-offpolicy.js';

const PYTHON = process.env.FLASH_GYM_PYTHON !== undefined && process.env.FLASH_GYM_PYTHON !== '' ? process.env.FLASH_GYM_PYTHON : '/usr/bin/python3';
// The script is not compiled: from dist/benchmarks/ back to the source tree's benchmarks/reference/.
const SCRIPT = fileURLToPath(new URL('../../benchmarks/reference/torch_offpolicy.py', import.meta.url));
const TORCH_THREADS = [1, 2] as const;
/** Gradient steps per turn in the grad-step case (as learning-offpolicy's grad-step case). */
const BLOCK = 20;

interface Flags {
  algo: 'td3' | 'ddpg';
  only: Set<string>;
  steps: number;
  rounds: number;
}

function parseFlags(argv: readonly string[]): Flags {
  const get = (name: string): string | undefined => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const cases = ['grad-step', 'throughput'];
  const only = new Set((get('only') ?? cases.join(',')).split(','));
  for (const o of only) if (!cases.includes(o)) throw new Error(`--only: unknown case "${o}"; allowed: ${cases.join(', ')}`);
  const algo = get('algo') ?? 'td3';
  if (algo !== 'td3' && algo !== 'ddpg') throw new Error(`--algo must be td3 or ddpg, got ${algo}`);
  const num = (name: string, dflt: number, min: number): number => {
    const v = Number(get(name) ?? dflt);
    if (!Number.isInteger(v) || v < min) throw new Error(`--${name} must be an integer ≥ ${min}, got ${get(name)}`);
    return v;
  };
  return { algo, only, steps: num('steps', 20000, 2), rounds: num('rounds', 10, 1) };
}

/** learning-offpolicy's flags for its helpers: the zoo's [400, 300] nets, the default engine. */
function offPolicyFlags(flags: Flags): OffPolicyFlags {
  return { only: new Set(), algo: flags.algo, net: [400, 300], seeds: [0], steps: flags.steps, evalFreq: 5000, engine: 'auto', dvfsSteps: 200000 };
}

/** The torch version the reference python imports, or undefined when it cannot import torch and numpy. */
function torchVersion(): string | undefined {
  const r = spawnSync(PYTHON, ['-c', 'import numpy, torch; print(torch.__version__)'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/**
 * The child's environment. Torch's intra-op pool (OpenMP) gets `threads`; Debian's OpenBLAS keeps one thread,
 * since its own pool would run beside OpenMP's: with both at two, four busy-waiting threads share two cores and
 * a TD3 step took 48 ms, against 14 with OpenMP at two and OpenBLAS at one, and 14 with OpenBLAS alone at two.
 * Pools must be sized before torch loads, not only by `set_num_threads`.
 */
function torchEnv(threads: number): NodeJS.ProcessEnv {
  return { ...process.env, OMP_NUM_THREADS: String(threads), OPENBLAS_NUM_THREADS: '1' };
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** A `torch_offpolicy.py serve` child: one request (a line `N`) at a time, answered by `{"ms": …}`. */
class TorchServer {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly lines: AsyncIterator<string>;
  private readonly exited: Promise<number | null>;

  constructor(algo: string, threads: number) {
    this.child = spawn(PYTHON, [SCRIPT, 'serve', '--algo', algo, '--threads', String(threads), '--seed', '0'], { env: torchEnv(threads) });
    // Python's tracebacks go to our stderr so a failure says why.
    this.child.stderr.pipe(process.stderr);
    this.lines = createInterface({ input: this.child.stdout })[Symbol.asyncIterator]();
    this.exited = new Promise((resolve, reject) => {
      this.child.once('error', reject);
      this.child.once('exit', (code) => resolve(code));
    });
    // A spawn failure before the first request must not crash the process as an unhandled rejection;
    // steps() and close() still see it.
    this.exited.catch(() => undefined);
  }

  /** Runs `n` gradient steps in the child; mean milliseconds per step, timed inside the child (no pipe latency). */
  async steps(n: number): Promise<number> {
    this.child.stdin.write(`${n}\n`);
    const next = await Promise.race([this.lines.next(), this.exited.then((code) => ({ done: true as const, value: `exit ${code}` }))]);
    if (next.done === true) throw new Error(`torch serve process ended before answering (${next.value})`);
    const { ms } = JSON.parse(next.value) as { ms: number };
    return ms;
  }

  /** Closes the child's stdin (its exit signal) and waits for it. */
  async close(): Promise<void> {
    this.child.stdin.end();
    const code = await this.exited;
    if (code !== 0) throw new Error(`torch serve process exited with code ${code}`);
  }
}

/**
 * Gradient steps side by side: for each torch thread setting, a serve process and a fresh flash-gym agent past
 * learning starts take turns (flash-gym's 20 steps, then torch's 20) for a warm-up round and `rounds` rounds.
 */
async function gradStep(flags: Flags, torch: string): Promise<string[]> {
  const rows: string[] = [];
  const results: { threads: number; flash: number; torch: number }[] = [];
  let engine = '';
  for (const threads of TORCH_THREADS) {
    const server = new TorchServer(flags.algo, threads);
    try {
      const { agent, step } = await gradStepAgent(offPolicyFlags(flags), true);
      engine = agent.engine ?? engine;
      const flashMs: number[] = [];
      const torchMs: number[] = [];
      // Round 0 is the warm-up: torch's first steps include its thread pools' and allocator's start-up.
      for (let round = 0; round <= flags.rounds; round++) {
        const t0 = performance.now();
        step(BLOCK);
        const f = (performance.now() - t0) / BLOCK;
        const t = await server.steps(BLOCK);
        if (round > 0) {
          flashMs.push(f);
          torchMs.push(t);
        }
      }
      const r = { threads, flash: median(flashMs), torch: median(torchMs) };
      results.push(r);
      const spread = (xs: number[]) => `${Math.min(...xs).toFixed(1)}–${Math.max(...xs).toFixed(1)}`;
      rows.push(`| torch ${threads} thread${threads > 1 ? 's' : ''} | ${r.flash.toFixed(1)} ms (${spread(flashMs)}) | ${r.torch.toFixed(1)} ms (${spread(torchMs)}) | ${(r.torch / r.flash).toFixed(2)} |`);
    } finally {
      await server.close();
    }
  }
  const best = results.reduce((a, b) => (b.torch < a.torch ? b : a));
  return [
    `### One ${flags.algo.toUpperCase()} gradient step, batch 256, [400, 300]: flash-gym (${engine}; ${kernelSetup()}) and torch ${torch}, taking turns`,
    '',
    `${BLOCK} steps per turn, ${flags.rounds} round${flags.rounds > 1 ? 's' : ''} after a warm-up round; medians (range) of the per-turn means. SB3 ≈ 14.5 ms (issue 6).`,
    '',
    '| torch setting | flash-gym ms/step | torch ms/step | torch / flash-gym (above 1: flash-gym faster) |',
    '|---|---|---|---|',
    ...rows,
    `| **torch's best (${best.threads} thread${best.threads > 1 ? 's' : ''})** | ${best.flash.toFixed(1)} ms | ${best.torch.toFixed(1)} ms | **${(best.torch / best.flash).toFixed(2)}** |`,
    '',
  ];
}

interface ThroughputRun {
  who: string;
  threads: number;
  stepsPerSecond: number;
  seconds: number;
  evalReturn: number;
}

/** One torch `learn` run in a child process (it reports its own timing of the training loop). */
function torchLearn(flags: Flags, threads: number, learningStarts: number): ThroughputRun {
  const args = [SCRIPT, 'learn', '--algo', flags.algo, '--threads', String(threads), '--seed', '0', '--steps', String(flags.steps), '--learning-starts', String(learningStarts)];
  const r = spawnSync(PYTHON, args, { env: torchEnv(threads), encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (r.status !== 0) throw new Error(`torch learn (${threads} threads) failed with status ${r.status}${r.error === undefined ? '' : `: ${r.error.message}`}`);
  const out = JSON.parse(r.stdout.trim().split('\n').pop() ?? '') as { stepsPerSecond: number; seconds: number; evalReturn: number };
  return { who: 'torch', threads, ...out };
}

/** One flash-gym run with learning-offpolicy's throughput protocol (fresh zoo agent, learning starts at half the budget). */
async function flashLearn(flags: Flags, learningStarts: number): Promise<ThroughputRun> {
  const oflags = offPolicyFlags(flags);
  const agent = makeAgent(oflags, { ...zoo(oflags, 0), learningStarts });
  const w0 = performance.now();
  await agent.learn({ totalTimesteps: flags.steps });
  const seconds = (performance.now() - w0) / 1000;
  // Not timed: a check that both sides learned comparably (the same 10-episode deterministic evaluation).
  const evalReturn = evaluatePolicy(agent, make('Pendulum-v1'), { nEvalEpisodes: 10, seed: 10_000 }).meanReward;
  return { who: 'flash-gym', threads: kernelSetup().includes('two threads') ? 2 : 1, stepsPerSecond: flags.steps / seconds, seconds, evalReturn };
}

/** Whole training runs, alternating torch, flash-gym, flash-gym, torch (each torch turn: one thread, then two). */
async function throughput(flags: Flags, torch: string): Promise<string[]> {
  const learningStarts = Math.floor(flags.steps / 2);
  const runs: ThroughputRun[] = [];
  const record = (run: ThroughputRun): void => {
    runs.push(run);
    // Each run as soon as it is done: a full set takes several minutes.
    console.error(`${run.who} (${run.threads} thread${run.threads > 1 ? 's' : ''}): ${run.stepsPerSecond.toFixed(1)} steps/s`);
  };
  for (const turn of ['torch', 'flash', 'flash', 'torch'] as const) {
    if (turn === 'torch') for (const threads of TORCH_THREADS) record(torchLearn(flags, threads, learningStarts));
    else record(await flashLearn(flags, learningStarts));
  }
  const flash = median(runs.filter((r) => r.who === 'flash-gym').map((r) => r.stepsPerSecond));
  const torchBy = TORCH_THREADS.map((threads) => ({ threads, sps: median(runs.filter((r) => r.who === 'torch' && r.threads === threads).map((r) => r.stepsPerSecond)) }));
  const best = torchBy.reduce((a, b) => (b.sps > a.sps ? b : a));
  return [
    `### ${flags.algo.toUpperCase()} Pendulum-v1 training throughput, SB3 protocol (fresh agent, learn(${flags.steps}): ${learningStarts} random steps, then one gradient step per env step)`,
    '',
    `flash-gym: ${kernelSetup()}; torch ${torch}. Order: torch, flash-gym, flash-gym, torch. SB3 ≈ ${flags.algo === 'td3' ? '176 (2 threads), 133 (1)' : '190 (2 threads), 141 (1)'} steps/s (issue 6).`,
    '',
    '| # | run | threads | steps/s | seconds | eval return (10 ep., not timed) |',
    '|---|---|---|---|---|---|',
    ...runs.map((r, i) => `| ${i + 1} | ${r.who} | ${r.threads} | ${r.stepsPerSecond.toFixed(1)} | ${r.seconds.toFixed(1)} | ${r.evalReturn.toFixed(1)} |`),
    '',
    `Medians: flash-gym ${flash.toFixed(1)} steps/s; torch ${torchBy.map((t) => `${t.sps.toFixed(1)} (${t.threads} thread${t.threads > 1 ? 's' : ''})`).join(', ')}. ` +
      `**torch's best / flash-gym: ${(best.sps / flash).toFixed(2)}** (below 1: flash-gym faster).`,
    '',
  ];
}

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2));
  const torch = torchVersion();
  if (torch === undefined) {
    // An optional reference: say what is missing and succeed, so scripts that run every benchmark go on.
    console.log(`PyTorch reference skipped: ${PYTHON} cannot import torch and numpy. Install them with \`apt-get install python3-torch libopenblas0-pthread\` (or set FLASH_GYM_PYTHON to a python that has them).`);
    return;
  }
  const label = `${torch} (${PYTHON})`;
  const lines = [
    `## flash-gym ${flags.algo.toUpperCase()} against a bare PyTorch loop, side by side`,
    '',
    machineLine(),
    '',
    `Command: \`node dist/benchmarks/torch-reference.js ${process.argv.slice(2).join(' ')}\`${process.env.FLASH_GYM_GEMM_THREADS === undefined ? '' : ` with FLASH_GYM_GEMM_THREADS=${process.env.FLASH_GYM_GEMM_THREADS}`}`,
    '',
  ];
  if (flags.only.has('grad-step')) lines.push(...(await gradStep(flags, label)));
  if (flags.only.has('throughput')) lines.push(...(await throughput(flags, label)));
  console.log(lines.join('\n'));
}

await main();
