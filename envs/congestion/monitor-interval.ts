import { BYTES_PER_PACKET, REWARD_SCALE } from './constants.js';
import { numpyMean } from './pairwise-sum.js';

/**
 * What the sender measured over one monitor interval, and the metrics PCC-RL derives from it
 * (`SenderMonitorInterval` and the metric functions of `src/common/sender_obs.py`, master). Rates are in
 * bits/s and latencies in seconds, as there; the formulas, including their quirks, are PCC-RL's.
 */
export class MonitorInterval {
  readonly duration: number;
  readonly bytesSent: number;
  readonly bytesAcked: number;
  readonly bytesLost: number;
  private readonly meanRtt: number;
  private readonly rttIncrease: number;

  constructor(
    readonly packetsSent: number,
    readonly packetsAcked: number,
    readonly packetsLost: number,
    readonly start: number,
    readonly end: number,
    /** RTT of each acked packet, in ack order; read here, not kept. */
    rttSamples: Float64Array,
  ) {
    this.duration = end - start;
    this.bytesSent = packetsSent * BYTES_PER_PACKET;
    this.bytesAcked = packetsAcked * BYTES_PER_PACKET;
    this.bytesLost = packetsLost * BYTES_PER_PACKET;
    const n = rttSamples.length;
    this.meanRtt = numpyMean(rttSamples, 0, n);
    // PCC-RL's "latency increase": mean RTT of the second half of the samples minus that of the first half.
    const half = Math.floor(n / 2);
    this.rttIncrease = half >= 1 ? numpyMean(rttSamples, half, n - half) - numpyMean(rttSamples, 0, half) : 0;
  }

  /** Bits/s sent ("send rate"). */
  sendRate(): number {
    return this.duration > 0 ? (8.0 * this.bytesSent) / this.duration : 0;
  }

  /**
   * Bits/s acked ("recv rate"). PCC-RL (master) subtracts one packet before dividing, so one ack gives 0 and
   * none gives a negative throughput; the reward inherits this.
   */
  recvRate(): number {
    return this.duration > 0 ? (8.0 * (this.bytesAcked - BYTES_PER_PACKET)) / this.duration : 0;
  }

  /** Mean RTT of the acked packets, s ("avg latency"; 0 without acks). */
  avgLatency(): number {
    return this.meanRtt;
  }

  /** Lost / (lost + acked) ("loss ratio"). */
  lossRatio(): number {
    const total = this.bytesLost + this.bytesAcked;
    return total > 0 ? this.bytesLost / total : 0;
  }

  /** Mean RTT of the second half of the samples minus that of the first half ("latency increase"). */
  latencyIncrease(): number {
    return this.rttIncrease;
  }

  /** Latency increase per second of sending ("sent latency inflation"). */
  sentLatencyInflation(): number {
    return this.duration > 0 ? this.latencyIncrease() / this.duration : 0;
  }

  /** Send rate over throughput ("send ratio"); 1 when the throughput is not positive or the ratio is ≥ 1000. */
  sendRatio(): number {
    const throughput = this.recvRate();
    const sendRate = this.sendRate();
    return throughput > 0 && sendRate < 1000.0 * throughput ? sendRate / throughput : 1.0;
  }

  /** Throughput in packets/s as the reward counts it. */
  throughputPackets(): number {
    return this.recvRate() / (8 * BYTES_PER_PACKET);
  }

  /**
   * Aurora's reward: 0.001 × (10 × throughput (packets/s) − 1000 × latency (s) − 2000 × loss ratio),
   * computed in PCC-RL's order of operations.
   */
  reward(): number {
    return ((10.0 * this.recvRate()) / (8 * BYTES_PER_PACKET) - 1e3 * this.avgLatency() - 2e3 * this.lossRatio()) * REWARD_SCALE;
  }
}
