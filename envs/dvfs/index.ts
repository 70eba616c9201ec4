// The DVFS family; importing it registers DVFS-v0.
export { XEON_X5670_SERVER, nominalFrequency, relativeSpeed } from './cpu.js';
export type { CpuSpec, ThermalSpec } from './cpu.js';
export { SPECPOWER_X5670, dynamicScale, idlePowerAt, fullPowerAt, powerAt } from './power.js';
export { phaseAt, drawLoad, workloadMeans, MAX_LOAD } from './workload.js';
export type { WorkloadPhase, WorkloadSpec } from './workload.js';
export { dvfsTasks, validateCpu, validateWorkload, SAMPLED_LEVELS } from './tasks.js';
export type { DvfsTask } from './tasks.js';
export { DvfsSimulator, UNKNOWN_BOUNDNESS } from './simulator.js';
export type { DvfsMeasurement } from './simulator.js';
export { performanceGovernor, powersaveGovernor, ondemandGovernor, closestLevel, runGovernor } from './governors.js';
export type { Governor, GovernorInput, GovernorRun } from './governors.js';
export { DvfsEnv, DEFAULT_DVFS_TASK } from './env.js';
export type { DvfsEnvOptions, DvfsActionMode } from './env.js';
import './register.js';
