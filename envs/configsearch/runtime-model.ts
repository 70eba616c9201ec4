import { REFERENCE_VM, type Configuration } from './configurations.js';

/** A Spark-like batch job, as the runtime model describes it. */
export interface JobSpec {
  /** Input size, GB. */
  readonly inputGB: number;
  /** Work per GB of input: seconds on one reference core (m4) with the reference disk and network. */
  readonly secondsPerGB: number;
  /** Shares of that work bound by CPU, memory bandwidth, disk I/O and network (shuffle); they sum to 1. */
  readonly cpuFraction: number;
  readonly memoryFraction: number;
  readonly ioFraction: number;
  readonly networkFraction: number;
  /** Amdahl's parallel fraction p of the CPU- and memory-bound work. */
  readonly parallelFraction: number;
  /** Working-set size per GB of input; what does not fit in the cluster's memory spills to disk. */
  readonly memoryPerGB: number;
  /** Per-extra-node shuffle cost (connections, stragglers), seconds per node, scaled by the network share. */
  readonly shuffleOverhead: number;
  /** Fixed start-up time (scheduling, JVM start), seconds. */
  readonly setupSeconds: number;
}

/** Share of a node's memory the job can use for its working set (the rest: OS, JVM, buffers). */
export const USABLE_MEMORY_FRACTION = 0.6;

/** The runtime's terms, seconds. */
export interface RuntimeBreakdown {
  setup: number;
  cpu: number;
  memory: number;
  io: number;
  network: number;
  spill: number;
  total: number;
}

/**
 * The analytic runtime model (noise-free). With W = inputGB · secondsPerGB reference core-seconds, a
 * cluster of n nodes of C = n · vCPUs cores, and Amdahl's factor A = (1 − p) + p / C:
 * - CPU:     cpuFraction · W · A / cpuSpeed
 * - memory:  memoryFraction · W · A / memorySpeed
 * - I/O:     ioFraction · W · (diskRef / disk) / n            (each node reads its share from its own disk)
 * - network: networkFraction · [W · (netRef / net) · (n − 1) / n² + shuffleOverhead · (n − 1)]
 *            (all-to-all shuffle: each node sends (n − 1)/n of its 1/n share; plus a per-node cost that
 *            grows with the cluster)
 * - spill:   2 · max(0, inputGB · memoryPerGB − n · memory · 0.6) · 1024 / (n · disk)   (write and read back)
 * - total = setupSeconds + the five terms.
 */
export function runtimeBreakdown(job: JobSpec, config: Configuration): RuntimeBreakdown {
  const { vm, nodes } = config;
  const work = job.inputGB * job.secondsPerGB;
  const cores = nodes * vm.vcpus;
  const amdahl = 1 - job.parallelFraction + job.parallelFraction / cores;
  const cpu = (job.cpuFraction * work * amdahl) / vm.cpuSpeed;
  const memory = (job.memoryFraction * work * amdahl) / vm.memorySpeed;
  const io = (job.ioFraction * work * (REFERENCE_VM.diskMBps / vm.diskMBps)) / nodes;
  const network = job.networkFraction * ((work * (REFERENCE_VM.networkGbps / vm.networkGbps) * (nodes - 1)) / (nodes * nodes) + job.shuffleOverhead * (nodes - 1));
  const footprintGB = job.inputGB * job.memoryPerGB;
  const memoryGB = nodes * vm.memoryGiB * USABLE_MEMORY_FRACTION;
  const spill = footprintGB > memoryGB ? (2 * (footprintGB - memoryGB) * 1024) / (nodes * vm.diskMBps) : 0;
  const total = job.setupSeconds + cpu + memory + io + network + spill;
  return { setup: job.setupSeconds, cpu, memory, io, network, spill, total };
}

/** The noise-free runtime of a job on a configuration, seconds. */
export function trueRuntime(job: JobSpec, config: Configuration): number {
  return runtimeBreakdown(job, config).total;
}

/** Cost of a run: runtime (h) × nodes × hourly price, USD. */
export function runCost(runtimeSeconds: number, config: Configuration): number {
  return (runtimeSeconds / 3600) * config.nodes * config.vm.hourlyPrice;
}
