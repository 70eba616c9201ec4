#!/usr/bin/env node
// The flash-gym command line: list, check, train, eval, bench, report, worker.
import { Command, CommanderError } from 'commander';
import '../envs/index.js';
import { benchCommand } from './commands/bench.js';
import { checkCommand } from './commands/check.js';
import { evalCommand } from './commands/eval.js';
import { listCommand } from './commands/list.js';
import { reportCommand } from './commands/report.js';
import { trainCommand } from './commands/train.js';
import { workerCommand } from './commands/worker.js';
import { CliError, oneLine } from './lib/cli-error.js';

/** Builds the program; every command reports errors through commander's exit override. */
function program(): Command {
  const root = new Command('flash-gym')
    .description('Gym-style RL environments, agents and benchmark suites for ML-for-systems (FLASH, MLSys 2024)')
    .version('0.1.0')
    .showSuggestionAfterError(true);
  for (const command of [listCommand(), checkCommand(), trainCommand(), evalCommand(), benchCommand(), reportCommand(), workerCommand()]) root.addCommand(command);
  // One readable line for commander's own errors (unknown option, bad choice, missing argument), with the help hint.
  const configure = (command: Command): void => {
    command.exitOverride();
    command.configureOutput({ outputError: (text, write) => write(`flash-gym: ${text.replace(/^error: /, '').trim()} (see flash-gym ${command === root ? '' : `${command.name()} `}--help)\n`) });
    command.commands.forEach(configure);
  };
  configure(root);
  return root;
}

async function main(): Promise<void> {
  try {
    await program().parseAsync(process.argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version exit with code 0; usage errors (already printed as one line) with 2.
      process.exitCode = error.exitCode === 0 ? 0 : 2;
      return;
    }
    process.stderr.write(`flash-gym: ${oneLine(error)}\n`);
    process.exitCode = error instanceof CliError ? 2 : 1;
  }
}

await main();
