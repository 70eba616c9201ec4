import * as tf from '@tensorflow/tfjs';
import type { ParamLayout } from './param-layout.js';

/** A copy of a parameter vector that a training engine keeps elsewhere (in its kernels' memory), refreshed by `ParameterVector.push`. */
export interface ParameterMirror {
  /** Replaces the copy with the host values. */
  upload(values: Float32Array): void;
}

/**
 * A model's parameters as one flat vector, kept in two places: a host `Float32Array` (what the acting
 * fast path and checkpoints read) and a tfjs variable (what training updates), or a typed-array engine's
 * resident copy (a {@link ParameterMirror}). The variable is created lazily, so an agent can be built and can
 * act before a tfjs backend is chosen; {@link pull} refreshes the host copy after an update, {@link push}
 * uploads host values (after a load).
 */
export class ParameterVector {
  /** Host copy; views of it are handed to `FastMlp`s, so it is updated in place, never replaced. */
  readonly values: Float32Array;
  private device: tf.Variable<tf.Rank.R1> | undefined;
  private mirror: ParameterMirror | undefined;

  constructor(
    readonly layout: ParamLayout,
    values?: Float32Array,
  ) {
    if (values !== undefined && values.length !== layout.size) {
      throw new RangeError(`ParameterVector: ${values.length} values for a layout of ${layout.size}`);
    }
    this.values = values ?? new Float32Array(layout.size);
  }

  /** Builds a vector from initial values given per tensor name (every tensor of the layout must be given). */
  static fromTensors(layout: ParamLayout, tensors: ReadonlyMap<string, Float32Array>): ParameterVector {
    const vector = new ParameterVector(layout);
    for (const e of layout.entries) {
      const v = tensors.get(e.name);
      if (v === undefined || v.length !== e.size) throw new RangeError(`ParameterVector: missing or mis-sized initial values for "${e.name}"`);
      vector.values.set(v, e.offset);
    }
    return vector;
  }

  /** The tfjs variable (created from the host copy on first use; needs a backend). */
  get variable(): tf.Variable<tf.Rank.R1> {
    if (this.device === undefined || this.device.isDisposed) {
      // tidy frees the temporary tensor; the variable keeps its own reference to the data.
      this.device = tf.tidy(() => tf.variable(tf.tensor1d(this.values), true));
    }
    return this.device;
  }

  /** Whether the tfjs variable exists. */
  get onDevice(): boolean {
    return this.device !== undefined && !this.device.isDisposed;
  }

  /** Copies the variable's values into the host copy. */
  pull(): void {
    if (this.onDevice) this.values.set(this.variable.dataSync() as Float32Array);
  }

  /** Copies the host values into the variable (if it exists) and into the mirror (if one is attached). */
  push(): void {
    if (this.onDevice) tf.tidy(() => this.variable.assign(tf.tensor1d(this.values)));
    this.mirror?.upload(this.values);
  }

  /**
   * Attaches the copy a typed-array training engine keeps of these values (undefined detaches it): {@link push}
   * then refreshes it too, so that host values set after training started (a load, a copy) reach the engine.
   */
  setMirror(mirror: ParameterMirror | undefined): void {
    this.mirror = mirror;
  }

  /** Copies another vector's values (same layout), on the host and, where both exist, on the device. */
  copyFrom(other: ParameterVector): void {
    if (other.layout.size !== this.layout.size) throw new RangeError('ParameterVector.copyFrom: layouts differ');
    if (other.onDevice && this.onDevice) {
      tf.tidy(() => this.variable.assign(other.variable));
      this.values.set(other.values);
      this.mirror?.upload(this.values);
    } else {
      this.values.set(other.values);
      this.push();
    }
  }

  /** Frees the variable (the host copy stays). */
  dispose(): void {
    if (this.device !== undefined && !this.device.isDisposed) this.device.dispose();
    this.device = undefined;
  }
}
