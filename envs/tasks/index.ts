export type { Task, DriftEvent, TaskDistribution, TaskEnv, TaskSplit, SplitOptions } from './task.js';
export { isTaskEnv } from './task.js';
export { defineTaskDistribution, taskAtStep } from './distribution.js';
export type { TaskFamilyDefinition } from './distribution.js';
export { readNumber, readString, readArray, readObject, taskFieldError } from './validate.js';
