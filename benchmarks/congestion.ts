/**
 * Congestion-control benchmark (`npm run bench:congestion`): steps per second and microseconds per simulated
 * packet of the Aurora port, on PCC-RL's benchmark link (300 packets/s, 100 ms one-way latency, 50-packet
 * queue, no loss) with fixed actions, for the simulator alone, the bare env and the env through `make`.
 *
 * "Per simulated packet" is time divided by the packets the sender sent (warm-up intervals included, as the
 * timed loop includes resets). Target (issue 5): at least 25× PCC-RL's Python simulator, measured there at
 * ≈ 8.7 µs per packet and ≈ 1,650 steps/s on this link.
 *
 * Then the same link in vector envs (SyncVectorEnv vs WorkerVectorEnv, one worker per core): the env is
 * expensive per step, so worker threads should pay off once there are cores to spare.
 *
 * Usage: node dist/benchmarks/congestion.js [--runs N] [--ms M] [--clock wall|cpu] [--check]
 *   --runs   timed runs per measurement (default 5; the median is reported)
 *   --ms     target milliseconds per run (default 400)
 *   --clock  wall (default) or cpu: the process's CPU time, for a machine shared with other work
 *   --check  exit with status 1 if the 25× per-packet target is missed on the at-capacity case
 */
import { availableParallelism, cpus, loadavg } from 'node:os';
import { AuroraSimulation, Rng, make } from '../envs/index.js';
import { CongestionControlEnv } from '../envs/congestion/index.js';
import type { Env } from '../envs/index.js';
import { machineLine } from './lib/machine-info.js';
import { median } from './lib/step-throughput.js';
import { makeVec } from '../envs/vector/make-vec.js';

const LINK = { bandwidth: 300, latency: 0.1, queue: 50, loss: 0 } as const;
const EPISODE_STEPS = 400;
const PCC_RL_US_PER_PACKET = 8.7;
const PCC_RL_STEPS_PER_SECOND = 1650;
const TARGET_SPEEDUP = 25;

/** A benchmark case: the sender's initial rate and the fixed action sequence it cycles through. */
interface Case {
  readonly name: string;
  readonly initialRate: number;
  readonly actions: readonly number[];
}

const CASES: readonly Case[] = [
  { name: 'at capacity: rate 300, action 0', initialRate: 300, actions: [0] },
  { name: 'overloaded: rate 600, action 0 (full queue, drops)', initialRate: 600, actions: [0] },
  { name: 'oscillating: rate 300, actions +2, −2', initialRate: 300, actions: [2, -2] },
];

type Mode = 'simulator' | 'bare env' | 'make';
const MODES: readonly Mode[] = ['simulator', 'bare env', 'make'];

interface Options {
  runs: number;
  runMs: number;
  clock: 'wall' | 'cpu';
  check: boolean;
}

interface Result {
  stepsPerSecond: number;
  microsPerPacket: number;
  packetsPerStep: number;
}

/** One way of stepping the model: returns the reward (a checksum) and counts packets. */
interface Stepper {
  reset(): void;
  step(action: number): number;
  packetsSent(): number;
}

function stepperFor(mode: Mode, c: Case): Stepper {
  const task = { id: 'bench', ...LINK, initialRate: c.initialRate };
  if (mode === 'simulator') {
    const rng = new Rng(0);
    let sim = new AuroraSimulation(task, rng);
    let done = 0;
    return {
      reset: () => {
        done += sim.network.packetsSent;
        sim = new AuroraSimulation(task, rng);
      },
      step: (a) => sim.step(a).packetsSent,
      packetsSent: () => done + sim.network.packetsSent,
    };
  }
  const env = (mode === 'make' ? make('CongestionControl-v0', { task }) : new CongestionControlEnv({ task })) as Env<Float32Array, Float32Array>;
  const model = (): AuroraSimulation => (env.unwrapped as CongestionControlEnv).model;
  const actions = new Map<number, Float32Array>();
  for (const a of c.actions) actions.set(a, Float32Array.of(a));
  let done = 0;
  let started = false;
  return {
    reset: () => {
      if (started) done += model().network.packetsSent;
      env.reset({ seed: 0 });
      started = true;
    },
    step: (a) => env.step(actions.get(a) as Float32Array).reward,
    packetsSent: () => (started ? done + model().network.packetsSent : 0),
  };
}

function clockFor(kind: 'wall' | 'cpu'): () => number {
  if (kind === 'cpu') {
    return () => {
      const u = process.cpuUsage();
      return (u.user + u.system) / 1e6;
    };
  }
  return () => Number(process.hrtime.bigint()) / 1e9;
}

/** Median over runs of whole episodes (reset + 400 steps) until each run lasts `runMs`. */
function measure(mode: Mode, c: Case, options: Options): Result {
  const clock = clockFor(options.clock);
  const stepper = stepperFor(mode, c);
  let checksum = 0;
  const episode = (): void => {
    stepper.reset();
    for (let i = 0; i < EPISODE_STEPS; i++) checksum += stepper.step(c.actions[i % c.actions.length]);
  };
  const timedRun = (): Result => {
    const packets0 = stepper.packetsSent();
    const start = clock();
    let steps = 0;
    let elapsed = 0;
    do {
      episode();
      steps += EPISODE_STEPS;
      elapsed = clock() - start;
    } while (elapsed * 1000 < options.runMs);
    // The last episode's packets are counted once the next reset folds them in.
    stepper.reset();
    const packets = stepper.packetsSent() - packets0;
    return { stepsPerSecond: steps / elapsed, microsPerPacket: (elapsed * 1e6) / packets, packetsPerStep: packets / steps };
  };
  timedRun(); // warm-up: let the JIT optimize
  const runs = Array.from({ length: options.runs }, timedRun);
  if (!Number.isFinite(checksum)) throw new Error('non-finite rewards');
  return {
    stepsPerSecond: median(runs.map((r) => r.stepsPerSecond)),
    microsPerPacket: median(runs.map((r) => r.microsPerPacket)),
    packetsPerStep: median(runs.map((r) => r.packetsPerStep)),
  };
}

function parseArgs(argv: readonly string[]): Options {
  const options: Options = { runs: 5, runMs: 400, clock: 'wall', check: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    if (arg === '--runs') options.runs = Math.max(1, Number.parseInt(value(), 10));
    else if (arg === '--ms') options.runMs = Math.max(10, Number(value()));
    else if (arg === '--clock') {
      const clock = value();
      if (clock !== 'wall' && clock !== 'cpu') throw new Error(`--clock must be wall or cpu, got ${clock}`);
      options.clock = clock;
    } else if (arg === '--check') options.check = true;
    else throw new Error(`unknown argument ${arg}; usage: congestion.js [--runs N] [--ms M] [--clock wall|cpu] [--check]`);
  }
  return options;
}

/** Env-steps per second (wall clock) of `numEnvs` copies on the benchmark link, at capacity, action 0. */
async function measureVector(mode: 'sync' | 'worker', numEnvs: number, runMs: number): Promise<number> {
  const kwargs = { task: { id: 'bench', ...LINK, initialRate: CASES[0].initialRate } };
  const workers = Math.min(availableParallelism(), numEnvs);
  const venv = mode === 'sync' ? await makeVec('CongestionControl-v0', { numEnvs, kwargs }) : await makeVec('CongestionControl-v0', { numEnvs, kwargs, mode, workers });
  try {
    const actions = new Float32Array(numEnvs);
    venv.reset({ seed: 0 });
    const rates: number[] = [];
    for (let run = 0; run <= 3; run++) {
      const start = performance.now();
      let steps = 0;
      while (performance.now() - start < runMs) {
        for (let k = 0; k < 50; k++) venv.step(actions);
        steps += 50;
      }
      if (run > 0) rates.push((steps * numEnvs * 1000) / (performance.now() - start));
    }
    return median(rates);
  } finally {
    await venv.close();
  }
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const clockText = options.clock === 'cpu' ? 'CPU time' : 'wall clock';
  console.log(`# Congestion control (CongestionControl-v0, PCC-RL Aurora port): ${clockText}, median of ${options.runs} runs of ~${options.runMs} ms`);
  console.log('');
  console.log(machineLine());
  console.log(`Command: node dist/benchmarks/congestion.js ${process.argv.slice(2).join(' ')}`.trimEnd());
  console.log(`Load average (1 min): ${loadavg()[0].toFixed(2)} on ${cpus().length} cores`);
  console.log(`Link: ${LINK.bandwidth} packets/s, ${LINK.latency * 1000} ms one-way latency, ${LINK.queue}-packet queue, no loss; episodes of ${EPISODE_STEPS} steps, resets timed`);
  console.log(`PCC-RL (Python) on this link: ≈ ${PCC_RL_US_PER_PACKET} µs per packet, ≈ ${PCC_RL_STEPS_PER_SECOND} steps/s (issue 5)`);
  console.log('');
  console.log('| case | mode | steps/s | µs per packet | packets/step | vs PCC-RL µs/packet | vs PCC-RL steps/s |');
  console.log('|---|---|---:|---:|---:|---:|---:|');
  let missed = false;
  for (const c of CASES) {
    for (const mode of MODES) {
      const r = measure(mode, c, options);
      const perPacket = PCC_RL_US_PER_PACKET / r.microsPerPacket;
      const perStep = r.stepsPerSecond / PCC_RL_STEPS_PER_SECOND;
      if (c === CASES[0] && mode === 'make' && perPacket < TARGET_SPEEDUP) missed = true;
      console.log(
        `| ${c.name} | ${mode} | ${Math.round(r.stepsPerSecond).toLocaleString('en-US')} | ${r.microsPerPacket.toFixed(3)} | ${r.packetsPerStep.toFixed(1)} | ${perPacket.toFixed(1)}× | ${perStep.toFixed(1)}× |`,
      );
    }
  }
  console.log('');
  console.log(`Target: ≥ ${TARGET_SPEEDUP}× PCC-RL per simulated packet (at capacity, through make): ${missed ? 'MISSED' : 'met'}`);
  console.log('');
  const cores = availableParallelism();
  console.log(`## Vector envs (at capacity, action 0; wall clock, median of 3 runs; workers = min(${cores} cores, envs))`);
  console.log('');
  console.log('| envs | sync env-steps/s | worker env-steps/s | worker / sync |');
  console.log('|---:|---:|---:|---:|');
  for (const numEnvs of [...new Set([1, cores, 2 * cores])]) {
    const sync = await measureVector('sync', numEnvs, options.runMs);
    const worker = await measureVector('worker', numEnvs, options.runMs);
    console.log(`| ${numEnvs} | ${Math.round(sync).toLocaleString('en-US')} | ${Math.round(worker).toLocaleString('en-US')} | ${(worker / sync).toFixed(2)}× |`);
  }
  if (options.check && missed) process.exitCode = 1;
}

await main();
