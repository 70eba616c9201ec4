import test from 'ava';
import { AdaptationCostPredictor } from '../meta/cost-prediction.js';
import { embeddingPlotSvg, pca2 } from '../meta/embedding-plot.js';
import { similarity, spearman } from '../meta/similarity.js';

test('similarity: (1/(1+ED) + cos)/2 on hand-computed cases', (t) => {
  t.is(similarity([1, 0], [1, 0]), 1);
  // ED = √2, cos = 0.
  t.true(Math.abs(similarity([1, 0], [0, 1]) - 0.5 / (1 + Math.SQRT2)) < 1e-12);
  // Opposite unit vectors: ED = 2, cos = −1 → (1/3 − 1)/2.
  t.true(Math.abs(similarity([1, 0], [-1, 0]) - (1 / 3 - 1) / 2) < 1e-12);
  t.throws(() => similarity([1], [1, 2]), { message: /1 and 2 dimensions/ });
});

test('spearman: ranks with ties; perfect and reversed orders', (t) => {
  t.is(spearman([1, 2, 3, 4], [10, 20, 30, 40]), 1);
  t.is(spearman([1, 2, 3, 4], [4, 3, 2, 1]), -1);
  // scipy.stats.spearmanr([1, 2, 2, 3], [1, 3, 2, 4]) = 0.9486832980505138
  t.true(Math.abs(spearman([1, 2, 2, 3], [1, 3, 2, 4]) - 0.9486832980505138) < 1e-12);
});

test('cost predictor: a task far from the training embeddings is predicted to cost more', (t) => {
  const refs = [[1, 0, 0], [0.9, 0.1, 0]];
  const calibration = [
    { embedding: [1, 0.05, 0], episodesToAdapt: 2, zeroShotDrop: 0.05 },
    { embedding: [0, 1, 0], episodesToAdapt: 8, zeroShotDrop: 0.4 },
    { embedding: [0, 0, 1], episodesToAdapt: 10, zeroShotDrop: 0.5 },
  ];
  const p = AdaptationCostPredictor.fit(refs, calibration);
  const near = p.predict([0.95, 0.05, 0]);
  const far = p.predict([0, 0.2, 1]);
  t.true(near.similarity > far.similarity);
  t.true(far.episodesToAdapt > near.episodesToAdapt);
  t.true(far.zeroShotDrop > near.zeroShotDrop);
  t.throws(() => AdaptationCostPredictor.fit(refs, calibration.slice(0, 1)), { message: /at least 2 calibration tasks/ });
});

test('embedding plot: PCA recovers the dominant direction; SVG has one mark per task', (t) => {
  const rows = [[0, 0, 0], [2, 0.01, 0], [4, 0, 0.01], [6, 0.02, 0]];
  const pts = pca2(rows);
  // Spread along x only: the first component orders the points, the second is ~0.
  const first = pts.map((p) => p[0]);
  t.true(Math.abs(Math.abs(first[3] - first[0]) - 6) < 1e-3);
  t.true(pts.every((p) => Math.abs(p[1]) < 0.05));
  const svg = embeddingPlotSvg(rows.map((e, i) => ({ id: `t${i}`, embedding: e, kind: i % 2 ? 'cpu' : 'io', heldOut: i === 3 })));
  t.is((svg.match(/<title>/g) ?? []).length, 4);
  t.regex(svg, /fill="none"/);
});
