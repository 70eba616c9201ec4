/**
 * Env throughput benchmark (`npm run bench:envs`): steps per second of every registered env, bare
 * (`spec(id).entryPoint(kwargs)`) and through `make` (PassiveEnvChecker, OrderEnforcing, TimeLimit),
 * median of several runs, with pre-sampled random actions and a reset at every episode end.
 *
 * Each measurement runs in a fresh Node process, so that the JIT's view of one env (inline caches, optimized
 * code) is not polluted by the envs measured before it — as in a training process, which steps one env
 * type. Bare and make processes alternate for several rounds, so that load from other work on the machine
 * falls on both alike; the figure is the median over all runs of all rounds.
 *
 * Usage: node dist/benchmarks/envs.js [--rounds R] [--runs N] [--ms M] [--clock wall|cpu] [--filter TEXT] [--check]
 *   --rounds  alternating bare/make processes per env (default 4)
 *   --runs    timed runs per process (default 3); the median over rounds × runs is reported
 *   --ms      target milliseconds per run (default 250)
 *   --clock   wall: elapsed time (default); cpu: the process's CPU time, for a machine shared with other work
 *   --filter  only env ids containing TEXT
 *   --check   exit with status 1 when a target below is missed
 * Targets (issue 2): CartPole-v1 through make ≥ 1,070,000 steps/s (10× Gymnasium's 107,000 steps/s), and
 * the wrapper stack costs at most 2× over the bare env.
 */
import { spawnSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { listEnvs, make, spec } from '../envs/index.js';
import type { Env } from '../envs/index.js';
import { machineLine } from './lib/machine-info.js';
import { measureStepThroughput, median, type StepThroughput } from './lib/step-throughput.js';

type Mode = 'bare' | 'make';

interface Measurement {
  id: string;
  mode: Mode;
  result?: StepThroughput;
  error?: string;
}

interface Options {
  clock: 'wall' | 'cpu';
  rounds: number;
  runs: number;
  runMs: number;
  filter: string | undefined;
  check: boolean;
}

const CARTPOLE_TARGET = 1_070_000;
const GYMNASIUM_CARTPOLE_MAKE = 107_000;
const MAX_WRAPPER_COST = 2;
const ACTION_POOL = 4096;

function parseArgs(argv: readonly string[]): Options & { child?: { id: string; mode: Mode } } {
  const options: Options & { child?: { id: string; mode: Mode } } = { clock: 'wall', rounds: 4, runs: 3, runMs: 250, filter: undefined, check: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    switch (arg) {
      case '--rounds':
        options.rounds = positiveInteger(arg, value());
        break;
      case '--runs':
        options.runs = positiveInteger(arg, value());
        break;
      case '--ms':
        options.runMs = positiveInteger(arg, value());
        break;
      case '--clock': {
        const clock = value();
        if (clock !== 'wall' && clock !== 'cpu') throw new Error(`--clock must be wall or cpu, got ${clock}`);
        options.clock = clock;
        break;
      }
      case '--filter':
        options.filter = value();
        break;
      case '--check':
        options.check = true;
        break;
      case '--child': {
        const id = value();
        const mode = value();
        if (mode !== 'bare' && mode !== 'make') throw new Error(`--child mode must be bare or make, got ${mode}`);
        options.child = { id, mode };
        break;
      }
      default:
        throw new Error(`unknown argument ${arg}; usage: envs.js [--rounds R] [--runs N] [--ms M] [--clock wall|cpu] [--filter TEXT] [--check]`);
    }
  }
  return options;
}

function positiveInteger(name: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer, got ${text}`);
  return n;
}

/** Measures one env in one mode, in this process. */
function measure(id: string, mode: Mode, options: Options): Measurement {
  const envSpec = spec(id);
  const env: Env<unknown, unknown> = mode === 'bare' ? envSpec.entryPoint({ ...envSpec.kwargs }) : make(id);
  env.actionSpace.seed(0);
  const actions = Array.from({ length: ACTION_POOL }, () => env.actionSpace.sample());
  const result = measureStepThroughput(env, {
    actions,
    runs: options.runs,
    runMs: options.runMs,
    clock: options.clock,
    // A bare env has no TimeLimit: the harness ends its episodes at the same length make() would.
    episodeLimit: mode === 'bare' ? envSpec.maxEpisodeSteps : undefined,
  });
  env.close();
  return { id, mode, result };
}

/** Measures one env in one mode in a fresh Node process. */
function measureInChild(id: string, mode: Mode, options: Options): Measurement {
  const args = [fileURLToPath(import.meta.url), '--child', id, mode, '--runs', String(options.runs), '--ms', String(options.runMs), '--clock', options.clock];
  const child = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (child.status !== 0) {
    const lines = (child.stderr || child.error?.message || '').trim().split('\n');
    const why = lines.find((line) => /^\w*Error\b/.test(line.trim())) ?? lines.pop() ?? `exit status ${child.status}`;
    return { id, mode, error: why };
  }
  const lastLine = child.stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(lastLine) as Measurement;
}

/**
 * Alternates bare and make processes for `rounds` rounds (the `mode` argument picks which result to return
 * from a shared cache, so each env is measured once per mode per round).
 */
const roundsCache = new Map<string, Record<Mode, { stepsPerSecond?: number; error?: string }>>();
function measureRounds(id: string, mode: Mode, options: Options): { stepsPerSecond?: number; error?: string } {
  let cached = roundsCache.get(id);
  if (cached === undefined) {
    const runs: Record<Mode, number[]> = { bare: [], make: [] };
    const errors: Partial<Record<Mode, string>> = {};
    for (let round = 0; round < options.rounds; round++) {
      for (const m of ['bare', 'make'] as const) {
        if (errors[m] !== undefined) continue;
        // One retry: a process can die of something passing (e.g. the build being rewritten under it).
        let measured = measureInChild(id, m, options);
        if (!measured.result) measured = measureInChild(id, m, options);
        if (measured.result) runs[m].push(...measured.result.runs);
        else errors[m] = measured.error ?? 'unknown error';
      }
    }
    const summary = (m: Mode) => (errors[m] !== undefined ? { error: errors[m] } : { stepsPerSecond: median(runs[m]) });
    cached = { bare: summary('bare'), make: summary('make') };
    roundsCache.set(id, cached);
  }
  return cached[mode];
}

function formatRate(stepsPerSecond: number): string {
  return Math.round(stepsPerSecond).toLocaleString('en-US');
}

function main(): void {
  const options = parseArgs(process.argv.slice(2));
  if (options.child) {
    process.stdout.write(`${JSON.stringify(measure(options.child.id, options.child.mode, options))}\n`);
    return;
  }
  const ids = listEnvs().filter((id) => options.filter === undefined || id.includes(options.filter));
  const clockText = options.clock === 'cpu' ? 'per second of CPU time' : 'per second (wall clock)';
  console.log(
    `# Env throughput: steps ${clockText}, median of ${options.rounds} rounds × ${options.runs} runs of ~${options.runMs} ms; ` +
      'random actions; reset on episode end\n',
  );
  console.log(machineLine());
  console.log(`Load average (1 min): ${loadavg()[0].toFixed(2)} on ${cpus().length} cores${loadavg()[0] > cpus().length / 2 && options.clock === 'wall' ? ' — a busy machine: wall-clock figures are unreliable, try --clock cpu' : ''}`);
  console.log(`Command: node dist/benchmarks/envs.js${process.argv.slice(2).map((a) => ` ${a}`).join('')}\n`);
  console.log('| env | bare steps/s | make steps/s | wrapper cost (bare ÷ make) |');
  console.log('|---|---:|---:|---:|');
  const rows: Array<{ id: string; bare?: number; made?: number }> = [];
  for (const id of ids) {
    const bare = measureRounds(id, 'bare', options);
    const made = measureRounds(id, 'make', options);
    const b = bare.stepsPerSecond;
    const m = made.stepsPerSecond;
    rows.push({ id, bare: b, made: m });
    const cell = (x: { stepsPerSecond?: number; error?: string }) => (x.stepsPerSecond !== undefined ? formatRate(x.stepsPerSecond) : `error: ${x.error}`);
    const ratio = b !== undefined && m !== undefined ? `${(b / m).toFixed(2)}×` : '–';
    console.log(`| ${id} | ${cell(bare)} | ${cell(made)} | ${ratio} |`);
  }

  const misses: string[] = [];
  const cartPole = rows.find((r) => r.id === 'CartPole-v1');
  if (cartPole?.made !== undefined) {
    const ok = cartPole.made >= CARTPOLE_TARGET;
    console.log(
      `\nCartPole-v1 through make: ${formatRate(cartPole.made)} steps/s = ${(cartPole.made / GYMNASIUM_CARTPOLE_MAKE).toFixed(1)}× ` +
        `Gymnasium's ${formatRate(GYMNASIUM_CARTPOLE_MAKE)} (target ≥ ${formatRate(CARTPOLE_TARGET)}): ${ok ? 'PASS' : 'MISS'}`,
    );
    if (!ok) misses.push('CartPole-v1 make throughput');
  }
  for (const row of rows) {
    if (row.bare !== undefined && row.made !== undefined && row.bare / row.made > MAX_WRAPPER_COST) {
      misses.push(`${row.id} wrapper cost ${(row.bare / row.made).toFixed(2)}×`);
    }
  }
  console.log(`Wrapper cost ≤ ${MAX_WRAPPER_COST}× on every env: ${misses.some((m) => m.includes('wrapper')) ? 'MISS' : 'PASS'}`);
  const failed = rows.filter((r) => r.bare === undefined || r.made === undefined).map((r) => r.id);
  if (failed.length > 0) console.log(`Could not measure: ${failed.join(', ')}`);
  if (options.check && (misses.length > 0 || failed.length > 0)) {
    console.error(`targets missed: ${[...misses, ...failed.map((id) => `${id} failed`)].join('; ')}`);
    process.exitCode = 1;
  }
}

main();
