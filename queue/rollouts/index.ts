export { startRolloutConsumer, type RolloutConsumer, type RolloutConsumerOptions } from './consumer.js';
export { RolloutClient, type RolloutClientOptions } from './rollout-client.js';
export { collectShard, PolicyCache } from './shard-collector.js';
export { parseRolloutJob, RolloutJobError, DEFAULT_JOB_LIMITS, ROLLOUT_FORMAT, type RolloutJobData, type RolloutJobLimits, type EpisodeCursor, type SubEnvState, type RolloutEnvRecipe } from './job-format.js';
export { decodeRolloutResult, type RolloutJobResult, type ShardTrajectories } from './result-format.js';
export { DEFAULT_ROLLOUT_QUEUE, rolloutJobId } from './names.js';
export type { DistributedRolloutOptions } from '../../agents/rollouts/distributed-rollouts.js';
