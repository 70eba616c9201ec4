import type { EpisodeRecord } from '../episode-buffer.js';
import type { ParamLayout } from '../../agents/nn/param-layout.js';
import { strideSteps, type EmbeddingActivation } from './task-encoder.js';

/** The sizes {@link gruEmbedHost} needs of a GRU trajectory encoder. */
export interface GruHostShape {
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly layers: number;
  readonly embeddingSize: number;
  readonly maxSteps: number;
  readonly activation: EmbeddingActivation;
}

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/**
 * The GRU trajectory encoder's embedding of one context computed on the host, in plain loops: the same
 * function as its tfjs `forward` (gates r, z, n in that order; h ← h + mask·(h' − h); mean of the
 * episodes' last states; Linear + activation), equal to it up to float32 rounding. It exists for speed:
 * the conditioning wrapper embeds the task's buffer at every reset, and tfjs spends ~20 ms dispatching
 * the ~500 small kernels of a 16-step, 2-layer GRU that these loops run in well under a millisecond.
 * Gradients still go through `forward`.
 */
export function gruEmbedHost(shape: GruHostShape, layout: ParamLayout, values: Float32Array, context: readonly EpisodeRecord[]): Float32Array {
  const H = shape.hiddenSize;
  const E = shape.embeddingSize;
  const out = new Float32Array(E);
  if (context.length === 0) return out;
  const pooled = new Float64Array(H);
  const layers = Array.from({ length: shape.layers }, (_, l) => ({
    wx: layout.view(values, `gru${l}/wx`),
    bx: layout.view(values, `gru${l}/bx`),
    wh: layout.view(values, `gru${l}/wh`),
    bh: layout.view(values, `gru${l}/bh`),
    fanIn: l === 0 ? shape.inputSize : H,
  }));
  for (const episode of context) {
    if (episode.rowSize < shape.inputSize) throw new RangeError(`GruTrajectoryEncoder: episode rows have ${episode.rowSize} numbers, fewer than the ${shape.inputSize} of [observation, action, reward]`);
    // The layer's input sequence: the strided rows for layer 0, the previous layer's states after.
    let sequence: Float64Array[] = strideSteps(episode.length, shape.maxSteps).map((t) => Float64Array.from(episode.steps.subarray(t * episode.rowSize, t * episode.rowSize + shape.inputSize)));
    let h: Float64Array = new Float64Array(H);
    for (const layer of layers) {
      h = new Float64Array(H);
      const states: Float64Array[] = [];
      for (const x of sequence) {
        const next = gruCell(layer, x, h, H);
        h = next;
        states.push(next);
      }
      sequence = states;
    }
    for (let j = 0; j < H; j++) pooled[j] += h[j] / context.length;
  }
  const kernel = layout.view(values, 'proj/kernel');
  const bias = layout.view(values, 'proj/bias');
  for (let k = 0; k < E; k++) {
    let a = bias[k];
    for (let j = 0; j < H; j++) a += pooled[j] * kernel[j * E + k];
    out[k] = shape.activation === 'tanh' ? Math.tanh(a) : Math.max(0, a);
  }
  return out;
}

/** One GRU step (PyTorch's/Keras reset-after form, as the tfjs forward): returns the new state. */
function gruCell(layer: { wx: Float32Array; bx: Float32Array; wh: Float32Array; bh: Float32Array; fanIn: number }, x: Float64Array, h: Float64Array, H: number): Float64Array {
  const G = 3 * H;
  const xg = new Float64Array(G);
  const hg = new Float64Array(G);
  for (let g = 0; g < G; g++) {
    xg[g] = layer.bx[g];
    hg[g] = layer.bh[g];
  }
  for (let i = 0; i < layer.fanIn; i++) {
    const xi = x[i];
    if (xi === 0) continue;
    for (let g = 0; g < G; g++) xg[g] += xi * layer.wx[i * G + g];
  }
  for (let i = 0; i < H; i++) {
    const hi = h[i];
    if (hi === 0) continue;
    for (let g = 0; g < G; g++) hg[g] += hi * layer.wh[i * G + g];
  }
  const next = new Float64Array(H);
  for (let j = 0; j < H; j++) {
    const r = sigmoid(xg[j] + hg[j]);
    const z = sigmoid(xg[H + j] + hg[H + j]);
    const n = Math.tanh(xg[2 * H + j] + r * hg[2 * H + j]);
    next[j] = (1 - z) * n + z * h[j];
  }
  return next;
}
