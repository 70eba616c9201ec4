import { register } from '../registry/registry.js';
import { ConfigSearchEnv } from './env.js';
import { validateConfigSearchTask, type ConfigSearchTask } from './tasks.js';

register({
  id: 'ConfigSearch-v0',
  entryPoint: (kwargs) =>
    new ConfigSearchEnv({
      task: kwargs.task as ConfigSearchTask | undefined,
      sampleTasks: kwargs.sampleTasks as boolean | undefined,
      budget: kwargs.budget as number | undefined,
    }),
  kwargsSchema: {
    task: { type: 'object', description: 'the task of the first episode (a job, or a replay task)', validate: (v) => void validateConfigSearchTask(v) },
    sampleTasks: { type: 'boolean', description: 'draw a new job at every reset without a task' },
    budget: { type: 'number', integer: true, min: 1, max: 1000, description: 'trials per episode' },
  },
  description: 'Cloud configuration search (CherryPick/Scout): cheapest VM cluster meeting a deadline, in a trial budget',
  taskFamily: 'configsearch',
});
