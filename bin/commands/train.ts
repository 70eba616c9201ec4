import { Command, Option } from 'commander';
import { ALGORITHM_NAMES } from '../../benchmarks/suites/algorithm-names.js';
import { BACKEND_CHOICES } from '../lib/backend-choices.js';
import { jsonObject, nonNegativeInt, positiveInt } from '../lib/parse-flags.js';

/** The flags of `flash-gym train`, as commander parses them. */
export interface TrainFlags {
  algo?: string;
  steps: number;
  seed: number;
  envs: number;
  workers?: number;
  backend: string;
  out?: string;
  task?: Record<string, unknown>;
  taskSeed?: number;
  hyperparams?: Record<string, unknown>;
  discretize?: number;
  checkpointEvery?: number;
  resume?: string;
  progress: boolean;
}

/** `flash-gym train`: trains an agent with logs, checkpoints, a live progress bar, Ctrl-C saving and --resume. */
export function trainCommand(): Command {
  return new Command('train')
    .description('train an agent on an env: progress bar (return, fps), CSV/JSONL logs, checkpoints; Ctrl-C saves and exits; --resume continues')
    .argument('[env-id]', 'registered env id, e.g. CartPole-v1 (taken from run.json with --resume)')
    .addOption(new Option('--algo <name>', 'algorithm').choices([...ALGORITHM_NAMES]))
    .option('--steps <n>', 'total env steps', positiveInt, 100_000)
    .option('--seed <s>', 'seed of weights, exploration and the env', nonNegativeInt, 0)
    .option('--envs <n>', 'envs stepped together (a vector env)', positiveInt, 1)
    .option('--workers <n>', 'worker threads for the vector env (default: the envs run in this thread)', positiveInt)
    .addOption(new Option('--backend <b>', 'TensorFlow.js backend').choices([...BACKEND_CHOICES]).default(process.env.FLASH_GYM_BACKEND || 'auto'))
    .option('--out <dir>', 'run folder (default runs/<env>-<algo>-seed<s>)')
    .option('--task <json>', 'the task to train on, as JSON (task envs only)', jsonObject)
    .option('--task-seed <s>', 'train on the task the env family samples with this seed', nonNegativeInt)
    .option('--hyperparams <json>', 'hyperparameters in SB3 names, camelCase, e.g. \'{"nSteps": 512}\'', jsonObject)
    .option('--discretize <bins>', 'bins per observation dimension (DiscretizeObservation), for qlearning on Box observations', positiveInt)
    .option('--checkpoint-every <n>', 'steps between checkpoints (default: a tenth of --steps, at least 1000)', positiveInt)
    .option('--resume <dir>', 'continue the interrupted run in this folder up to its --steps')
    .option('--no-progress', 'no progress bar')
    .addHelpText('after', '\nExamples:\n  flash-gym train CartPole-v1 --algo ppo --steps 50000\n  flash-gym train Autoscaling-v0 --algo dqn --task-seed 3 --out runs/as3\n  flash-gym train DVFS-v0 --algo qlearning --discretize 4\n  flash-gym train --resume runs/as3')
    .action(async (envId: string | undefined, flags: TrainFlags) => {
      // Loaded here, not at start-up: TensorFlow.js takes a second to load, which --help need not pay.
      const { train } = await import('../lib/train-run.js');
      await train(envId, flags);
    });
}

