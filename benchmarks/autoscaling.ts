/**
 * Autoscaling benchmark (`npm run bench:autoscaling`): steps per second of Autoscaling-v0 through `make`
 * (PassiveEnvChecker, OrderEnforcing, TimeLimit at 50 steps), single-threaded, with pre-sampled random
 * actions and a reset at every episode end (included in the time), median of several runs; and the time
 * of `autoscalingTasks.catalog(1000, seed)`. Prints a Markdown report with the machine, command and date.
 *
 * Usage: node dist/benchmarks/autoscaling.js [--runs N] [--ms M] [--clock wall|cpu] [--check]
 * Targets (issue 4): Autoscaling-v0 ≥ 300,000 steps/s; catalog(1000) in under 1 s.
 */
import { make } from '../envs/index.js';
import { autoscalingTasks } from '../envs/autoscaling/index.js';
import { Rng } from '../envs/rng/rng.js';
import { machineLine } from './lib/machine-info.js';
import { measureStepThroughput, median } from './lib/step-throughput.js';

const STEP_TARGET = 300_000;
const CATALOG_TARGET_MS = 1000;

interface Case {
  readonly label: string;
  readonly id: string;
  readonly kwargs: Record<string, unknown>;
  readonly sampleAction: (rng: Rng) => unknown;
  readonly target: boolean;
}

const catalog = autoscalingTasks.catalog(1000, 0);
const diurnalDrifting = catalog.find((t) => t.pattern.kind === 'diurnal' && t.drift !== undefined && t.segments.length === 3);

const CASES: readonly Case[] = [
  { label: 'Autoscaling-v0 (default task)', id: 'Autoscaling-v0', kwargs: {}, sampleAction: (rng) => rng.integers(0, 7), target: true },
  {
    label: `Autoscaling-v0 (${diurnalDrifting?.id}: 3 segments, diurnal, drifting)`,
    id: 'Autoscaling-v0',
    kwargs: { task: diurnalDrifting },
    sampleAction: (rng) => rng.integers(0, 7),
    target: true,
  },
  {
    label: 'AutoscalingContinuous-v0 (default task)',
    id: 'AutoscalingContinuous-v0',
    kwargs: {},
    sampleAction: (rng) => Float32Array.from([rng.uniform(-1, 1), rng.uniform(-1, 1), rng.uniform(-1, 1)]),
    target: false,
  },
];

function argValue(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
}

function main(): void {
  const runs = Number(argValue('--runs', '5'));
  const runMs = Number(argValue('--ms', '500'));
  const clock = argValue('--clock', 'wall') === 'cpu' ? 'cpu' : 'wall';
  const check = process.argv.includes('--check');
  let missed = false;
  const rows: string[] = [];
  for (const c of CASES) {
    const env = make(c.id, c.kwargs);
    const rng = new Rng(0);
    const actions = Array.from({ length: 4096 }, () => c.sampleAction(rng));
    const result = measureStepThroughput(env, { actions, runs, runMs, clock });
    const meets = result.stepsPerSecond >= STEP_TARGET;
    if (c.target && !meets) missed = true;
    rows.push(`| ${c.label} | ${Math.round(result.stepsPerSecond).toLocaleString('en-US')} | ${c.target ? (meets ? 'yes' : 'no') : '(no target)'} |`);
    env.close();
  }

  const catalogMs: number[] = [];
  for (let r = 0; r < runs; r++) {
    const start = performance.now();
    const tasks = autoscalingTasks.catalog(1000, 100 + r);
    catalogMs.push(performance.now() - start);
    if (tasks.length !== 1000) throw new Error('catalog(1000) returned the wrong number of tasks');
  }
  const catalogMedian = median(catalogMs);
  const worst = Math.max(...catalogMs);
  if (worst >= CATALOG_TARGET_MS) missed = true;

  const lines = [
    '## Autoscaling throughput',
    '',
    `Through \`make\` (50-step episodes), single-threaded, random actions, resets included; median of ${runs} runs of ${runMs} ms (${clock} clock). Target: ≥ ${STEP_TARGET.toLocaleString('en-US')} steps/s for Autoscaling-v0.`,
    '',
    '| Env | Steps/s | ≥ target |',
    '|---|---:|:---:|',
    ...rows,
    '',
    `\`autoscalingTasks.catalog(1000, seed)\`: median ${catalogMedian.toFixed(0)} ms, slowest ${worst.toFixed(0)} ms over ${runs} seeds (the first includes JIT warm-up; the catalog built at start-up for the cases above came before). Target: < ${CATALOG_TARGET_MS} ms.`,
    '',
    machineLine(),
    'Command: `npm run bench:autoscaling`',
    `Date: ${new Date().toISOString().slice(0, 10)}`,
  ];
  console.log(lines.join('\n'));
  if (check && missed) process.exitCode = 1;
}

main();
