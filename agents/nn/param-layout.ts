import * as tf from '@tensorflow/tfjs';

/** One named tensor inside a flat parameter vector. */
export interface ParamEntry {
  readonly name: string;
  readonly shape: readonly number[];
  /** Index of its first element in the flat vector. */
  readonly offset: number;
  readonly size: number;
}

/**
 * The layout of a flat parameter vector: named tensors (`pi/dense0/kernel`, `log_std`, …) packed one
 * after another. Agents keep each model's parameters in ONE tfjs variable and one optimizer state,
 * because tiny networks are dominated by per-op overhead: one Adam update and one gradient-norm clip on a
 * flat vector cost a dozen kernels instead of a dozen per tensor. The forward pass slices the vector back
 * into tensors with a single `split`.
 */
export class ParamLayout {
  private readonly list: ParamEntry[] = [];
  private readonly byName = new Map<string, ParamEntry>();
  private total = 0;

  /** Appends a tensor of the given shape; returns its entry. Names must be unique. */
  add(name: string, shape: readonly number[]): ParamEntry {
    if (this.byName.has(name)) throw new Error(`ParamLayout: duplicate parameter "${name}"`);
    const size = shape.reduce((a, b) => a * b, 1);
    const entry: ParamEntry = Object.freeze({ name, shape: Object.freeze([...shape]), offset: this.total, size });
    this.list.push(entry);
    this.byName.set(name, entry);
    this.total += size;
    return entry;
  }

  /** Total number of parameters. */
  get size(): number {
    return this.total;
  }

  /** The entries in order. */
  get entries(): readonly ParamEntry[] {
    return this.list;
  }

  /** The entry called `name`; throws if there is none. */
  entry(name: string): ParamEntry {
    const found = this.byName.get(name);
    if (found === undefined) throw new Error(`ParamLayout: no parameter "${name}" (have ${[...this.byName.keys()].join(', ')})`);
    return found;
  }

  /** A view of one tensor's values inside a flat host vector. */
  view(values: Float32Array, name: string): Float32Array {
    const e = this.entry(name);
    return values.subarray(e.offset, e.offset + e.size);
  }

  /** Splits a flat tensor into its named tensors (one `split` kernel plus reshapes). */
  split(theta: tf.Tensor1D): Record<string, tf.Tensor> {
    const parts = tf.split(theta, this.list.map((e) => e.size));
    const out: Record<string, tf.Tensor> = {};
    this.list.forEach((e, i) => {
      out[e.name] = e.shape.length === 1 ? parts[i] : parts[i].reshape(e.shape as number[]);
    });
    return out;
  }

  /** A JSON description (names and shapes), stored in checkpoints to detect mismatches. */
  describe(): { name: string; shape: number[] }[] {
    return this.list.map((e) => ({ name: e.name, shape: [...e.shape] }));
  }
}
