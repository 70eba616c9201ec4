import { Command } from 'commander';
import { checkEnv, make } from '../../envs/index.js';
import { nonNegativeInt } from '../lib/parse-flags.js';

/** `flash-gym check`: runs the env checker (Gymnasium's check_env) on a registered env and lists its findings. */
export function checkCommand(): Command {
  return new Command('check')
    .description("run the env checker (Gymnasium's check_env): spaces, reset/step types, seeding determinism, close")
    .argument('<env-id>', 'registered env id')
    .option('--seed <s>', 'seed of the determinism checks', nonNegativeInt, 123)
    .action((envId: string, flags: { seed: number }) => {
      const env = make(envId);
      const findings = checkEnv(env, { throwOnError: false, seed: flags.seed });
      for (const f of findings) console.log(`${f.level === 'error' ? 'ERROR' : 'warning'} [${f.check}] ${f.message}`);
      const errors = findings.filter((f) => f.level === 'error').length;
      const warnings = findings.length - errors;
      if (errors > 0) {
        console.log(`${envId}: ${errors} error${errors > 1 ? 's' : ''}, ${warnings} warning${warnings === 1 ? '' : 's'}`);
        process.exitCode = 1;
      } else {
        console.log(`${envId}: passes the env checker${warnings > 0 ? ` with ${warnings} warning${warnings > 1 ? 's' : ''}` : ''}`);
      }
    });
}
