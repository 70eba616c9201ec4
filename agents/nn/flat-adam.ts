import * as tf from '@tensorflow/tfjs';

/** Adam's hyperparameters besides the learning rate (PyTorch's names and defaults). */
export interface AdamOptions {
  readonly beta1?: number;
  readonly beta2?: number;
  /** PyTorch's default is 1e-8; SB3's PPO/A2C policies pass 1e-5. */
  readonly eps?: number;
}

/** Adam's coefficients with PyTorch's defaults (β1 0.9, β2 0.999, ε 1e-8), checked; errors name the bad one. */
export function resolveAdamOptions(options: AdamOptions): Required<AdamOptions> {
  const beta1 = options.beta1 ?? 0.9;
  const beta2 = options.beta2 ?? 0.999;
  const eps = options.eps ?? 1e-8;
  for (const [key, value] of [['beta1', beta1], ['beta2', beta2]] as const) {
    if (!(value >= 0 && value < 1)) throw new RangeError(`Adam: ${key} must be in [0, 1), got ${value}`);
  }
  if (!(eps > 0)) throw new RangeError(`Adam: eps must be > 0, got ${eps}`);
  return { beta1, beta2, eps };
}

/** Serializable optimizer state, for checkpoints. */
export interface AdamState {
  readonly step: number;
  readonly m: Float32Array;
  readonly v: Float32Array;
}

/**
 * Adam's state as a checkpoint should hold it: the live optimizer's if training started, else the state
 * restored from a checkpoint and not yet handed to an optimizer, else fresh zeros for `size` parameters.
 */
export function currentAdamState(live: { optimizerState(): AdamState } | undefined, pending: AdamState | undefined, size: number): AdamState {
  if (live !== undefined) return live.optimizerState();
  if (pending !== undefined) return pending;
  return { step: 0, m: new Float32Array(size), v: new Float32Array(size) };
}

/**
 * Adam over one flat parameter vector, with PyTorch's update rule (`torch.optim.Adam`, no weight decay):
 * `m ← β1 m + (1−β1) g`, `v ← β2 v + (1−β2) g²`, `θ ← θ − lr/(1−β1ᵗ) · m / (√v/√(1−β2ᵗ) + ε)`.
 * About a dozen tfjs kernels per step whatever the number of layers (see `ParamLayout` for why).
 */
export class FlatAdam {
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  private stepCount = 0;
  private m: tf.Variable<tf.Rank.R1> | undefined;
  private v: tf.Variable<tf.Rank.R1> | undefined;
  private pendingState: AdamState | undefined;

  constructor(
    readonly size: number,
    options: AdamOptions = {},
  ) {
    ({ beta1: this.beta1, beta2: this.beta2, eps: this.eps } = resolveAdamOptions(options));
  }

  /** Number of updates applied so far. */
  get steps(): number {
    return this.stepCount;
  }

  /** Applies one update with gradient `grad` (call inside `tf.tidy`). */
  apply(theta: tf.Variable<tf.Rank.R1>, grad: tf.Tensor1D, learningRate: number): void {
    this.ensureSlots();
    const m = this.m as tf.Variable<tf.Rank.R1>;
    const v = this.v as tf.Variable<tf.Rank.R1>;
    this.stepCount += 1;
    const t = this.stepCount;
    m.assign(tf.add(tf.mul(m, this.beta1), tf.mul(grad, 1 - this.beta1)));
    v.assign(tf.add(tf.mul(v, this.beta2), tf.mul(tf.square(grad), 1 - this.beta2)));
    const stepSize = learningRate / (1 - this.beta1 ** t);
    const denom = tf.add(tf.mul(tf.sqrt(v), 1 / Math.sqrt(1 - this.beta2 ** t)), this.eps);
    theta.assign(tf.sub(theta, tf.mul(tf.div(m, denom), stepSize)));
  }

  /** The optimizer's state (reads the device). */
  getState(): AdamState {
    if (this.pendingState !== undefined) return this.pendingState;
    return {
      step: this.stepCount,
      m: this.m === undefined ? new Float32Array(this.size) : Float32Array.from(this.m.dataSync() as Float32Array),
      v: this.v === undefined ? new Float32Array(this.size) : Float32Array.from(this.v.dataSync() as Float32Array),
    };
  }

  /** Restores a state from {@link FlatAdam.getState} (uploaded lazily at the next update). */
  setState(state: AdamState): void {
    if (state.m.length !== this.size || state.v.length !== this.size || !Number.isInteger(state.step) || state.step < 0) {
      throw new RangeError(`Adam.setState: expected moments of ${this.size} values and a step count >= 0`);
    }
    this.dispose();
    this.stepCount = state.step;
    this.pendingState = { step: state.step, m: Float32Array.from(state.m), v: Float32Array.from(state.v) };
  }

  /** Frees the moment variables. */
  dispose(): void {
    this.m?.dispose();
    this.v?.dispose();
    this.m = undefined;
    this.v = undefined;
  }

  private ensureSlots(): void {
    if (this.m !== undefined) return;
    const init = this.pendingState;
    this.pendingState = undefined;
    // Variables outlive any tidy; the temporaries they start from are freed by it.
    const size = this.size;
    this.m = tf.tidy(() => tf.variable(init ? tf.tensor1d(init.m) : tf.zeros([size]), false) as tf.Variable<tf.Rank.R1>);
    this.v = tf.tidy(() => tf.variable(init ? tf.tensor1d(init.v) : tf.zeros([size]), false) as tf.Variable<tf.Rank.R1>);
  }
}

/**
 * Scales a flat gradient so its L2 norm is at most `maxNorm` (`torch.nn.utils.clip_grad_norm_`:
 * coefficient `maxNorm / (norm + 1e-6)`, clamped to 1). Returns the clipped gradient and the norm before clipping.
 */
export function clipByGlobalNorm(grad: tf.Tensor1D, maxNorm: number): { clipped: tf.Tensor1D; norm: tf.Scalar } {
  const norm = tf.norm(grad) as tf.Scalar;
  const coef = tf.minimum(tf.div(maxNorm, tf.add(norm, 1e-6)), 1);
  return { clipped: tf.mul(grad, coef), norm };
}
