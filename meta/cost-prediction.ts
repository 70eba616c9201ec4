import { maxSimilarity } from './similarity.js';

/** A task whose adaptation was measured: its embedding and what adapting to it cost. */
export interface AdaptationObservation {
  readonly embedding: ArrayLike<number>;
  /** Episodes the agent needed to reach 90% of its converged return. */
  readonly episodesToAdapt: number;
  /** Relative drop of the return before adaptation (0: none). */
  readonly zeroShotDrop: number;
}

/** A prediction for a new task, made before adapting to it. */
export interface AdaptationCostPrediction {
  /** Its highest similarity to the reference (training) tasks. */
  readonly similarity: number;
  readonly episodesToAdapt: number;
  readonly zeroShotDrop: number;
}

/**
 * Predicts a new task's adaptation cost and zero-shot reward drop from its similarity to the training
 * tasks (FLASH's "predictability of adaptation overhead"): the less a task resembles anything seen in
 * pretraining, the more it costs. Fitted by least squares on calibration tasks whose costs were measured:
 * cost ≈ a + b · (1 − maxSimilarity to the training embeddings).
 */
export class AdaptationCostPredictor {
  private constructor(
    private readonly references: readonly ArrayLike<number>[],
    readonly episodesFit: LinearFit,
    readonly dropFit: LinearFit,
  ) {}

  /**
   * Fits the predictor: `references` are the training tasks' embeddings, `calibration` tasks with a
   * measured cost (not among the references). Needs at least 2 calibration tasks.
   */
  static fit(references: readonly ArrayLike<number>[], calibration: readonly AdaptationObservation[]): AdaptationCostPredictor {
    if (references.length === 0) throw new RangeError('AdaptationCostPredictor.fit: needs at least one reference embedding');
    if (calibration.length < 2) throw new RangeError(`AdaptationCostPredictor.fit: needs at least 2 calibration tasks, got ${calibration.length}`);
    const novelty = calibration.map((c) => 1 - maxSimilarity(c.embedding, references));
    return new AdaptationCostPredictor(
      references,
      fitLine(novelty, calibration.map((c) => c.episodesToAdapt)),
      fitLine(novelty, calibration.map((c) => c.zeroShotDrop)),
    );
  }

  /** The prediction for a task with embedding `e`. */
  predict(e: ArrayLike<number>): AdaptationCostPrediction {
    const s = maxSimilarity(e, this.references);
    const x = 1 - s;
    return { similarity: s, episodesToAdapt: Math.max(0, this.episodesFit.intercept + this.episodesFit.slope * x), zeroShotDrop: this.dropFit.intercept + this.dropFit.slope * x };
  }
}

/** y ≈ intercept + slope · x. */
export interface LinearFit {
  readonly intercept: number;
  readonly slope: number;
}

/** Ordinary least squares on one feature; a constant x gives slope 0 and the mean of y. */
export function fitLine(x: readonly number[], y: readonly number[]): LinearFit {
  const n = x.length;
  const mx = x.reduce((a, b) => a + b, 0) / n;
  const my = y.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
  }
  const slope = sxx === 0 ? 0 : sxy / sxx;
  return { intercept: my - slope * mx, slope };
}
