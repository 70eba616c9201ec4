// The autoscaling family: importing this module registers Autoscaling-v0, AutoscalingContinuous-v0 and AutoscalingPartial-v0.
import './register.js';

export { SEGMENT_NAMES, SEGMENT_PROFILES, RUNTIME_BASE_MIB } from './segments.js';
export type { SegmentName, SegmentProfile } from './segments.js';
export { CONFIG_LIMITS, PRESSURE_SLOWDOWN, OOM_START_RATIO, OOM_ALL_RATIO, PRICE_PER_CORE_SECOND, PRICE_PER_GIB_SECOND, serviceModel, resourceCost, applicationFootprintMiB } from './application.js';
export type { ApplicationSegment, ResourceConfig, ServiceModel } from './application.js';
export { PATTERN_KINDS, compilePattern, patternPeak, syntheticTrace } from './workload.js';
export type { WorkloadPattern, PatternKind } from './workload.js';
export { erlangB, erlangC, mmcMeanWait, mmcMeanResponse, mgcMeanWait, ResponseTail } from './queueing.js';
export { AutoscalingSimulator, steadyState, stationaryWait, emptyMetrics } from './simulator.js';
export type { IntervalMetrics, SimulatorOptions, SteadyState } from './simulator.js';
export { simulateRequests } from './des.js';
export type { DesOptions, DesResult } from './des.js';
export { autoscalingTasks, createAutoscalingTaskDistribution, autoscalingFingerprint, AUTOSCALING_FINGERPRINT_NAMES } from './tasks.js';
export type { AutoscalingTask, AutoscalingTaskOptions } from './tasks.js';
export { EpisodeWorkload } from './episode-workload.js';
export { AutoscalingEnvBase, AUTOSCALING_OBSERVATION_NAMES, AUTOSCALING_PARTIAL_OBSERVATION_NAMES, AUTOSCALING_OBSERVATION_MODES, isLegal } from './env-base.js';
export type { AutoscalingEnvOptions, AutoscalingInfo, AutoscalingObservationMode } from './env-base.js';
export { AutoscalingEnv, AUTOSCALING_ACTIONS } from './env.js';
export { AutoscalingContinuousEnv, MAX_REPLICA_CHANGE, MAX_VERTICAL_STEPS } from './continuous-env.js';
export { oracleDecision, compareWithOracle, cpuLevels, memoryLevels, replicaPricePerSecond } from './oracle.js';
export type { OracleDecision, OracleComparison } from './oracle.js';
export { HorizontalPodAutoscaler } from './hpa.js';
export type { HpaOptions } from './hpa.js';
