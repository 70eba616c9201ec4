// The parallel suite runner: runs (env × method × task × seed) on a pool, results streamed to JSONL, resumable.
export * from './types.js';
export { makeRun, configHash, canonicalJson } from './run-key.js';
export { ResultsFile, readResults } from './results-file.js';
export { runSuite, readManifest, RESULTS_FILE, SUITE_FILE, SuiteInterrupted } from './run-suite.js';
export type { RunSuiteOptions, SuiteOutcome, SuiteManifest } from './run-suite.js';
export { chooseExecutor, isolationFor, defaultWorkers } from './choose-executor.js';
export type { Isolation } from './choose-executor.js';
export { ThreadExecutor, ProcessExecutor } from './executors.js';
export type { Executor } from './executors.js';
export { SuiteProgress, formatDuration, formatNumber } from './progress.js';
