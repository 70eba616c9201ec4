import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../../envs/rng/rng.js';
import { initDense, type InitScheme } from './init.js';
import type { ParamLayout } from './param-layout.js';

/** Hidden-layer activations the agents support (SB3's `activation_fn`). */
export type Activation = 'tanh' | 'relu';

/** One dense layer of an {@link Mlp}: the names of its kernel and bias in the layout. */
export interface DenseLayer {
  readonly kernel: string;
  readonly bias: string;
  readonly fanIn: number;
  readonly fanOut: number;
}

/** What {@link buildMlp} needs to add a network to a layout. */
export interface MlpOptions {
  /** Prefix of the parameter names, e.g. `pi` gives `pi/dense0/kernel`. */
  readonly name: string;
  readonly inputSize: number;
  readonly hiddenSizes: readonly number[];
  readonly outputSize: number;
  readonly activation: Activation;
  /** Initialisation of the hidden layers. */
  readonly hiddenInit: InitScheme;
  /** Initialisation of the output layer. */
  readonly outputInit: InitScheme;
}

/**
 * A multilayer perceptron whose parameters live in a {@link ParamLayout}: dense layers with the given
 * activation between them and a linear output. It can run as tfjs ops (for training) or as plain
 * typed-array loops (see `fast-forward.ts`, for acting).
 */
export interface Mlp {
  readonly name: string;
  readonly layers: readonly DenseLayer[];
  readonly activation: Activation;
  readonly inputSize: number;
  readonly outputSize: number;
}

/**
 * Adds an MLP's parameters to `layout` and writes their initial values (drawn from `rng`) with `write`.
 * Returns the network's description.
 */
export function buildMlp(
  layout: ParamLayout,
  options: MlpOptions,
  rng: Rng,
  write: (name: string, values: Float32Array) => void,
): Mlp {
  const sizes = [options.inputSize, ...options.hiddenSizes, options.outputSize];
  for (const s of sizes) {
    if (!Number.isInteger(s) || s <= 0) throw new RangeError(`MLP "${options.name}": layer sizes must be positive integers, got [${sizes.join(', ')}]`);
  }
  const layers: DenseLayer[] = [];
  for (let i = 0; i + 1 < sizes.length; i++) {
    const fanIn = sizes[i];
    const fanOut = sizes[i + 1];
    const kernel = `${options.name}/dense${i}/kernel`;
    const bias = `${options.name}/dense${i}/bias`;
    layout.add(kernel, [fanIn, fanOut]);
    layout.add(bias, [fanOut]);
    const isOutput = i + 2 === sizes.length;
    const init = initDense(fanIn, fanOut, isOutput ? options.outputInit : options.hiddenInit, rng);
    write(kernel, init.kernel);
    write(bias, init.bias);
    layers.push({ kernel, bias, fanIn, fanOut });
  }
  return { name: options.name, layers, activation: options.activation, inputSize: options.inputSize, outputSize: options.outputSize };
}

/** Runs an MLP as tfjs ops on a batch `[batch, inputSize]`; `params` comes from `ParamLayout.split`. */
export function mlpForward(mlp: Mlp, params: Record<string, tf.Tensor>, input: tf.Tensor2D): tf.Tensor2D {
  let x = input;
  mlp.layers.forEach((layer, i) => {
    x = tf.add(tf.matMul(x, params[layer.kernel] as tf.Tensor2D), params[layer.bias]);
    if (i + 1 < mlp.layers.length) x = mlp.activation === 'tanh' ? tf.tanh(x) : tf.relu(x);
  });
  return x;
}
