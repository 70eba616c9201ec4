// The congestion-control family; importing it registers CongestionControl-v0.
export { MIN_RATE, MAX_RATE, DELTA_SCALE, REWARD_SCALE, BYTES_PER_PACKET, HISTORY_LENGTH, EPISODE_STEPS } from './constants.js';
export { pairwiseSum, numpyMean } from './pairwise-sum.js';
export { Link } from './link.js';
export type { LinkParams } from './link.js';
export { TraceSchedule } from './trace.js';
export type { LinkTrace } from './trace.js';
export { EventQueue } from './event-queue.js';
export { Sender, applyRateDelta, actionForRate } from './sender.js';
export { MonitorInterval } from './monitor-interval.js';
export { Network } from './network.js';
export { AuroraSimulation } from './simulation.js';
export type { SimulationSetup } from './simulation.js';
export { ObservationHistory, observationSpace, OBSERVATION_SIZE } from './observation.js';
export {
  congestionTasks,
  congestionTraceTasks,
  validateCongestionTask,
  sampleAuroraTask,
  sampleTraceTask,
  meanBandwidth,
  TASK_FIELD_RANGES,
  TRACE_SPAN_SECONDS,
} from './tasks.js';
export type { CongestionTask } from './tasks.js';
export { CongestionControlEnv } from './env.js';
export type { CongestionControlOptions, CongestionStepInfo, CongestionTaskFamily } from './env.js';
export { AimdController, runAimdEpisode } from './aimd.js';
export type { AimdOptions, AimdRun } from './aimd.js';
import './register.js';
