/** Event kinds, numbered so that comparing them orders events as PCC-RL's heap tuples do: acks ('A') before sends ('S'), then by hop. */
export const EVENT_ACK_HOP1 = 1;
export const EVENT_ACK_HOP2 = 2;
export const EVENT_SEND = 4;

const KINDS = [EVENT_ACK_HOP1, EVENT_ACK_HOP2, EVENT_SEND] as const;
const INITIAL_CAPACITY = 256;

/**
 * Events of one kind, kept sorted by (time, latency, dropped) in a ring buffer. A new event is inserted by
 * scanning back from the newest, which costs O(1) when events arrive in time order — as they nearly always
 * do here: sends are periodic, forward-hop arrivals leave a FIFO queue in order (delay noise perturbs them
 * slightly), and return-hop arrivals are forward arrivals plus a constant.
 */
class SortedRing {
  times = new Float64Array(INITIAL_CAPACITY);
  latencies = new Float64Array(INITIAL_CAPACITY);
  dropped = new Uint8Array(INITIAL_CAPACITY);
  mask = INITIAL_CAPACITY - 1;
  head = 0;
  count = 0;

  insert(time: number, latency: number, dropped: number): void {
    if (this.count === this.times.length) this.grow();
    const { times, latencies, mask } = this;
    const flags = this.dropped;
    let i = (this.head + this.count) & mask;
    let remaining = this.count;
    // Shift later events up by one until the slot for the new event is found (ties keep arrival order).
    while (remaining > 0) {
      const prev = (i - 1) & mask;
      const t = times[prev];
      if (t < time || (t === time && (latencies[prev] < latency || (latencies[prev] === latency && flags[prev] <= dropped)))) break;
      times[i] = t;
      latencies[i] = latencies[prev];
      flags[i] = flags[prev];
      i = prev;
      remaining--;
    }
    times[i] = time;
    latencies[i] = latency;
    flags[i] = dropped;
    this.count++;
  }

  private grow(): void {
    const capacity = this.times.length * 2;
    const times = new Float64Array(capacity);
    const latencies = new Float64Array(capacity);
    const dropped = new Uint8Array(capacity);
    for (let k = 0; k < this.count; k++) {
      const j = (this.head + k) & this.mask;
      times[k] = this.times[j];
      latencies[k] = this.latencies[j];
      dropped[k] = this.dropped[j];
    }
    this.times = times;
    this.latencies = latencies;
    this.dropped = dropped;
    this.mask = capacity - 1;
    this.head = 0;
  }
}

/**
 * The simulator's event queue. Events are ordered exactly as PCC-RL's `heapq` of `(time, sender, type,
 * next_hop, latency, dropped)` tuples — by time, then kind (ack before send, then by hop), then accumulated
 * latency, then the dropped flag — so that ties in time resolve the same way. It keeps one sorted ring per
 * kind (see {@link SortedRing}) instead of one heap: the order is the same for any sequence of pushes, and
 * the simulator's nearly time-ordered pushes and pops cost O(1) each instead of O(log n).
 */
export class EventQueue {
  private readonly rings = [new SortedRing(), new SortedRing(), new SortedRing()];

  /** Fields of the event last removed by {@link EventQueue.pop}. */
  time = 0;
  kind = 0;
  latency = 0;
  wasDropped = false;

  get size(): number {
    return this.rings[0].count + this.rings[1].count + this.rings[2].count;
  }

  clear(): void {
    for (const ring of this.rings) {
      ring.head = 0;
      ring.count = 0;
    }
  }

  push(time: number, kind: number, latency: number, dropped: boolean): void {
    const ring = kind === EVENT_SEND ? this.rings[2] : kind === EVENT_ACK_HOP1 ? this.rings[0] : this.rings[1];
    ring.insert(time, latency, dropped ? 1 : 0);
  }

  /** Removes the earliest event into `time`, `kind`, `latency`, `wasDropped`; the queue must not be empty. */
  pop(): void {
    // The earliest head wins; on equal times the lower kind (ring order) wins, as in PCC-RL's tuples.
    let best = -1;
    let bestTime = Infinity;
    for (let r = 0; r < 3; r++) {
      const ring = this.rings[r];
      if (ring.count > 0) {
        const t = ring.times[ring.head];
        if (best < 0 || t < bestTime) {
          best = r;
          bestTime = t;
        }
      }
    }
    if (best < 0) throw new Error('EventQueue.pop: the queue is empty');
    const ring = this.rings[best];
    const h = ring.head;
    this.time = bestTime;
    this.kind = KINDS[best];
    this.latency = ring.latencies[h];
    this.wasDropped = ring.dropped[h] === 1;
    ring.head = (h + 1) & ring.mask;
    ring.count--;
  }
}
