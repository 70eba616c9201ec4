import { make, spec } from '../../envs/index.js';
import type { Env } from '../../envs/index.js';
import { measureStepThroughput } from '../lib/step-throughput.js';
import type { RunOutput, RunSpec } from '../runner/types.js';
import { intParam, stringParam } from './params.js';

const ACTION_POOL = 4096;

/**
 * One run of the `throughput` suite: steps per second of one env, bare (`spec(id).entryPoint`) or through
 * `make` (`run.method`), measured with the env benchmark's own harness (`benchmarks/lib/step-throughput.ts`:
 * pre-sampled random actions, reset at episode end, warm-up then the median of `runs` timed runs).
 * Wall-clock figures, so they go to `timing`; `metrics` holds what was measured.
 */
export function throughputRun(run: RunSpec): RunOutput {
  const mode = run.method;
  if (mode !== 'bare' && mode !== 'make') throw new RangeError(`throughput run method must be bare or make, got ${mode}`);
  const runs = intParam(run.params, 'runs');
  const runMs = intParam(run.params, 'runMs');
  const clock = stringParam(run.params, 'clock', 'wall');
  if (clock !== 'wall' && clock !== 'cpu') throw new RangeError(`run parameter "clock" must be wall or cpu, got ${clock}`);
  const envSpec = spec(run.env);
  const env: Env<unknown, unknown> = mode === 'bare' ? envSpec.entryPoint({ ...envSpec.kwargs }) : make(run.env);
  try {
    env.actionSpace.seed(run.seed);
    const actions = Array.from({ length: ACTION_POOL }, () => env.actionSpace.sample());
    const result = measureStepThroughput(env, { actions, runs, runMs, clock, episodeLimit: mode === 'bare' ? envSpec.maxEpisodeSteps : undefined });
    return { metrics: { mode, clock, runs, runMs }, timing: { stepsPerSecond: result.stepsPerSecond, ...Object.fromEntries(result.runs.map((r, i) => [`run${i}`, r])) } };
  } finally {
    env.close();
  }
}
