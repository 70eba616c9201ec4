import { InvalidOptionError } from '../core/errors.js';
import { Rng, assertValidSeed } from '../rng/rng.js';
import type { DriftEvent, SplitOptions, Task, TaskDistribution, TaskSplit } from './task.js';
import { readArray, readNumber, readObject, taskFieldError } from './validate.js';

/** What a family provides; {@link defineTaskDistribution} derives catalog, split and JSON from it. */
export interface TaskFamilyDefinition<T extends Task> {
  readonly family: string;
  readonly fingerprintNames: readonly string[];
  /** Draws one task; `id` is its name in a catalog. */
  sample(rng: Rng, id: string): T;
  fingerprint(task: T): Float64Array;
  /** Validates the family's own fields (id and drift are validated already) and returns the task. */
  validateFields(obj: Record<string, unknown>): T;
  /** Keys that a drift event may set (default: any field but id and drift). */
  readonly driftableKeys?: readonly string[];
}

/**
 * Builds a {@link TaskDistribution} from a family's sampler, fingerprint and validator: the catalog is
 * deterministic and duplicate-free, the split a seeded shuffle, JSON validated on the way in.
 */
export function defineTaskDistribution<T extends Task>(definition: TaskFamilyDefinition<T>): TaskDistribution<T> {
  const { family } = definition;

  function validate(value: unknown): T {
    const obj = readObject(family, value);
    if (typeof obj.id !== 'string' || obj.id.length === 0) throw taskFieldError(family, 'id', obj.id, 'a non-empty string');
    if (obj.drift !== undefined) validateDrift(obj);
    return definition.validateFields(obj);
  }

  function validateDrift(obj: Record<string, unknown>): void {
    const events = readArray(family, obj, 'drift');
    let previous = -1;
    events.forEach((event, i) => {
      const path = `drift[${i}]`;
      const e = readObject(family, event, path);
      const atStep = readNumber(family, e, 'atStep', { min: 1, integer: true, path });
      if (atStep <= previous) throw taskFieldError(family, `${path}.atStep`, atStep, `a step after the previous event's (${previous})`);
      previous = atStep;
      const set = readObject(family, e.set, `${path}.set`);
      for (const key of Object.keys(set)) {
        const allowed = definition.driftableKeys;
        if (key === 'id' || key === 'drift' || (allowed !== undefined && !allowed.includes(key))) {
          throw taskFieldError(family, `${path}.set.${key}`, set[key], `a driftable field (${(allowed ?? ['any field but id, drift']).join(', ')})`);
        }
      }
      // The patched task must itself be valid.
      definition.validateFields({ ...obj, ...set, drift: undefined });
    });
  }

  return {
    family,
    fingerprintNames: definition.fingerprintNames,
    sample: (rng, id) => definition.sample(rng, id ?? `${family}-${rng.integers(0, 1e9)}`),
    fingerprint: definition.fingerprint,
    validate,
    toJSON: (task) => JSON.stringify(task),
    fromJSON(text) {
      let parsed: unknown = text;
      if (typeof text === 'string') {
        try {
          parsed = JSON.parse(text);
        } catch (err) {
          throw new InvalidOptionError(`${family} task: not valid JSON (${(err as Error).message})`);
        }
      }
      return validate(parsed);
    },
    catalog(n, seed) {
      if (!Number.isInteger(n) || n <= 0) throw new InvalidOptionError(`${family} catalog: n must be a positive integer, got ${n}`);
      assertValidSeed(seed, `${family} catalog: seed`);
      const rng = new Rng(seed);
      const seen = new Set<string>();
      const tasks: T[] = [];
      const width = String(n - 1).length;
      let attempts = 0;
      while (tasks.length < n) {
        if (++attempts > n * 100) throw new Error(`${family} catalog: could not draw ${n} distinct tasks`);
        const id = `${family}-${String(tasks.length).padStart(Math.max(4, width), '0')}`;
        const task = definition.sample(rng, id);
        const key = JSON.stringify({ ...task, id: undefined });
        if (seen.has(key)) continue;
        seen.add(key);
        tasks.push(task);
      }
      return tasks;
    },
    split(tasks, options: SplitOptions): TaskSplit<T> {
      assertValidSeed(options.seed, `${family} split: seed`);
      const count = options.train < 1 ? Math.round(options.train * tasks.length) : options.train;
      if (!(options.train > 0) || !Number.isInteger(count) || count > tasks.length) {
        throw new InvalidOptionError(
          `${family} split: train must be a count in [1, ${tasks.length}] or a fraction in (0, 1), got ${options.train}`,
        );
      }
      const order = new Rng(options.seed).shuffle(Array.from(tasks.keys()));
      const inTrain = new Set(order.slice(0, count));
      return {
        train: tasks.filter((_, i) => inTrain.has(i)),
        heldOut: tasks.filter((_, i) => !inTrain.has(i)),
      };
    },
  };
}

/** The task in effect at `step` of an episode: the base task with every drift event up to `step` applied. */
export function taskAtStep<T extends Task>(task: T, step: number): T {
  if (task.drift === undefined || task.drift.length === 0) return task;
  let current: T = task;
  for (const event of task.drift as readonly DriftEvent[]) {
    if (event.atStep <= step) current = { ...current, ...event.set };
  }
  return current;
}
