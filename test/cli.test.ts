import test from 'ava';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BACKEND_PREFERENCE } from '../agents/index.js';
import { BACKEND_CHOICES } from '../bin/lib/backend-choices.js';
import { listEnvs } from '../envs/index.js';
import { projectRoot } from './helpers/paths.js';

const CLI = join(projectRoot(), 'dist', 'bin', 'flash-gym.js');
/** Tiny PPO settings: a rollout of 64 steps, so that runs of a few hundred steps update several times. */
const TINY_PPO = JSON.stringify({ nSteps: 64, batchSize: 64, nEpochs: 2 });

/** Runs the command line in a child process (asynchronously, so that concurrent tests keep their timing). */
function cli(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, FLASH_GYM_BACKEND: 'cpu' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

function tempDir(t: { teardown(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'flash-gym-cli-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The lines of stderr that are not progress output. */
function errorLines(stderr: string): string[] {
  return stderr.split('\n').filter((l) => l.trim() !== '');
}

test('--help works for the program and every command', async (t) => {
  const root = await cli(['--help']);
  t.is(root.status, 0);
  const commands = ['list', 'check', 'train', 'eval', 'bench', 'report', 'worker'];
  const helps = await Promise.all(commands.map((command) => cli([command, '--help'])));
  commands.forEach((command, i) => {
    t.regex(root.stdout, new RegExp(`\\n  ${command} `));
    t.is(helps[i].status, 0, command);
    t.regex(helps[i].stdout, new RegExp(`^Usage: flash-gym ${command} `), command);
  });
  t.regex((await cli(['bench', '--help'])).stdout, /adaptation +FLASH embedding/);
});

test('--backend offers exactly the backends the agents know', (t) => {
  t.deepEqual([...BACKEND_CHOICES], ['auto', ...BACKEND_PREFERENCE]);
});

test('errors are one readable line with what to do', async (t) => {
  const unknownEnv = await cli(['check', 'CartPol-v1']);
  t.not(unknownEnv.status, 0);
  t.deepEqual(errorLines(unknownEnv.stderr), [`flash-gym: unknown env id "CartPol-v1". Did you mean: CartPole-v1, DVFS-v0, Pendulum-v1? (flash-gym list shows all ${listEnvs().length})`]);
  const badSteps = await cli(['train', 'CartPole-v1', '--algo', 'ppo', '--steps', '-5']);
  t.is(badSteps.status, 2);
  t.deepEqual(errorLines(badSteps.stderr), ['flash-gym: option \'--steps <n>\' argument \'-5\' is invalid. expected a positive integer, got "-5" (see flash-gym train --help)']);
  const badAlgo = await cli(['train', 'CartPole-v1', '--algo', 'sac']);
  t.is(badAlgo.status, 2);
  t.regex(badAlgo.stderr, /argument 'sac' is invalid\. Allowed choices are ppo, ddpg, td3, dqn, qlearning/);
  const noAlgo = await cli(['train', 'CartPole-v1']);
  t.is(noAlgo.status, 2);
  t.deepEqual(errorLines(noAlgo.stderr), ['flash-gym: missing --algo; allowed: ppo, ddpg, td3, dqn, qlearning']);
  const noTasks = await cli(['train', 'CartPole-v1', '--algo', 'ppo', '--task-seed', '3']);
  t.is(noTasks.status, 2);
  t.regex(noTasks.stderr, /^flash-gym: CartPole-v1 has no tasks, so --task\/--task-seed do not apply; envs with tasks: Autoscaling-v0, /);
  const badJson = await cli(['train', 'Autoscaling-v0', '--algo', 'ppo', '--task', '{id: 1}']);
  t.is(badJson.status, 2);
  t.regex(badJson.stderr, /argument '\{id: 1\}' is invalid\. not valid JSON/);
  const unknownSuite = await cli(['bench', 'speed']);
  t.deepEqual(errorLines(unknownSuite.stderr), ['flash-gym: unknown suite "speed"; allowed: adaptation, throughput, learning, random']);
  const unknownOption = await cli(['list', '--colour']);
  t.is(unknownOption.status, 2);
  t.is(errorLines(unknownOption.stderr).length, 1);
  t.regex(unknownOption.stderr, /unknown option '--colour'/);
});

test('list shows every env with its spaces and task family; check passes a registered env', async (t) => {
  const list = await cli(['list', '--json', '--ms', '9']);
  t.is(list.status, 0);
  const rows = list.stdout.trim().split('\n').map((l) => JSON.parse(l) as { id: string; actionSpace: string; taskFamily: string | null; stepMicroseconds: number | null });
  const cartPole = rows.find((r) => r.id === 'CartPole-v1');
  t.is(cartPole?.actionSpace, 'Discrete(2)');
  t.is(cartPole?.taskFamily, null);
  t.true((cartPole?.stepMicroseconds ?? 0) > 0);
  t.is(rows.find((r) => r.id === 'Autoscaling-v0')?.taskFamily, 'autoscaling');
  const table = await cli(['list', '--no-timing']);
  t.regex(table.stdout, /^CartPole-v1 +Box\(…, \(4,\), float32\) +Discrete\(2\) +– +500 +–$/m);
  const check = await cli(['check', 'Pendulum-v1']);
  t.is(check.status, 0);
  t.regex(check.stdout, /Pendulum-v1: passes the env checker/);
});

test('train writes logs, checkpoints and the agent; eval reads them; a task seed picks a task', async (t) => {
  const dir = tempDir(t);
  const out = join(dir, 'run');
  const train = await cli(['train', 'Autoscaling-v0', '--algo', 'ppo', '--steps', '256', '--task-seed', '5', '--hyperparams', TINY_PPO, '--checkpoint-every', '128', '--out', out, '--no-progress']);
  t.is(train.status, 0, train.stderr);
  t.regex(train.stdout, /flash-gym: done: 256 steps/);
  const info = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')) as { status: string; timesteps: number; kwargs: { task: { id: string } } };
  t.is(info.status, 'done');
  t.is(info.timesteps, 256);
  t.is(info.kwargs.task.id, 'seed-5');
  t.true(existsSync(join(out, 'model', 'state.json')));
  t.deepEqual(readdirSync(join(out, 'checkpoints')).sort(), ['rl_model_128_steps', 'rl_model_256_steps']);
  const csv = readFileSync(join(out, 'logs', '1', 'progress.csv'), 'utf8').trim().split('\n');
  t.is(csv.length, 1 + 4); // header + one row per rollout of 64 steps
  t.true(csv[0].split(',').includes('time/fps'));
  t.true(csv[0].split(',').includes('train/approx_kl'));
  const evaluation = await cli(['eval', out, '--episodes', '2', '--json']);
  t.is(evaluation.status, 0, evaluation.stderr);
  const result = JSON.parse(evaluation.stdout) as { meanReward: number; episodeRewards: number[]; task: string; timesteps: number };
  t.is(result.episodeRewards.length, 2);
  t.is(result.task, 'seed-5');
  t.is(result.timesteps, 256);
  t.true(Number.isFinite(result.meanReward));
  // The same seeds evaluate the same; another task gives another id.
  t.deepEqual(JSON.parse((await cli(['eval', out, '--episodes', '2', '--json'])).stdout).episodeRewards, result.episodeRewards);
  t.is(JSON.parse((await cli(['eval', out, '--episodes', '1', '--json', '--task-seed', '9'])).stdout).task, 'seed-9');
  const again = await cli(['train', 'Autoscaling-v0', '--algo', 'ppo', '--out', out]);
  t.is(again.status, 2);
  t.regex(again.stderr, /already holds a run; continue it with --resume/);
});

test('Ctrl-C saves a checkpoint and exits cleanly; --resume finishes the run', async (t) => {
  const dir = tempDir(t);
  const out = join(dir, 'run');
  const child = spawn(process.execPath, [CLI, 'train', 'CartPole-v1', '--algo', 'ppo', '--steps', '1024', '--hyperparams', TINY_PPO, '--out', out, '--backend', 'cpu'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  // Wait for training to be under way (the first rollout logged), then press Ctrl-C.
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline && !existsSync(join(out, 'logs', '1', 'progress.csv'))) await new Promise((r) => setTimeout(r, 50));
  child.kill('SIGINT');
  const code = await exit;
  t.is(code, 0, stderr);
  t.regex(stderr, /Ctrl-C, saving a checkpoint/);
  t.regex(stdout, /interrupted: \d+ steps.*continue with: flash-gym train --resume/);
  const info = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')) as { status: string; timesteps: number; steps: number };
  t.is(info.status, 'interrupted');
  t.true(info.timesteps >= 64 && info.timesteps < 1024, `interrupted at ${info.timesteps}`);
  t.true(existsSync(join(out, 'model', 'state.json')));
  const resumed = await cli(['train', '--resume', out, '--no-progress']);
  t.is(resumed.status, 0, resumed.stderr);
  t.true(resumed.stderr.includes(`resuming ${out} at ${info.timesteps} steps`), resumed.stderr);
  const after = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')) as { status: string; timesteps: number; sessions: number };
  t.is(after.status, 'done');
  t.true(after.timesteps >= 1024);
  t.is(after.sessions, 2);
  t.true(existsSync(join(out, 'logs', '2', 'progress.csv')));
  const finished = await cli(['train', '--resume', out]);
  t.is(finished.status, 2);
  t.regex(finished.stderr, /is finished/);
});

test('bench runs a suite and writes its summary and report; report rebuilds it; report of a non-suite folder is an error', async (t) => {
  const dir = tempDir(t);
  const out = join(dir, 'random');
  const bench = await cli(['bench', 'random', '--filter', 'CartPole', '--seeds', '2', '--workers', '2', '--out', out]);
  t.is(bench.status, 0, bench.stderr);
  t.regex(bench.stderr, /suite random: 2 runs, 0 already in .*, 2 to run on 2 worker threads \(piscina\)/);
  t.regex(bench.stdout, /suite random \(quick\): 2 runs ok, 0 failed/);
  t.regex(bench.stdout, /CartPole-v1 random: meanReturn \d/);
  const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as { results: Record<string, Record<string, Record<string, { n: number }>>> };
  t.is(summary.results['CartPole-v1'].random.meanReturn.n, 2);
  t.true(existsSync(join(out, 'report.md')) && existsSync(join(out, 'report.html')));
  const rerun = await cli(['bench', 'random', '--filter', 'CartPole', '--seeds', '2', '--out', out, '--no-report']);
  t.regex(rerun.stderr, /2 already in .*, 0 to run/);
  const report = await cli(['report', dir]);
  t.is(report.status, 0, report.stderr);
  t.true(existsSync(join(dir, 'report.md')));
  const empty = await cli(['report', join(dir, 'random', 'plots')]);
  t.is(empty.status, 1);
  t.deepEqual(errorLines(empty.stderr).length, 1);
  t.regex(empty.stderr, /holds no suite results/);
});

test('the main job end to end at a small size: bench adaptation writes issue 7\'s summary.json and a report with curves and the embedding plot', async (t) => {
  const dir = tempDir(t);
  const out = join(dir, 'adaptation');
  const bench = await cli(['bench', 'adaptation', '--quick', '--seeds', '1', '--tasks', '2', '--iterations', '2', '--workers', '2', '--out', out]);
  t.is(bench.status, 0, bench.stderr);
  t.regex(bench.stderr, /suite adaptation: 11 runs, 0 already in .*, 11 to run on 2 worker threads/);
  const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as { suite: string; results: Record<string, Record<string, Record<string, { mean: number }>>>; failed: unknown[] };
  t.is(summary.suite, 'adaptation');
  t.deepEqual(summary.failed, []);
  const methods = summary.results['Autoscaling-v0'];
  t.deepEqual(Object.keys(methods).sort(), ['flash', 'maml', 'scratch', 'tl', 'tlPlus']);
  for (const metric of ['zeroShotDegradation', 'episodesToAdapt', 'speedupVsTL', 'sloViolationRate', 'cpuDeficit', 'memDeficit']) t.true(Number.isFinite(methods.flash[metric].mean), metric);
  t.is(methods.tl.speedupVsTL.mean, 1);
  const report = readFileSync(join(out, 'report.md'), 'utf8');
  t.true(report.includes('](plots/adaptation-autoscaling-v0-curve.svg)'));
  t.true(report.includes('](plots/adaptation-embedding.svg)'));
  const embedding = readFileSync(join(out, 'plots', 'adaptation-embedding.svg'), 'utf8');
  // 20 training tasks and the 2 held-out ones (rings).
  t.is((embedding.match(/<circle /g) ?? []).length, 22);
  t.is((embedding.match(/fill="white" stroke=/g) ?? []).length, 2);
});

test('qlearning trains on a Box env through --discretize, and says so when the flag is missing', async (t) => {
  const dir = tempDir(t);
  const missing = await cli(['train', 'DVFS-v0', '--algo', 'qlearning', '--steps', '200', '--out', join(dir, 'a')]);
  t.is(missing.status, 2);
  t.deepEqual(errorLines(missing.stderr), ['flash-gym: qlearning needs Discrete observations and DVFS-v0 has Box(0.0, [1.0 1.0 1.0 3.0 3.0], (5,), float32): add --discretize BINS (bins per dimension, e.g. --discretize 6)']);
  const out = join(dir, 'b');
  const train = await cli(['train', 'DVFS-v0', '--algo', 'qlearning', '--discretize', '3', '--steps', '400', '--out', out, '--no-progress']);
  t.is(train.status, 0, train.stderr);
  t.is((JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')) as { discretize: number }).discretize, 3);
  const evaluation = await cli(['eval', out, '--episodes', '1', '--json']);
  t.is(evaluation.status, 0, evaluation.stderr);
  t.is((JSON.parse(evaluation.stdout) as { episodeLengths: number[] }).episodeLengths[0], 200);
});
