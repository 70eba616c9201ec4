/** Event kinds, numbered so that comparing them orders events as PCC-RL's heap tuples do: acks ('A') before sends ('S'), then by hop. */
export const EVENT_ACK_HOP1 = 1;
export const EVENT_ACK_HOP2 = 2;
export const EVENT_SEND = 4;

const INITIAL_CAPACITY = 256;

/**
 * The simulator's event queue: a binary min-heap over parallel typed arrays (no object per event). Events
 * are ordered exactly as PCC-RL's `heapq` of `(time, sender, type, next_hop, latency, dropped)` tuples — by
 * time, then kind (ack before send, then hop), then accumulated latency, then the dropped flag — so that ties
 * in time resolve the same way.
 */
export class EventQueue {
  private times = new Float64Array(INITIAL_CAPACITY);
  private latencies = new Float64Array(INITIAL_CAPACITY);
  private kinds = new Uint8Array(INITIAL_CAPACITY);
  private dropped = new Uint8Array(INITIAL_CAPACITY);
  private count = 0;

  /** Fields of the event last removed by {@link EventQueue.pop}. */
  time = 0;
  kind = 0;
  latency = 0;
  wasDropped = false;

  get size(): number {
    return this.count;
  }

  clear(): void {
    this.count = 0;
  }

  push(time: number, kind: number, latency: number, dropped: boolean): void {
    if (this.count === this.times.length) this.grow();
    let i = this.count++;
    const d = dropped ? 1 : 0;
    const times = this.times;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(time, kind, latency, d, parent)) break;
      this.move(parent, i);
      i = parent;
    }
    times[i] = time;
    this.kinds[i] = kind;
    this.latencies[i] = latency;
    this.dropped[i] = d;
  }

  /** Removes the earliest event into `time`, `kind`, `latency`, `wasDropped`; the queue must not be empty. */
  pop(): void {
    if (this.count === 0) throw new Error('EventQueue.pop: the queue is empty');
    const times = this.times;
    this.time = times[0];
    this.kind = this.kinds[0];
    this.latency = this.latencies[0];
    this.wasDropped = this.dropped[0] === 1;
    const last = --this.count;
    if (last === 0) return;
    const time = times[last];
    const kind = this.kinds[last];
    const latency = this.latencies[last];
    const d = this.dropped[last];
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= last) break;
      const right = child + 1;
      if (right < last && this.before(this.times[right], this.kinds[right], this.latencies[right], this.dropped[right], child)) child = right;
      if (!this.entryBefore(child, time, kind, latency, d)) break;
      this.move(child, i);
      i = child;
    }
    times[i] = time;
    this.kinds[i] = kind;
    this.latencies[i] = latency;
    this.dropped[i] = d;
  }

  /** Whether the event (time, kind, latency, dropped) comes strictly before entry `j`. */
  private before(time: number, kind: number, latency: number, dropped: number, j: number): boolean {
    const tj = this.times[j];
    if (time !== tj) return time < tj;
    const kj = this.kinds[j];
    if (kind !== kj) return kind < kj;
    const lj = this.latencies[j];
    if (latency !== lj) return latency < lj;
    return dropped < this.dropped[j];
  }

  /** Whether entry `i` comes strictly before the event (time, kind, latency, dropped). */
  private entryBefore(i: number, time: number, kind: number, latency: number, dropped: number): boolean {
    const ti = this.times[i];
    if (ti !== time) return ti < time;
    const ki = this.kinds[i];
    if (ki !== kind) return ki < kind;
    const li = this.latencies[i];
    if (li !== latency) return li < latency;
    return this.dropped[i] < dropped;
  }

  private move(from: number, to: number): void {
    this.times[to] = this.times[from];
    this.kinds[to] = this.kinds[from];
    this.latencies[to] = this.latencies[from];
    this.dropped[to] = this.dropped[from];
  }

  private grow(): void {
    const capacity = this.times.length * 2;
    const times = new Float64Array(capacity);
    times.set(this.times);
    const latencies = new Float64Array(capacity);
    latencies.set(this.latencies);
    const kinds = new Uint8Array(capacity);
    kinds.set(this.kinds);
    const dropped = new Uint8Array(capacity);
    dropped.set(this.dropped);
    this.times = times;
    this.latencies = latencies;
    this.kinds = kinds;
    this.dropped = dropped;
  }
}
