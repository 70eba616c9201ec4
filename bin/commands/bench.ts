import { join } from 'node:path';
import { Command, Option } from 'commander';
import { writeReport, writeSummary } from '../../benchmarks/report/write-report.js';
import { formatEstimate } from '../../benchmarks/report/suite-sections.js';
import { defaultWorkers } from '../../benchmarks/runner/choose-executor.js';
import { runSuite } from '../../benchmarks/runner/run-suite.js';
import { buildSuite, SUITES } from '../../benchmarks/suites/index.js';
import { BACKEND_CHOICES } from '../lib/backend-choices.js';
import { CliError } from '../lib/cli-error.js';
import { positiveInt } from '../lib/parse-flags.js';
import { DEFAULT_QUEUE_PREFIX } from '../../queue/connection.js';
import { runSuiteOnQueue } from '../../queue/run-suite-on-queue.js';
import { connectOrExplain } from './worker.js';

interface BenchFlags {
  quick?: boolean;
  full?: boolean;
  workers: number;
  out?: string;
  seeds?: number;
  steps?: number;
  tasks?: number;
  iterations?: number;
  filter?: string;
  backend?: string;
  isolation?: 'threads' | 'processes';
  retryFailed: boolean;
  report: boolean;
  queue?: string;
  prefix: string;
  connectTimeout: number;
  reconnectTimeout: number;
}

/** `flash-gym bench`: runs a suite on the parallel runner (resumable), then writes its summary and report. */
export function benchCommand(): Command {
  const suites = Object.entries(SUITES).map(([name, s]) => `  ${name.padEnd(11)} ${s.description}`).join('\n');
  return new Command('bench')
    .description('run a benchmark suite on a pool of workers; rerunning the same command resumes it')
    .argument('<suite>', `one of: ${Object.keys(SUITES).join(', ')}`)
    .option('--quick', 'the small configuration (default): minutes on 2 cores')
    .option('--full', 'the configuration behind the published figures')
    .option('--workers <n>', 'runs in parallel (default: one per core; with --queue the workers decide)', positiveInt, defaultWorkers())
    .option('--out <dir>', 'results folder (default results/<suite>-<quick|full>)')
    .option('--seeds <n>', 'seeds per configuration (overrides the size)', positiveInt)
    .option('--steps <n>', 'training steps per run (learning; overrides the size)', positiveInt)
    .option('--tasks <n>', 'held-out tasks per env (adaptation; overrides the size)', positiveInt)
    .option('--iterations <n>', 'pretraining iterations (adaptation; overrides the size)', positiveInt)
    .option('--filter <text>', 'only configurations whose env id or method contains this text')
    .addOption(new Option('--backend <b>', 'TensorFlow.js backend of the runs (default cpu)').choices([...BACKEND_CHOICES]))
    .addOption(new Option('--isolation <how>', 'force worker threads or child processes (default: by backend; with --queue: flash-gym worker --isolation)').choices(['threads', 'processes']))
    .option('--retry-failed', 'run again the runs recorded as failed', false)
    .option('--no-report', 'skip writing the report')
    .option('--queue <url>', 'run on `flash-gym worker`s through a BullMQ queue on this Redis (redis://[:password@]host[:port][/db], rediss:// for TLS) instead of the local pool')
    .option('--prefix <name>', 'queue name prefix (--queue; workers must use the same)', DEFAULT_QUEUE_PREFIX)
    .option('--connect-timeout <s>', 'with --queue: give up when Redis does not answer within this long at start', positiveInt, 10)
    .option('--reconnect-timeout <s>', 'with --queue: give up when Redis stays unreachable this long mid-suite', positiveInt, 60)
    .addHelpText('after', `\nSuites:\n${suites}\n\nResults stream to <out>/results.jsonl; a killed suite resumes where it stopped.`)
    .action(async (name: string, flags: BenchFlags) => {
      if (flags.quick && flags.full) throw new CliError('give --quick or --full, not both');
      if (SUITES[name] === undefined) throw new CliError(`unknown suite "${name}"; allowed: ${Object.keys(SUITES).join(', ')}`);
      const size = flags.full ? 'full' : 'quick';
      const suite = await buildSuite(name, { size, seeds: flags.seeds, steps: flags.steps, tasks: flags.tasks, iterations: flags.iterations, filter: flags.filter, backend: flags.backend });
      const out = flags.out ?? join('results', `${name}-${size}`);
      // Every finished run is already on disk: Ctrl-C only has to say how to continue.
      const onSigint = (): void => {
        const queued = flags.queue !== undefined ? '; queued runs stay queued for the workers' : '';
        process.stderr.write(`\nflash-gym: interrupted; finished runs are in ${join(out, 'results.jsonl')}${queued}; run the same command again to resume\n`);
        process.exit(130);
      };
      process.on('SIGINT', onSigint);
      const outcome =
        flags.queue === undefined
          ? await runSuite(suite, { out, workers: flags.workers, isolation: flags.isolation, retryFailed: flags.retryFailed })
          : await runSuiteOnQueue(suite, {
              out,
              retryFailed: flags.retryFailed,
              connection: await connectOrExplain(flags.queue, flags.connectTimeout),
              prefix: flags.prefix,
              reconnectTimeoutMs: flags.reconnectTimeout * 1000,
            });
      process.off('SIGINT', onSigint);
      const summary = await writeSummary(out);
      console.log(`suite ${name} (${size}): ${outcome.records.length - summary.failed.length} runs ok, ${summary.failed.length} failed; ${outcome.ran} ran now in ${outcome.wallSeconds.toFixed(1)} s on ${outcome.executor}`);
      for (const [env, byMethod] of Object.entries(summary.results)) {
        for (const [method, metrics] of Object.entries(byMethod)) {
          const shown = Object.entries(metrics).filter(([k]) => !k.startsWith('time/run')).slice(0, 6);
          console.log(`  ${env} ${method}: ${shown.map(([k, e]) => `${k} ${formatEstimate(e)}`).join(', ')}`);
        }
      }
      for (const f of summary.failed) console.log(`  failed ${f.key}: ${f.error}`);
      if (flags.report) {
        const files = await writeReport(out);
        console.log(`report: ${files.markdown} (${files.html}, ${files.plots.length} plots)`);
      }
      if (summary.failed.length > 0) process.exitCode = 1;
    });
}
