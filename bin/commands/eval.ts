import { Command } from 'commander';
import type { BackendRequest } from '../../agents/index.js';
import { makeRunEnv } from '../lib/run-env.js';
import { formatNumber } from '../../benchmarks/runner/progress.js';
import { resolveTaskFlags } from '../lib/env-tasks.js';
import { jsonObject, nonNegativeInt, positiveInt } from '../lib/parse-flags.js';
import { latestModelDir, readRunInfo } from '../lib/run-dir.js';

interface EvalFlags {
  episodes: number;
  seed: number;
  task?: Record<string, unknown>;
  taskSeed?: number;
  stochastic: boolean;
  json: boolean;
}

/** `flash-gym eval`: the mean and std of a trained agent's episode returns (SB3's evaluate_policy). */
export function evalCommand(): Command {
  return new Command('eval')
    .description("evaluate a trained run's agent: mean ± std of the return over whole episodes")
    .argument('<run-dir>', 'a folder written by flash-gym train')
    .option('--episodes <n>', 'episodes to run', positiveInt, 10)
    .option('--seed <s>', 'seed of the evaluation env', nonNegativeInt, 0)
    .option('--task <json>', 'evaluate on this task instead of the training one (task envs only)', jsonObject)
    .option('--task-seed <s>', 'evaluate on the task the env family samples with this seed', nonNegativeInt)
    .option('--stochastic', 'sample actions instead of taking the most likely one', false)
    .option('--json', 'print the result as JSON', false)
    .action(async (runDir: string, flags: EvalFlags) => {
      // Loaded here, not at start-up: TensorFlow.js takes a second to load, which --help need not pay.
      const { evaluatePolicy } = await import('../../agents/index.js');
      const { agentClass } = await import('../../benchmarks/suites/agent-factory.js');
      const info = readRunInfo(runDir);
      const task = resolveTaskFlags(info.env, flags.task, flags.taskSeed);
      const kwargs = task === undefined ? info.kwargs : { ...info.kwargs, task };
      const env = makeRunEnv(info, kwargs);
      const model = latestModelDir(runDir);
      const agent = await agentClass(info.algo).load(model.path, { observationSpace: env.observationSpace, actionSpace: env.actionSpace }, { backend: info.backend as BackendRequest });
      const result = evaluatePolicy(agent, env, { nEvalEpisodes: flags.episodes, deterministic: !flags.stochastic, seed: flags.seed });
      env.close();
      const meanLength = result.episodeLengths.reduce((a, b) => a + b, 0) / result.episodeLengths.length;
      const taskId = (kwargs.task as { id?: string } | undefined)?.id ?? 'default';
      if (flags.json) {
        console.log(JSON.stringify({ env: info.env, algo: info.algo, model: model.path, task: taskId, timesteps: agent.numTimesteps, ...result, meanLength }));
      } else {
        console.log(
          `${info.env} ${info.algo} (${agent.numTimesteps} steps, task ${taskId}): mean return ${formatNumber(result.meanReward)} ± ${formatNumber(result.stdReward)} ` +
            `over ${flags.episodes} episodes (mean length ${formatNumber(meanLength)}, ${flags.stochastic ? 'stochastic' : 'deterministic'} actions)`,
        );
      }
    });
}
