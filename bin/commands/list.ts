import { Command } from 'commander';
import { listEnvs, make, spec } from '../../envs/index.js';
import { measureStepThroughput } from '../../benchmarks/lib/step-throughput.js';
import { positiveInt } from '../lib/parse-flags.js';

interface EnvRow {
  id: string;
  observationSpace: string;
  actionSpace: string;
  taskFamily: string | null;
  maxEpisodeSteps: number | null;
  /** Microseconds per step through make(), random actions, resets included; null when not measured. */
  stepMicroseconds: number | null;
  description: string | null;
  error?: string;
}

/** `flash-gym list`: the registered envs, their spaces, task family, episode limit and measured step cost. */
export function listCommand(): Command {
  return new Command('list')
    .description('list the registered envs with their spaces, task family and step cost (measured briefly)')
    .option('--no-timing', 'skip measuring the step cost')
    .option('--ms <n>', 'milliseconds of stepping per env for the step cost', positiveInt, 40)
    .option('--json', 'print JSON lines instead of a table', false)
    .action((flags: { timing: boolean; ms: number; json: boolean }) => {
      const rows = listEnvs().map((id) => describeEnv(id, flags.timing ? flags.ms : 0));
      if (flags.json) {
        for (const row of rows) console.log(JSON.stringify(row));
        return;
      }
      const table = [
        ['env', 'observation space', 'action space', 'tasks', 'max steps', 'µs/step'],
        ...rows.map((r) => [r.id, r.observationSpace, r.actionSpace, r.taskFamily ?? '–', r.maxEpisodeSteps === null ? '–' : String(r.maxEpisodeSteps), r.error !== undefined ? 'error' : r.stepMicroseconds === null ? '–' : r.stepMicroseconds.toPrecision(3)]),
      ];
      const widths = table[0].map((_, c) => Math.max(...table.map((row) => row[c].length)));
      for (const row of table) console.log(row.map((cell, c) => cell.padEnd(widths[c])).join('  ').trimEnd());
      for (const r of rows) if (r.error !== undefined) console.log(`${r.id}: ${r.error}`);
      if (flags.timing) console.log(`µs/step: through make() with random actions and resets, median of 3 runs of ${flags.ms} ms after a warm-up (a glance, not a benchmark: npm run bench:envs)`);
    });
}

function describeEnv(id: string, ms: number): EnvRow {
  const envSpec = spec(id);
  const row: EnvRow = { id, observationSpace: '?', actionSpace: '?', taskFamily: envSpec.taskFamily ?? null, maxEpisodeSteps: envSpec.maxEpisodeSteps ?? null, stepMicroseconds: null, description: envSpec.description ?? null };
  try {
    const env = make(id);
    row.observationSpace = compactSpace(env.observationSpace.toString());
    row.actionSpace = compactSpace(env.actionSpace.toString());
    if (ms > 0) {
      env.actionSpace.seed(0);
      const actions = Array.from({ length: 256 }, () => env.actionSpace.sample());
      const { stepsPerSecond } = measureStepThroughput(env, { actions, runs: 3, runMs: ms / 3 });
      row.stepMicroseconds = 1e6 / stepsPerSecond;
    }
    env.close();
  } catch (error) {
    row.error = (error as Error).message.split('\n')[0];
  }
  return row;
}

/** A space's text, with long per-dimension bounds elided: `Box(…, (30,), float32)`. */
function compactSpace(text: string): string {
  if (text.length <= 48) return text;
  const tail = /(\([\d, ]*\),\s*\w+\))$/.exec(text);
  return tail ? `${text.slice(0, text.indexOf('(') + 1)}…, ${tail[1]}` : `${text.slice(0, 45)}…`;
}
