import type { PPO } from '../agents/ppo.js';
import type { Rng } from '../envs/rng/rng.js';
import type { Task } from '../envs/tasks/task.js';
import type { TaskConditioningWrapper, TransitionLog } from './conditioning-wrapper.js';
import type { SelfSupervisedEncoderTrainer } from './self-supervised.js';

/** What {@link trainEncoderBeforeAgent} needs. */
export interface EncoderWarmup {
  readonly wrapper: TaskConditioningWrapper;
  /** Acts (sampled actions, no update) to collect the episodes. */
  readonly agent: PPO;
  readonly trainer: SelfSupervisedEncoderTrainer;
  readonly tasks: readonly Task[];
  /** Collection rounds: each runs `episodesPerRound` episodes of one task drawn with `rng`. */
  readonly rounds: number;
  readonly episodesPerRound: number;
  /** Self-supervised gradient steps on everything collected, after the collection. */
  readonly steps: number;
  readonly rng: Rng;
}

/** The self-supervised loss (on up to 2,048 of the collected steps) before and after the encoder's training. */
export interface EncoderWarmupResult {
  readonly lossBefore: number;
  readonly lossAfter: number;
  readonly collectedSteps: number;
}

/**
 * The first phase of the `decoupled` encoder objective: the untrained agent acts (sampled actions, no
 * update) on training tasks drawn at random, filling every task's episode buffer and logging each step
 * with the context it was taken under; then the encoder is trained only by the self-supervised objective
 * (predict reward and next observation) on the pooled log, whose minibatches mix tasks. Training the
 * encoder before the agent, rather than with it, means the agent sees an embedding that already tells
 * tasks apart from its first update, instead of one that starts nearly constant and drifts while the
 * policy learns to ignore it (the end-to-end failure measured by adaptation-embedding-swap.ts).
 */
export function trainEncoderBeforeAgent(w: EncoderWarmup): EncoderWarmupResult {
  if (!Number.isInteger(w.rounds) || w.rounds < 1) throw new RangeError(`decoupled encoder warm-up: rounds must be a positive integer, got ${w.rounds}`);
  if (!Number.isInteger(w.steps) || w.steps < 1) throw new RangeError(`decoupled encoder warm-up: steps must be a positive integer, got ${w.steps}`);
  if (w.tasks.length === 0) throw new RangeError('decoupled encoder warm-up: tasks is empty');
  const wrapper = w.wrapper;
  const pooled: TransitionLog = { steps: [], contexts: [] };
  const wasLogging = wrapper.logging;
  wrapper.drainLog();
  wrapper.logging = true;
  try {
    for (let round = 0; round < w.rounds; round++) {
      wrapper.setTask(w.tasks[w.rng.integers(0, w.tasks.length)]);
      let { observation } = wrapper.reset({ seed: w.rng.spawnSeed() });
      for (let done = 0; done < w.episodesPerRound; ) {
        const r = wrapper.step(w.agent.predict(observation, { deterministic: false }));
        observation = r.observation;
        if (r.terminated || r.truncated) {
          done++;
          if (done < w.episodesPerRound) observation = wrapper.reset().observation;
        }
      }
      appendLog(pooled, wrapper.drainLog());
    }
  } finally {
    wrapper.logging = wasLogging;
    wrapper.drainLog();
  }
  // The loss is reported on a fixed stride of at most 2,048 steps: over the whole log its row-selection
  // matrix (steps × contexts) would reach gigabytes at the full preset's size.
  const probe = stridedSubset(pooled, 2048);
  const lossBefore = w.trainer.loss(probe);
  w.trainer.update(pooled, w.steps);
  return { lossBefore, lossAfter: w.trainer.loss(probe), collectedSteps: pooled.steps.length };
}

/** Appends `log`'s steps and contexts to `into`, renumbering the steps' context indices. */
export function appendLog(into: TransitionLog, log: TransitionLog): void {
  const offset = into.contexts.length;
  into.contexts.push(...log.contexts);
  for (const s of log.steps) into.steps.push({ ...s, context: s.context + offset });
}

/** Every k-th step of `log` (k the smallest stride that keeps at most `limit`), sharing its contexts. */
function stridedSubset(log: TransitionLog, limit: number): TransitionLog {
  const stride = Math.max(1, Math.ceil(log.steps.length / limit));
  return { steps: log.steps.filter((_, i) => i % stride === 0), contexts: log.contexts };
}
