import { register } from '../registry/registry.js';
import { DvfsEnv, type DvfsActionMode } from './env.js';
import type { DvfsTask } from './tasks.js';
import { dvfsTasks } from './tasks.js';

register({
  id: 'DVFS-v0',
  entryPoint: (kwargs) =>
    new DvfsEnv({
      task: kwargs.task as DvfsTask | undefined,
      sampleTasks: kwargs.sampleTasks as boolean | undefined,
      actionMode: kwargs.actionMode as DvfsActionMode | undefined,
      powerWeight: kwargs.powerWeight as number | undefined,
      capPenalty: kwargs.capPenalty as number | undefined,
    }),
  maxEpisodeSteps: 200,
  kwargsSchema: {
    task: { type: 'object', description: 'the task of the first episode', validate: (v) => void dvfsTasks.validate(v) },
    sampleTasks: { type: 'boolean', description: 'draw a new task at every reset without one' },
    actionMode: { type: 'string', values: ['relative', 'absolute'], description: 'Discrete(3) down/stay/up, or Discrete(levels)' },
    powerWeight: { type: 'number', min: 0, max: 100, description: 'λ, weight of the extra power' },
    capPenalty: { type: 'number', min: 0, max: 1000, description: 'weight of the excess over the power cap' },
  },
  description: 'CPU frequency scaling (SOL node-power agent): performance gained vs power, under a cap',
  taskFamily: 'dvfs',
});
