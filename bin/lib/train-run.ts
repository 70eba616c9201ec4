import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { BaseCallback, CheckpointCallback, Logger } from '../../agents/index.js';
import type { BackendRequest, BaseAlgorithm } from '../../agents/index.js';
import { spec } from '../../envs/index.js';
import { formatDuration, formatNumber } from '../../benchmarks/runner/progress.js';
import { agentClass } from '../../benchmarks/suites/agent-factory.js';
import { ALGORITHM_NAMES } from '../../benchmarks/suites/algorithm-names.js';
import type { TrainFlags } from '../commands/train.js';
import { CliError } from './cli-error.js';
import { resolveTaskFlags } from './env-tasks.js';
import { closeTrainEnv, makeTrainEnv } from './run-env.js';
import { CHECKPOINTS_DIR, latestModelDir, MODEL_DIR, readRunInfo, writeRunInfo, type RunInfo } from './run-dir.js';

/**
 * What `flash-gym train` does: builds the env (a vector env with --envs, over worker threads with
 * --workers) and the agent (fresh, or loaded from the run folder with --resume), trains with checkpoints,
 * CSV/JSONL logs (one folder per session) and a live progress bar, stops cleanly on Ctrl-C, and saves the
 * agent in `<run>/model` with the run's state in `run.json`.
 */
export async function train(envId: string | undefined, flags: TrainFlags): Promise<void> {
  const resuming = flags.resume !== undefined;
  const info = resuming ? resumeInfo(envId, flags) : freshInfo(envId, flags);
  const out = resuming ? (flags.resume as string) : (flags.out ?? join('runs', `${info.env}-${info.algo}-seed${info.seed}`));
  if (!resuming && existsSync(join(out, 'run.json'))) throw new CliError(`${out} already holds a run; continue it with --resume ${out}, or pick another --out`);
  if (resuming && info.status === 'done') throw new CliError(`${out} is finished (${info.timesteps} of ${info.steps} steps); nothing to resume`);
  mkdirSync(out, { recursive: true });
  const Agent = agentClass(info.algo);
  const env = await makeTrainEnv(info);
  const session = info.sessions + 1;
  const logFolder = join(out, 'logs', String(session));
  let agent: BaseAlgorithm;
  if (resuming) {
    const model = latestModelDir(out);
    agent = await Agent.load(model.path, env, { backend: info.backend as BackendRequest });
    agent.logger = new Logger({ formats: ['csv', 'json'], folder: logFolder });
  } else {
    agent = new Agent(env, { ...info.hyperparameters, seed: info.seed, backend: info.backend, logFormats: ['csv', 'json'], logFolder });
  }
  const remaining = info.steps - agent.numTimesteps;
  if (remaining <= 0) throw new CliError(`${out}: the saved agent already has ${agent.numTimesteps} of ${info.steps} steps`);
  writeRunInfo(out, { ...info, status: 'running', sessions: session, timesteps: agent.numTimesteps, updatedAt: new Date().toISOString() });

  const stop = new StopOnSignal();
  const onSigint = (): void => {
    if (stop.requested) process.exit(130); // a second Ctrl-C: give up saving
    stop.requested = true;
    process.stderr.write(`\nflash-gym: Ctrl-C, saving a checkpoint in ${join(out, MODEL_DIR)} (Ctrl-C again to quit without saving)\n`);
  };
  process.on('SIGINT', onSigint);
  const perCall = agent.numEnvs;
  const checkpoints = new CheckpointCallback({ saveFreq: Math.max(1, Math.floor(info.checkpointEvery / perCall)), savePath: join(out, CHECKPOINTS_DIR) });
  const callbacks: BaseCallback[] = [checkpoints, stop];
  if (flags.progress) callbacks.push(new TrainProgress());
  process.stderr.write(`flash-gym: ${resuming ? `resuming ${out} at ${agent.numTimesteps} steps` : `training ${info.algo} on ${info.env}`} → ${info.steps} steps, seed ${info.seed}, ${info.numEnvs} env${info.numEnvs > 1 ? 's' : ''}; logs in ${logFolder}\n`);
  try {
    await agent.learn({ totalTimesteps: remaining, callbacks, resetNumTimesteps: !resuming });
    agent.saveSync(join(out, MODEL_DIR));
  } finally {
    process.off('SIGINT', onSigint);
    await closeTrainEnv(env);
  }
  const done = agent.numTimesteps >= info.steps;
  writeRunInfo(out, { ...info, status: done ? 'done' : 'interrupted', sessions: session, timesteps: agent.numTimesteps, updatedAt: new Date().toISOString() });
  const stats = agent.episodeStats();
  const summary = `${agent.numTimesteps} steps, mean return of the last ${stats.count} episodes ${Number.isFinite(stats.meanReward) ? formatNumber(stats.meanReward) : 'n/a'}`;
  if (done) console.log(`flash-gym: done: ${summary}; agent in ${join(out, MODEL_DIR)} (evaluate: flash-gym eval ${out})`);
  else console.log(`flash-gym: interrupted: ${summary}; saved in ${join(out, MODEL_DIR)}; continue with: flash-gym train --resume ${out}`);
}

function freshInfo(envId: string | undefined, flags: TrainFlags): RunInfo {
  if (envId === undefined) throw new CliError('missing <env-id> (flash-gym list shows them), or use --resume DIR');
  if (flags.algo === undefined) throw new CliError(`missing --algo; allowed: ${ALGORITHM_NAMES.join(', ')}`);
  spec(envId); // an unknown id fails here, with suggestions
  agentClass(flags.algo); // an algorithm missing from this build fails before any work
  if (flags.workers !== undefined && flags.envs < 2) throw new CliError('--workers spreads a vector env over threads: give --envs 2 or more as well');
  const task = resolveTaskFlags(envId, flags.task, flags.taskSeed);
  const now = new Date().toISOString();
  return {
    env: envId,
    algo: flags.algo,
    steps: flags.steps,
    seed: flags.seed,
    numEnvs: flags.envs,
    workers: flags.workers ?? null,
    backend: flags.backend,
    kwargs: task === undefined ? {} : { task },
    hyperparameters: flags.hyperparams ?? {},
    discretize: flags.discretize ?? null,
    checkpointEvery: flags.checkpointEvery ?? Math.max(1000, Math.floor(flags.steps / 10)),
    status: 'running',
    timesteps: 0,
    sessions: 0,
    createdAt: now,
    updatedAt: now,
  };
}

function resumeInfo(envId: string | undefined, flags: TrainFlags): RunInfo {
  const info = readRunInfo(flags.resume as string);
  if (envId !== undefined && envId !== info.env) throw new CliError(`${flags.resume} is a run on ${info.env}, not ${envId}; drop the env id to resume it`);
  if (flags.algo !== undefined && flags.algo !== info.algo) throw new CliError(`${flags.resume} is a ${info.algo} run, not ${flags.algo}; drop --algo to resume it`);
  if (flags.task !== undefined || flags.taskSeed !== undefined || flags.hyperparams !== undefined || flags.discretize !== undefined) {
    throw new CliError('--resume continues a run as it was configured: --task, --task-seed, --hyperparams and --discretize do not apply');
  }
  return info;
}

/** Stops training at the next step once Ctrl-C was pressed. */
class StopOnSignal extends BaseCallback {
  requested = false;
  override onStep(): boolean {
    return !this.requested;
  }
}

/** The live progress bar: steps, mean return of recent episodes, fps and ETA, redrawn at most 4 times a second. */
class TrainProgress extends BaseCallback {
  private lastDraw = 0;
  private startTime = 0;
  private startSteps = 0;

  override onTrainingStart(): void {
    this.startTime = performance.now();
    this.startSteps = this.model.numTimesteps;
  }

  override onStep(): boolean {
    const now = performance.now();
    // On a terminal the bar redraws in place; into a file or pipe, a line every 5 s keeps the log short.
    if (now - this.lastDraw >= (process.stderr.isTTY ? 250 : 5000)) {
      this.lastDraw = now;
      this.draw(now);
    }
    return true;
  }

  override onTrainingEnd(): void {
    this.draw(performance.now());
    process.stderr.write('\n');
  }

  private draw(now: number): void {
    const total = Math.max(1, this.model.totalTimestepsTarget);
    const done = Math.min(this.model.numTimesteps, total);
    const width = 24;
    const filled = Math.round((done / total) * width);
    const seconds = (now - this.startTime) / 1000;
    const fps = seconds > 0 ? (done - this.startSteps) / seconds : 0;
    const stats = this.model.episodeStats();
    const ret = Number.isFinite(stats.meanReward) ? formatNumber(stats.meanReward) : '–';
    const eta = fps > 0 ? formatDuration((total - done) / fps) : '?';
    const line = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')} steps | return ${ret} | ${formatNumber(fps)} fps | ETA ${eta}`;
    process.stderr.write(process.stderr.isTTY ? `\r\x1b[2K${line}` : `${line}\n`);
  }
}
