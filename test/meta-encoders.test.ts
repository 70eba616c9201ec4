import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../envs/rng/rng.js';
import { EpisodeBuffer, type EpisodeRecord } from '../meta/episode-buffer.js';
import { createTaskEncoder, encoderFromJson, encoderToJson } from '../meta/encoders/create-encoder.js';

const OBS = 3;
const ACT = 2;
const ROW = 2 * OBS + ACT + 1;

function randomEpisode(rng: Rng, length: number, shift = 0): EpisodeRecord {
  const steps = new Float32Array(length * ROW);
  let ret = 0;
  for (let t = 0; t < length; t++) {
    for (let i = 0; i < ROW; i++) steps[t * ROW + i] = rng.normal() + shift;
    ret += steps[t * ROW + OBS + ACT];
  }
  return { steps, length, rowSize: ROW, episodeReturn: ret };
}

test('GRU encoder: one embedding per context, zeros for an empty context, finite gradients', (t) => {
  const enc = createTaskEncoder({ kind: 'gru', observationSize: OBS, actionSize: ACT, hiddenSize: 8, embeddingSize: 5 }, 1);
  const rng = new Rng(2);
  const contexts = [[randomEpisode(rng, 7), randomEpisode(rng, 4)], [], [randomEpisode(rng, 3)]];
  const out = tf.tidy(() => enc.forward(enc.params.variable, contexts).arraySync());
  t.deepEqual([out.length, out[0].length], [3, 5]);
  t.deepEqual(out[1], [0, 0, 0, 0, 0]);
  const grad = tf.tidy(() => tf.grad((theta: tf.Tensor) => tf.sum(enc.forward(theta as tf.Tensor1D, contexts)))(enc.params.variable).dataSync());
  t.is(grad.length, enc.params.layout.size);
  t.true(Array.from(grad).every(Number.isFinite));
  t.true(Array.from(grad).some((g) => g !== 0));
});

test('GRU encoder: a padded (shorter) episode is encoded as if alone', (t) => {
  const enc = createTaskEncoder({ kind: 'gru', observationSize: OBS, actionSize: ACT, hiddenSize: 6, embeddingSize: 4 }, 3);
  const rng = new Rng(4);
  const short = randomEpisode(rng, 3);
  const long = randomEpisode(rng, 9);
  const alone = enc.embed([short]);
  const batched = tf.tidy(() => enc.forward(enc.params.variable, [[short], [long]]).arraySync()[0]);
  batched.forEach((v, i) => t.true(Math.abs(v - alone[i]) < 1e-5));
  // The GRU reads order: reversing the steps changes the embedding.
  const reversed = new Float32Array(short.steps.length);
  for (let s = 0; s < 3; s++) reversed.set(short.steps.subarray(s * ROW, (s + 1) * ROW), (2 - s) * ROW);
  const rev = enc.embed([{ ...short, steps: reversed }]);
  t.true(rev.some((v, i) => Math.abs(v - alone[i]) > 1e-6) || alone.every((v) => v === 0));
});

test('transition encoder: invariant to the order of transitions and episodes', (t) => {
  const enc = createTaskEncoder({ kind: 'transition', observationSize: OBS, actionSize: ACT, hiddenSizes: [16], codeSize: 8, embeddingSize: 6 }, 5);
  const rng = new Rng(6);
  const a = randomEpisode(rng, 5);
  const b = randomEpisode(rng, 4);
  // All 9 transitions, shuffled and regrouped into different episodes.
  const rows: Float32Array[] = [];
  for (const e of [a, b]) for (let s = 0; s < e.length; s++) rows.push(e.steps.slice(s * ROW, (s + 1) * ROW));
  const order = new Rng(7).shuffle(rows.map((_, i) => i));
  const regroup = (ids: number[]): EpisodeRecord => {
    const steps = new Float32Array(ids.length * ROW);
    ids.forEach((id, k) => steps.set(rows[id], k * ROW));
    return { steps, length: ids.length, rowSize: ROW, episodeReturn: 0 };
  };
  const e1 = enc.embed([a, b]);
  const e2 = enc.embed([regroup(order.slice(0, 2)), regroup(order.slice(2))]);
  t.is(e1.length, 6);
  e1.forEach((v, i) => t.true(Math.abs(v - e2[i]) < 1e-5, `dim ${i}: ${v} vs ${e2[i]}`));
  // A different transition set gives a different code (the check above is not vacuous).
  const e3 = enc.embed([randomEpisode(rng, 5, 2)]);
  t.true(e3.some((v, i) => Math.abs(v - e1[i]) > 1e-4));
});

test('encoders: JSON round trip reproduces the embedding; bad configs are named', (t) => {
  const enc = createTaskEncoder({ kind: 'gru', observationSize: OBS, actionSize: ACT, hiddenSize: 4, embeddingSize: 3 }, 9);
  const ctx = [randomEpisode(new Rng(1), 6)];
  const back = encoderFromJson(JSON.parse(JSON.stringify(encoderToJson(enc))));
  t.deepEqual(Array.from(back.embed(ctx)), Array.from(enc.embed(ctx)));
  t.throws(() => createTaskEncoder({ kind: 'gru', observationSize: 0, actionSize: 2 }, 0), { message: /observationSize must be a positive integer/ });
  t.throws(() => createTaskEncoder({ kind: 'nope' } as never, 0), { message: /allowed: "gru", "transition"/ });
});

test('episode buffer: top-K keeps the best returns (ties: earlier first), latest keeps the newest', (t) => {
  const ep = (r: number): EpisodeRecord => ({ steps: new Float32Array(ROW), length: 1, rowSize: ROW, episodeReturn: r });
  const top = new EpisodeBuffer(3, 'topK');
  const latest = new EpisodeBuffer(3, 'latest');
  const returns = [5, 1, 7, 5, 3, 9];
  const records = returns.map(ep);
  for (const r of records) {
    top.add(r);
    latest.add(r);
  }
  t.deepEqual(top.episodes.map((e) => e.episodeReturn), [9, 7, 5]);
  t.is(top.episodes[2], records[0]);
  t.deepEqual(latest.episodes.map((e) => e.episodeReturn), [5, 3, 9]);
  t.deepEqual(EpisodeBuffer.fromJSON(JSON.parse(JSON.stringify(top.toJSON()))).episodes.map((e) => e.episodeReturn), [9, 7, 5]);
  t.throws(() => new EpisodeBuffer(0), { message: /capacity must be an integer >= 1/ });
});
