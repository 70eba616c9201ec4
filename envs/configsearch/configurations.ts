/** A VM family of the Scout-like space: compute- (c), general- (m) or memory-optimized (r). */
export type VmFamily = 'c' | 'm' | 'r';
/** A VM size. */
export type VmSize = 'large' | 'xlarge' | '2xlarge';

/** One VM type's resources and price. */
export interface VmType {
  readonly name: string;
  readonly family: VmFamily;
  readonly size: VmSize;
  readonly vcpus: number;
  readonly memoryGiB: number;
  /** On-demand price, USD per node-hour. */
  readonly hourlyPrice: number;
  /** Per-core speed relative to m4 (clock and microarchitecture). */
  readonly cpuSpeed: number;
  /** Per-core memory bandwidth relative to m4. */
  readonly memorySpeed: number;
  /** Dedicated EBS (disk) bandwidth, MB/s. */
  readonly diskMBps: number;
  /** Sustained network bandwidth, Gbit/s. */
  readonly networkGbps: number;
}

/** A cluster configuration: a VM type and a node count. */
export interface Configuration {
  readonly index: number;
  readonly vm: VmType;
  readonly nodes: number;
  /** e.g. `m4.xlarge×16`. */
  readonly name: string;
}

/**
 * The VM types of Scout's space (Hsu et al., "Arrow"/"Scout", 2018: AWS c4/m4/r4 × large/xlarge/2xlarge):
 * vCPUs, memory and the us-east-1 on-demand Linux prices of the time, dedicated EBS bandwidth (AWS's
 * EBS-optimized table: 500/750/1000 Mbit/s for c4, 450/750/1000 for m4, 425/850/1700 for r4) and
 * sustained network bandwidth (our reading of "moderate"/"high"/"up to 10 Gbit"). cpuSpeed: c4 runs at
 * 2.9 GHz against m4's 2.4 GHz; memorySpeed: r4's DDR4 against c4's smaller per-core share.
 */
export const SCOUT_VM_TYPES: readonly VmType[] = Object.freeze([
  vm('c', 'large', 2, 3.75, 0.1, 1.2, 0.9, 62.5, 0.5),
  vm('c', 'xlarge', 4, 7.5, 0.199, 1.2, 0.9, 93.75, 0.75),
  vm('c', '2xlarge', 8, 15, 0.398, 1.2, 0.9, 125, 1.0),
  vm('m', 'large', 2, 8, 0.1, 1.0, 1.0, 56.25, 0.45),
  vm('m', 'xlarge', 4, 16, 0.2, 1.0, 1.0, 93.75, 0.75),
  vm('m', '2xlarge', 8, 32, 0.4, 1.0, 1.0, 125, 1.0),
  vm('r', 'large', 2, 15.25, 0.133, 1.0, 1.1, 53.125, 0.75),
  vm('r', 'xlarge', 4, 30.5, 0.266, 1.0, 1.1, 106.25, 1.25),
  vm('r', '2xlarge', 8, 61, 0.532, 1.0, 1.1, 212.5, 2.5),
]);

/** Node counts of the space: 4–48. */
export const SCOUT_NODE_COUNTS: readonly number[] = Object.freeze([4, 8, 12, 16, 24, 32, 40, 48]);

/** The reference VM the runtime model's job parameters are measured on (one m4.xlarge node). */
export const REFERENCE_VM: VmType = SCOUT_VM_TYPES[4];

function vm(family: VmFamily, size: VmSize, vcpus: number, memoryGiB: number, hourlyPrice: number, cpuSpeed: number, memorySpeed: number, diskMBps: number, networkGbps: number): VmType {
  return Object.freeze({ name: `${family}4.${size}`, family, size, vcpus, memoryGiB, hourlyPrice, cpuSpeed, memorySpeed, diskMBps, networkGbps });
}

/** All 72 configurations: every VM type × every node count (type-major order). */
export const SCOUT_CONFIGURATIONS: readonly Configuration[] = Object.freeze(
  SCOUT_VM_TYPES.flatMap((type, t) =>
    SCOUT_NODE_COUNTS.map((nodes, n) => Object.freeze({ index: t * SCOUT_NODE_COUNTS.length + n, vm: type, nodes, name: `${type.name}×${nodes}` })),
  ),
);

/** Names of {@link configurationFeatures}' components. */
export const CONFIGURATION_FEATURE_NAMES: readonly string[] = Object.freeze(['familyC', 'familyM', 'familyR', 'size', 'logNodes']);

const SIZES: readonly VmSize[] = ['large', 'xlarge', '2xlarge'];
const LOG_MIN_NODES = Math.log(SCOUT_NODE_COUNTS[0]);
const LOG_MAX_NODES = Math.log(SCOUT_NODE_COUNTS[SCOUT_NODE_COUNTS.length - 1]);

/** A configuration as numbers in [0, 1]: family one-hot, size (0, 0.5, 1), log node count scaled to [0, 1]. */
export function configurationFeatures(config: Configuration): Float64Array {
  const { family, size } = config.vm;
  return Float64Array.from([
    family === 'c' ? 1 : 0,
    family === 'm' ? 1 : 0,
    family === 'r' ? 1 : 0,
    SIZES.indexOf(size) / (SIZES.length - 1),
    (Math.log(config.nodes) - LOG_MIN_NODES) / (LOG_MAX_NODES - LOG_MIN_NODES),
  ]);
}
