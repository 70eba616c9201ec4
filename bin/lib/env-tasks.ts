import { listEnvs, make, Rng, isTaskEnv } from '../../envs/index.js';
import type { Task, TaskDistribution } from '../../envs/index.js';
import { CliError } from './cli-error.js';

/** The task distribution of a registered env, or undefined when the env has no tasks. */
export function taskDistributionOf(envId: string): TaskDistribution<Task> | undefined {
  const env = make(envId);
  try {
    const inner = env.unwrapped;
    return isTaskEnv(inner) ? inner.taskDistribution : undefined;
  } finally {
    env.close();
  }
}

/**
 * The task that `--task JSON` or `--task-seed S` names for an env: the JSON validated by the env's task
 * family, or the task its distribution samples with seed S. Undefined when neither flag is given.
 */
export function resolveTaskFlags(envId: string, task: Record<string, unknown> | undefined, taskSeed: number | undefined): Task | undefined {
  if (task === undefined && taskSeed === undefined) return undefined;
  if (task !== undefined && taskSeed !== undefined) throw new CliError('give either --task JSON or --task-seed S, not both');
  const distribution = taskDistributionOf(envId);
  if (distribution === undefined) {
    const withTasks = listEnvs().filter((id) => taskDistributionOf(id) !== undefined);
    throw new CliError(`${envId} has no tasks, so --task/--task-seed do not apply; envs with tasks: ${withTasks.join(', ')}`);
  }
  if (task !== undefined) {
    try {
      return distribution.validate(task);
    } catch (error) {
      throw new CliError(`--task is not a valid ${distribution.family} task: ${(error as Error).message}`);
    }
  }
  return distribution.sample(new Rng(taskSeed), `seed-${taskSeed}`);
}
