/** numpy's unroll factor and block size for pairwise summation (`PW_BLOCKSIZE`). */
const UNROLL = 8;
const BLOCK = 128;

/**
 * Sum of `values[start, start + n)` exactly as numpy sums a contiguous float64 array (`np.sum`, and so
 * `np.mean`): pairwise summation over blocks of 128 with 8 accumulators. PCC-RL averages RTT samples with
 * `np.mean`, and its latency-inflation feature is a small difference of two such means, so matching numpy's
 * rounding (rather than a plain left-to-right sum) is what keeps the port exact to the last bit.
 */
export function pairwiseSum(values: Float64Array, start: number, n: number): number {
  if (n < UNROLL) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += values[start + i];
    return sum;
  }
  if (n <= BLOCK) {
    let r0 = values[start];
    let r1 = values[start + 1];
    let r2 = values[start + 2];
    let r3 = values[start + 3];
    let r4 = values[start + 4];
    let r5 = values[start + 5];
    let r6 = values[start + 6];
    let r7 = values[start + 7];
    const whole = n - (n % UNROLL);
    let i = UNROLL;
    for (; i < whole; i += UNROLL) {
      const p = start + i;
      r0 += values[p];
      r1 += values[p + 1];
      r2 += values[p + 2];
      r3 += values[p + 3];
      r4 += values[p + 4];
      r5 += values[p + 5];
      r6 += values[p + 6];
      r7 += values[p + 7];
    }
    let sum = (r0 + r1 + (r2 + r3)) + (r4 + r5 + (r6 + r7));
    for (; i < n; i++) sum += values[start + i];
    return sum;
  }
  let half = Math.floor(n / 2);
  half -= half % UNROLL;
  return pairwiseSum(values, start, half) + pairwiseSum(values, start + half, n - half);
}

/** Mean of `values[start, start + n)` as `np.mean` computes it (0 for an empty range). */
export function numpyMean(values: Float64Array, start: number, n: number): number {
  return n > 0 ? pairwiseSum(values, start, n) / n : 0;
}
