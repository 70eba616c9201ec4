import { register } from '../registry/registry.js';
import type { KwargSchema } from '../registry/spec.js';
import { AutoscalingContinuousEnv } from './continuous-env.js';
import { AUTOSCALING_OBSERVATION_MODES, type AutoscalingEnvOptions } from './env-base.js';
import { AutoscalingEnv } from './env.js';
import { autoscalingTasks } from './tasks.js';

const kwargsSchema: Record<string, KwargSchema> = {
  task: { type: 'object', description: 'the task of the first episode (an AutoscalingTask)', validate: (v) => void autoscalingTasks.validate(v) },
  controlIntervalS: { type: 'number', min: 1, max: 3600, description: 'simulated seconds per step (default 30)' },
  timeoutS: { type: 'number', min: 0.1, max: 3600, description: 'requests waiting longer are dropped (default 30)' },
  observe: { type: 'string', values: AUTOSCALING_OBSERVATION_MODES, description: 'observation: "full" (9 values, default) or "partial" (utilization, served/arrived, configuration)' },
};

register({
  id: 'Autoscaling-v0',
  entryPoint: (kwargs) => new AutoscalingEnv(kwargs as AutoscalingEnvOptions),
  maxEpisodeSteps: 50,
  kwargsSchema,
  taskFamily: 'autoscaling',
  description: 'Serverless autoscaling (AWARE): Discrete(7) replica/CPU/memory steps on an M/G/c simulator of Sizeless apps',
});

register({
  id: 'AutoscalingContinuous-v0',
  entryPoint: (kwargs) => new AutoscalingContinuousEnv(kwargs as AutoscalingEnvOptions),
  maxEpisodeSteps: 50,
  kwargsSchema,
  taskFamily: 'autoscaling',
  description: 'Serverless autoscaling with a Box([-1, 1]^3) action (replica, CPU, memory changes), for DDPG',
});

register({
  id: 'AutoscalingPartial-v0',
  entryPoint: (kwargs) => new AutoscalingEnv(kwargs as AutoscalingEnvOptions),
  maxEpisodeSteps: 50,
  kwargs: { observe: 'partial' },
  kwargsSchema,
  taskFamily: 'autoscaling',
  description:
    'Autoscaling-v0 with a partial observation (observe: "partial"): utilization, served/arrived and the configuration; ' +
    "the app's latency, SLO and capacity are hidden, so only a trajectory history tells apps apart (tests FLASH's embedding)",
});
