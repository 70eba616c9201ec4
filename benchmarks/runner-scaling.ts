/**
 * Suite runner scaling benchmark (issue 8): the same suite run with 1 worker and with 2, in fresh output
 * folders, alternating for several rounds; reports the wall time of each and the speed-up (median time with
 * 1 worker ÷ median time with 2). Target: ≥ 1.7× on a 2-core machine.
 *
 * Usage: node dist/benchmarks/runner-scaling.js [--suite learning|random] [--seeds N] [--steps N] [--rounds R] [--check]
 *   --suite   learning (default): PPO on CartPole-v1 with SB3 defaults, one run per seed, `--steps` each;
 *             random: random-policy episodes on every env (short runs: measures the runner's own overhead)
 *   --seeds   runs of the learning suite (default 4; an even number keeps both workers busy to the end)
 *   --steps   training steps per learning run (default 65536: 32 PPO rollouts and updates, ~5 s a run, long
 *             enough that each worker thread's start-up — loading TensorFlow.js and the envs, about a second —
 *             is small)
 *   --rounds  alternating 1-worker / 2-worker rounds (default 2)
 *   --check   exit with status 1 when the speed-up is below 1.7
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { machineLine } from './lib/machine-info.js';
import { median } from './lib/step-throughput.js';
import { runSuite } from './runner/run-suite.js';
import type { SuiteDefinition } from './runner/types.js';
import { learningSuite } from './suites/learning.js';
import { randomBaselineSuite } from './suites/random-baseline.js';
import '../envs/index.js';

const TARGET = 1.7;

interface Options {
  suite: 'learning' | 'random';
  seeds: number;
  steps: number;
  rounds: number;
  check: boolean;
}

function parseArgs(argv: readonly string[]): Options {
  const options: Options = { suite: 'learning', seeds: 4, steps: 65536, rounds: 2, check: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const int = (): number => {
      const n = Number(argv[++i]);
      if (!Number.isInteger(n) || n <= 0) throw new Error(`${arg} must be a positive integer, got ${argv[i]}`);
      return n;
    };
    if (arg === '--suite') {
      const s = argv[++i];
      if (s !== 'learning' && s !== 'random') throw new Error(`--suite must be learning or random, got ${s}`);
      options.suite = s;
    } else if (arg === '--seeds') options.seeds = int();
    else if (arg === '--steps') options.steps = int();
    else if (arg === '--rounds') options.rounds = int();
    else if (arg === '--check') options.check = true;
    else throw new Error(`unknown argument ${arg}; usage: runner-scaling.js [--suite learning|random] [--seeds N] [--steps N] [--rounds R] [--check]`);
  }
  return options;
}

function buildSuite(options: Options): SuiteDefinition {
  if (options.suite === 'random') return randomBaselineSuite({ size: 'full', seeds: options.seeds });
  return learningSuite({ size: 'quick', filter: 'ppo', seeds: options.seeds, steps: options.steps });
}

/**
 * Runs the suite once with `workers` in a fresh folder; returns the wall seconds and the cores the process
 * kept busy on average (its CPU time ÷ wall time; worker threads count): near `workers` when the machine has
 * idle cores, lower when other work takes them.
 */
async function timeSuite(suite: SuiteDefinition, workers: number): Promise<{ seconds: number; cores: number }> {
  const out = mkdtempSync(join(tmpdir(), 'flash-gym-scaling-'));
  try {
    const cpu0 = process.cpuUsage();
    const outcome = await runSuite(suite, { out, workers, write: null });
    const cpu = process.cpuUsage(cpu0);
    if (outcome.failed > 0) throw new Error(`${outcome.failed} runs failed: ${outcome.records.filter((r) => r.status === 'failed').map((r) => (r.status === 'failed' ? r.error : '')).join('; ')}`);
    return { seconds: outcome.wallSeconds, cores: (cpu.user + cpu.system) / 1e6 / outcome.wallSeconds };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const suite = buildSuite(options);
  console.log(`# Suite runner scaling: ${suite.name} suite, ${suite.runs.length} runs, 1 vs 2 workers, ${options.rounds} alternating rounds\n`);
  console.log(machineLine());
  const load = loadavg()[0];
  console.log(`Load average (1 min) at start: ${load.toFixed(2)} on ${cpus().length} cores${load > 0.5 ? ' — other work is running: the speed-up is understated' : ''}`);
  console.log(`Command: node dist/benchmarks/runner-scaling.js${process.argv.slice(2).map((a) => ` ${a}`).join('')}\n`);
  const times: Record<1 | 2, number[]> = { 1: [], 2: [] };
  for (let round = 0; round < options.rounds; round++) {
    for (const workers of [1, 2] as const) {
      const { seconds, cores } = await timeSuite(suite, workers);
      times[workers].push(seconds);
      console.log(`round ${round + 1}, ${workers} worker${workers > 1 ? 's' : ''}: ${seconds.toFixed(2)} s, ${cores.toFixed(2)} cores busy on average`);
    }
  }
  const one = median(times[1]);
  const two = median(times[2]);
  const speedup = one / two;
  console.log('\n| workers | median wall time (s) | runs/min |');
  console.log('|---:|---:|---:|');
  console.log(`| 1 | ${one.toFixed(2)} | ${((suite.runs.length / one) * 60).toFixed(1)} |`);
  console.log(`| 2 | ${two.toFixed(2)} | ${((suite.runs.length / two) * 60).toFixed(1)} |`);
  console.log(`\nSpeed-up with 2 workers: ${speedup.toFixed(2)}× (target ≥ ${TARGET}×): ${speedup >= TARGET ? 'PASS' : 'MISS'}; load average at end ${loadavg()[0].toFixed(2)}`);
  if (options.check && speedup < TARGET) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
