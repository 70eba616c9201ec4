import { register } from '../registry/registry.js';
import { EPISODE_STEPS } from './constants.js';
import { CongestionControlEnv, type CongestionTaskFamily } from './env.js';
import { congestionTasks } from './tasks.js';

register({
  id: 'CongestionControl-v0',
  entryPoint: (kwargs) =>
    new CongestionControlEnv({ task: kwargs.task, taskFamily: kwargs.taskFamily as CongestionTaskFamily | undefined }),
  maxEpisodeSteps: EPISODE_STEPS,
  kwargsSchema: {
    task: { type: 'object', description: 'a fixed task { id, bandwidth, latency, queue, loss, initialRate, trace? }', validate: (v) => void congestionTasks.validate(v) },
    taskFamily: { type: 'string', values: ['aurora', 'trace'], description: 'tasks drawn at each reset without a fixed task: PCC-RL ranges or Genet-style traces' },
  },
  description: "Congestion control: PCC-RL's Aurora (one rate-based sender, drop-tail bottleneck), exact port",
  taskFamily: 'congestion',
});
