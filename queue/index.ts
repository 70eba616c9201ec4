// Distributed suites on BullMQ/Redis (issue 9): the coordinator's queue executor and the worker's consumer.
export { queueName, connectQueue, closeAll, onShutdownSignals, QueueConnectionError, DEFAULT_QUEUE_PREFIX, DEFAULT_CONNECT_TIMEOUT_MS } from './connection.js';
export type { QueueKind, QueueConnection, Closable } from './connection.js';
export { parseRedisUrl, describeRedisUrl, redisConnectionOptions, RedisUrlError } from './redis-url.js';
export type { RedisTarget } from './redis-url.js';
export { QueueExecutor } from './queue-executor.js';
export type { QueueExecutorOptions } from './queue-executor.js';
export { runSuiteOnQueue } from './run-suite-on-queue.js';
export { startSuiteConsumer, DEFAULT_STALL } from './suite-consumer.js';
export type { SuiteConsumerOptions, StallOptions, Consumer } from './suite-consumer.js';
export { suiteJobId, suiteHash, jobUnitOf, validateSuiteJob, ModuleAllowList, JobPayloadError, SUITE_JOB_VERSION, BUILTIN_UNITS_DIR } from './suite-job.js';
export type { SuiteJobData, SuiteJobResult, JobUnit } from './suite-job.js';
