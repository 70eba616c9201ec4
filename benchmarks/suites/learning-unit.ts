import { EvalCallback, evaluatePolicy } from '../../agents/index.js';
import { make } from '../../envs/index.js';
import type { Json, RunOutput, RunSpec } from '../runner/types.js';
import { agentClass } from './agent-factory.js';
import { intParam, objectParam, stringParam } from './params.js';

/** Seed offset of the evaluation env, so that it never replays the training env's episodes. */
const EVAL_SEED_OFFSET = 1_000_003;

/**
 * One run of the `learning` suite: trains `run.method` (an algorithm of `agents/`) on `run.env` for `steps`
 * steps with the given hyperparameters (SB3 defaults otherwise), evaluating the deterministic policy every
 * `evalEvery` steps on a separately seeded env (SB3's EvalCallback), then once more at the end over
 * `finalEpisodes` episodes. The curve and returns depend on the seed only; fps is timing.
 */
export async function learningRun(run: RunSpec): Promise<RunOutput> {
  const steps = intParam(run.params, 'steps');
  const evalEvery = intParam(run.params, 'evalEvery');
  const evalEpisodes = intParam(run.params, 'evalEpisodes', 5);
  const finalEpisodes = intParam(run.params, 'finalEpisodes', 10);
  const backend = stringParam(run.params, 'backend', 'cpu');
  const kwargs = objectParam(run.params, 'kwargs');
  const Agent = agentClass(run.method);
  const env = make(run.env, kwargs);
  const evalEnv = make(run.env, kwargs);
  evalEnv.reset({ seed: run.seed + EVAL_SEED_OFFSET });
  try {
    const agent = new Agent(env, { ...objectParam(run.params, 'hyperparameters'), seed: run.seed, backend, verbose: 0 });
    const evaluation = new EvalCallback(evalEnv, { evalFreq: evalEvery, nEvalEpisodes: evalEpisodes, deterministic: true });
    const t0 = performance.now();
    await agent.learn({ totalTimesteps: steps, callbacks: [evaluation] });
    const seconds = (performance.now() - t0) / 1000;
    const final = evaluatePolicy(agent, evalEnv, { nEvalEpisodes: finalEpisodes, deterministic: true });
    const curve: Json[] = evaluation.evaluations.map((e) => [e.timesteps, e.meanReward]);
    curve.push([agent.numTimesteps, final.meanReward]);
    const train = agent.episodeStats();
    return {
      metrics: {
        curve,
        finalMeanReward: final.meanReward,
        finalStdReward: final.stdReward,
        bestMeanReward: Math.max(evaluation.bestMeanReward, final.meanReward),
        trainEpisodeReward: Number.isFinite(train.meanReward) ? train.meanReward : null,
        timesteps: agent.numTimesteps,
        backend: agent.backend?.name ?? backend,
      },
      timing: { seconds, fps: agent.numTimesteps / seconds },
    };
  } finally {
    env.close();
    evalEnv.close();
  }
}
