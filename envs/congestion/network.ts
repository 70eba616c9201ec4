import type { Rng } from '../rng/rng.js';
import { EVENT_ACK_HOP1, EVENT_ACK_HOP2, EVENT_SEND, EventQueue } from './event-queue.js';
import type { Link } from './link.js';
import { MonitorInterval } from './monitor-interval.js';
import type { Sender } from './sender.js';

/**
 * PCC-RL's packet-level event simulation (`Network` in `network_sim.py`) for its one sender: a packet is sent
 * every 1 / rate seconds, crosses the forward link (queueing, drop-tail, random loss), and its ack crosses
 * the return link; a dropped packet still travels and is reported lost when its ack would have arrived.
 *
 * Event by event, as there: a send at time t schedules the next send at t + 1 / rate (the rate in force at
 * t), reads the forward link's latency *before* the packet joins the queue, then offers it to the link; the
 * ack is due at the forward hop's end, then at the return hop's end (the return link never queues).
 */
export class Network {
  /** Simulated time, s. */
  time = 0;
  /** Packets sent since the episode began (for the benchmarks' per-packet figures). */
  packetsSent = 0;
  private readonly queue = new EventQueue();

  constructor(
    readonly sender: Sender,
    readonly forward: Link,
    readonly back: Link,
    private readonly rng: Rng,
  ) {
    this.reset();
  }

  /** Empties the queues and schedules the first send at 1 / rate (PCC-RL's `queue_initial_packets`). */
  reset(): void {
    this.time = 0;
    this.packetsSent = 0;
    this.queue.clear();
    this.forward.reset();
    this.back.reset();
    this.sender.startInterval(0);
    this.queue.push(1.0 / this.sender.rate, EVENT_SEND, 0.0, false);
  }

  /**
   * Runs one monitor interval of (at least) `duration` seconds and returns what the sender measured. As in
   * PCC-RL, events are processed while the clock is before the end, so the last one processed may lie past
   * it, and the interval ends at that event.
   */
  runFor(duration: number): MonitorInterval {
    const end = this.time + duration;
    const sender = this.sender;
    const queue = this.queue;
    const forward = this.forward;
    const back = this.back;
    sender.startInterval(this.time);
    let time = this.time;
    while (time < end) {
      queue.pop();
      time = queue.time;
      const kind = queue.kind;
      if (kind === EVENT_SEND) {
        sender.sent++;
        queue.push(time + 1.0 / sender.rate, EVENT_SEND, 0.0, false);
        const linkLatency = forward.currentLatency(time) + forward.delayNoise(time, this.rng);
        const latency = queue.latency + linkLatency;
        const accepted = forward.packetEntersLink(time, this.rng);
        queue.push(time + linkLatency, EVENT_ACK_HOP1, latency, !accepted);
      } else if (kind === EVENT_ACK_HOP1) {
        const linkLatency = back.currentLatency(time);
        queue.push(time + linkLatency, EVENT_ACK_HOP2, queue.latency + linkLatency, queue.wasDropped);
      } else if (queue.wasDropped) {
        sender.lost++;
      } else {
        sender.onPacketAcked(queue.latency);
      }
    }
    this.time = time;
    this.packetsSent += sender.sent;
    return new MonitorInterval(sender.sent, sender.acked, sender.lost, sender.intervalStart, time, sender.rttSamples);
  }
}
