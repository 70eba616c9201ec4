/**
 * Constants of PCC-RL's Aurora simulator (`src/gym/network_sim.py`, master), kept under their meaning so the
 * port can be checked against the original line by line.
 */

/** Lowest sending rate the rate update rule allows (packets/s). */
export const MIN_RATE = 40;
/** Highest sending rate the rate update rule allows (packets/s). */
export const MAX_RATE = 1000;
/** An action `a` changes the rate by the factor `1 + a·DELTA_SCALE` (or divides by `1 − a·DELTA_SCALE`). */
export const DELTA_SCALE = 0.025;
/** Rewards are scaled by this factor (PCC-RL's `REWARD_SCALE`). */
export const REWARD_SCALE = 0.001;
/** Packet size used to turn packet counts into the byte and bit rates of the monitor interval. */
export const BYTES_PER_PACKET = 1500;
/** Monitor intervals kept in the observation. */
export const HISTORY_LENGTH = 10;
/** Features per monitor interval: sent latency inflation, latency ratio, send ratio. */
export const FEATURES_PER_INTERVAL = 3;
/** Episode length of PCC-RL's `PccNs-v0` (its `MAX_STEPS`). */
export const EPISODE_STEPS = 400;
/** The first monitor interval (and each warm-up interval) lasts this many one-way latencies. */
export const INITIAL_INTERVAL_LATENCIES = 3;
/** Later monitor intervals last this fraction of the previous interval's average RTT. */
export const INTERVAL_RTT_FRACTION = 0.5;
