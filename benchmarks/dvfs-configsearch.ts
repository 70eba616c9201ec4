/**
 * DVFS and configuration-search throughput (`npm run bench:dvfs-configsearch`): steps per second of
 * DVFS-v0 and ConfigSearch-v0 through `make` (PassiveEnvChecker, OrderEnforcing, TimeLimit where set),
 * single-threaded, with pre-sampled random actions and a reset at every episode end (included in the
 * time), median of several runs. Prints a Markdown table with the machine, command and date.
 *
 * Usage: node dist/benchmarks/dvfs-configsearch.js [--runs N] [--ms M] [--clock wall|cpu] [--check]
 * Target (issue 5): ≥ 500,000 steps/s for each env.
 */
import { make } from '../envs/index.js';
import { Rng } from '../envs/rng/rng.js';
import { machineLine } from './lib/machine-info.js';
import { measureStepThroughput } from './lib/step-throughput.js';

const TARGET = 500_000;

interface Case {
  readonly label: string;
  readonly id: string;
  readonly kwargs: Record<string, unknown>;
  readonly actions: number;
}

const CASES: readonly Case[] = [
  { label: 'DVFS-v0 (X5670 default task, 200-step episodes)', id: 'DVFS-v0', kwargs: {}, actions: 3 },
  { label: 'DVFS-v0 (a new sampled task every episode)', id: 'DVFS-v0', kwargs: { sampleTasks: true }, actions: 3 },
  { label: 'ConfigSearch-v0 (fixed job, 10-trial episodes)', id: 'ConfigSearch-v0', kwargs: {}, actions: 72 },
  { label: 'ConfigSearch-v0 (a new sampled job every episode)', id: 'ConfigSearch-v0', kwargs: { sampleTasks: true }, actions: 72 },
];

function argValue(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
}

function main(): void {
  const runs = Number(argValue('--runs', '5'));
  const runMs = Number(argValue('--ms', '400'));
  const clock = argValue('--clock', 'wall') === 'cpu' ? 'cpu' : 'wall';
  const check = process.argv.includes('--check');
  const rows: string[] = [];
  let missed = false;
  for (const c of CASES) {
    const env = make(c.id, c.kwargs);
    const rng = new Rng(0);
    const actions = Array.from({ length: 4096 }, () => rng.integers(0, c.actions));
    const result = measureStepThroughput(env, { actions, runs, runMs, clock });
    const meets = result.stepsPerSecond >= TARGET;
    if (!meets) missed = true;
    rows.push(`| ${c.label} | ${Math.round(result.stepsPerSecond).toLocaleString('en-US')} | ${meets ? 'yes' : 'no'} |`);
    env.close();
  }
  const lines = [
    `## DVFS-v0 and ConfigSearch-v0 throughput`,
    '',
    `Through \`make\`, single-threaded, random actions, resets included; median of ${runs} runs of ${runMs} ms (${clock} clock). Target: ≥ ${TARGET.toLocaleString('en-US')} steps/s.`,
    '',
    '| Env | Steps/s | ≥ target |',
    '|---|---:|:---:|',
    ...rows,
    '',
    machineLine(),
    `Command: \`npm run bench:dvfs-configsearch\``,
    `Date: ${new Date().toISOString().slice(0, 10)}`,
  ];
  console.log(lines.join('\n'));
  if (check && missed) process.exitCode = 1;
}

main();
