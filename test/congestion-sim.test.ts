import test from 'ava';
import {
  AuroraSimulation,
  EventQueue,
  Link,
  MAX_RATE,
  MIN_RATE,
  Rng,
  TraceSchedule,
  actionForRate,
  applyRateDelta,
  numpyMean,
  pairwiseSum,
} from '../envs/index.js';

// The simulator alone, against analytic expectations: numpy's summation, the rate rule, the drop-tail queue,
// the event order, and the steady states a rate-based sender must reach on a link.

test('pairwiseSum reproduces numpy sums that a left-to-right sum does not', (t) => {
  // Golden values printed by numpy 2.4 for a_i = 0.1 + i·1e-3 + (i mod 7)·1e-5.
  const golden: Array<[number, number, number]> = [
    [5, 0.5101, 0.10202],
    [20, 2.1905700000000006, 0.10952850000000003],
    [200, 39.90594, 0.1995297],
    [1000, 599.5299699999999, 0.59952997],
  ];
  let naiveDiffers = 0;
  for (const [n, sum, mean] of golden) {
    const a = Float64Array.from({ length: n }, (_, i) => 0.1 + i * 1e-3 + (i % 7) * 1e-5);
    t.is(pairwiseSum(a, 0, n), sum, `sum of ${n}`);
    t.is(numpyMean(a, 0, n), mean, `mean of ${n}`);
    let naive = 0;
    for (const x of a) naive += x;
    if (naive !== sum) naiveDiffers++;
  }
  t.true(naiveDiffers >= 2, 'the golden values tell pairwise from naive summation');
  t.is(numpyMean(new Float64Array(0), 0, 0), 0);
});

test('the rate rule: equal and opposite actions cancel, zero keeps the rate, the rate is clamped', (t) => {
  const rate = 300;
  for (const a of [0.3, 1, 4.5, 17]) {
    t.true(Math.abs(applyRateDelta(applyRateDelta(rate, a), -a) - rate) < 1e-9, `±${a}`);
  }
  t.is(applyRateDelta(rate, 0), rate);
  t.is(applyRateDelta(rate, 2), rate * 1.05);
  t.is(applyRateDelta(rate, -2), rate / 1.05);
  t.is(applyRateDelta(rate, 1e9), MAX_RATE);
  t.is(applyRateDelta(rate, -1e9), MIN_RATE);
  for (const target of [50, 123.4, 300, 999]) {
    t.true(Math.abs(applyRateDelta(rate, actionForRate(rate, target)) - target) < 1e-9, `to ${target}`);
  }
});

test('a drop-tail link holds exactly `queue` packets offered at once, and its queue drains at 1 s/s', (t) => {
  const rng = new Rng(0);
  // 1/256 is exact in binary, so the queue arithmetic has no rounding.
  const link = new Link({ bandwidth: 256, latency: 0.1, queue: 10, loss: 0 });
  let accepted = 0;
  for (let i = 0; i < 25; i++) if (link.packetEntersLink(1, rng)) accepted++;
  t.is(accepted, 10);
  t.is(link.currentQueueDelay(1), 10 / 256);
  t.is(link.currentLatency(1 + 4 / 256), 0.1 + 6 / 256);
  t.is(link.currentQueueDelay(2), 0);
  t.true(link.packetEntersLink(2, rng), 'accepts again once drained');
});

test('random loss drops the configured fraction of packets', (t) => {
  const rng = new Rng(11);
  const link = new Link({ bandwidth: 1000, latency: 0.05, queue: 1e6, loss: 0.3 });
  let lost = 0;
  const n = 20000;
  for (let i = 0; i < n; i++) if (!link.packetEntersLink(i, rng)) lost++;
  t.true(Math.abs(lost / n - 0.3) < 0.02, `lost ${lost / n}`);
});

test('the event queue pops in PCC-RL tuple order: time, then ack before send and by hop, then latency, then dropped', (t) => {
  const rng = new Rng(5);
  const queue = new EventQueue();
  const events: Array<[number, number, number, boolean]> = [];
  for (let i = 0; i < 2000; i++) {
    // Few distinct times and latencies, so that ties are frequent.
    const e: [number, number, number, boolean] = [rng.integers(0, 20) / 4, [1, 2, 4][rng.integers(0, 3)], rng.integers(0, 3) / 8, rng.random() < 0.5];
    events.push(e);
    queue.push(...e);
  }
  const expected = [...events].sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2] || Number(a[3]) - Number(b[3]));
  const popped: Array<[number, number, number, boolean]> = [];
  while (queue.size > 0) {
    queue.pop();
    popped.push([queue.time, queue.kind, queue.latency, queue.wasDropped]);
  }
  t.deepEqual(popped, expected);
  t.throws(() => queue.pop(), { message: /empty/ });
});

/** Runs `steps` monitor intervals with action 0 and sums what they measured. */
function runSteady(sim: AuroraSimulation, steps: number) {
  let sent = 0;
  let acked = 0;
  let lost = 0;
  let duration = 0;
  let rttSum = 0;
  const latencies: number[] = [];
  for (let i = 0; i < steps; i++) {
    const mi = sim.step(0);
    sent += mi.packetsSent;
    acked += mi.packetsAcked;
    lost += mi.packetsLost;
    duration += mi.duration;
    rttSum += mi.avgLatency() * mi.packetsAcked;
    latencies.push(mi.avgLatency());
  }
  return { sent, acked, lost, duration, meanRtt: rttSum / acked, latencies };
}

test('below capacity: no loss, RTT is exactly twice the one-way latency, throughput equals the sending rate', (t) => {
  const sim = new AuroraSimulation({ bandwidth: 300, latency: 0.1, queue: 50, loss: 0, initialRate: 150 }, new Rng(1));
  const run = runSteady(sim, 200);
  t.is(run.lost, 0);
  // Every RTT sample is 0.1 + 0.1; the mean of equal samples may round in its last bits.
  t.true(run.latencies.every((l) => Math.abs(l - 0.2) < 1e-14), 'every interval: mean RTT = 2 × 0.1 s');
  t.true(Math.abs(run.sent / run.duration - 150) < 1, `send rate ${run.sent / run.duration}`);
  t.true(Math.abs(run.acked / run.duration - 150) < 1, `throughput ${run.acked / run.duration}`);
  // Each interval lasts half the previous mean RTT.
  t.true(Math.abs(sim.intervalDuration - 0.1) < 1e-14);
});

test('above capacity: throughput saturates at the bandwidth, the excess is dropped, RTT includes a full queue', (t) => {
  const bandwidth = 200;
  const rate = 400;
  const queue = 40;
  const sim = new AuroraSimulation({ bandwidth, latency: 0.05, queue, loss: 0, initialRate: rate }, new Rng(2));
  runSteady(sim, 50); // fill the queue
  const run = runSteady(sim, 300);
  const throughput = run.acked / run.duration;
  t.true(Math.abs(throughput / bandwidth - 1) < 0.01, `throughput ${throughput}`);
  const lossRatio = run.lost / (run.lost + run.acked);
  t.true(Math.abs(lossRatio - (1 - bandwidth / rate)) < 0.01, `loss ratio ${lossRatio}`);
  const fullQueueRtt = 2 * 0.05 + queue / bandwidth;
  t.true(Math.abs(run.meanRtt - fullQueueRtt) < 2 / bandwidth, `RTT ${run.meanRtt} vs ${fullQueueRtt}`);
});

test('random loss on an uncongested link shows up as the loss ratio', (t) => {
  const sim = new AuroraSimulation({ bandwidth: 400, latency: 0.05, queue: 100, loss: 0.04, initialRate: 200 }, new Rng(3));
  const run = runSteady(sim, 400);
  const lossRatio = run.lost / (run.lost + run.acked);
  t.true(Math.abs(lossRatio - 0.04) < 0.01, `loss ratio ${lossRatio}`);
});

test('a trace changes the bottleneck bandwidth every interval; throughput follows it', (t) => {
  const trace = { interval: 15, bandwidths: [150, 350, 250], delayNoise: 0 };
  const schedule = new TraceSchedule(trace);
  t.is(schedule.bandwidthAt(0), 150);
  t.is(schedule.bandwidthAt(14.999), 150);
  t.is(schedule.bandwidthAt(15), 350);
  t.is(schedule.bandwidthAt(1e6), 250, 'the last value holds');
  const sim = new AuroraSimulation({ bandwidth: 150, latency: 0.05, queue: 30, loss: 0, initialRate: 800, trace }, new Rng(4));
  const perSegment = [0, 0, 0].map(() => ({ acked: 0, duration: 0 }));
  while (sim.time < 45) {
    const mi = sim.step(0);
    // Skip intervals near a change (the queue and the acks in flight lag it by about an RTT).
    const segment = Math.floor(mi.start / 15);
    if (Math.floor(mi.end / 15) !== segment || mi.start - segment * 15 < 1) continue;
    perSegment[segment].acked += mi.packetsAcked;
    perSegment[segment].duration += mi.duration;
  }
  perSegment.forEach((s, i) => {
    const throughput = s.acked / s.duration;
    t.true(Math.abs(throughput / trace.bandwidths[i] - 1) < 0.03, `segment ${i}: ${throughput} vs ${trace.bandwidths[i]}`);
  });
});

test('delay noise adds at most delayNoise to the RTT and draws from the given RNG only', (t) => {
  const make = (seed: number) =>
    new AuroraSimulation(
      { bandwidth: 300, latency: 0.1, queue: 50, loss: 0, initialRate: 100, trace: { interval: 10, bandwidths: [300], delayNoise: 0.02 } },
      new Rng(seed),
    );
  const a = runSteady(make(9), 100);
  const b = runSteady(make(9), 100);
  const c = runSteady(make(10), 100);
  t.deepEqual(a.latencies, b.latencies);
  t.notDeepEqual(a.latencies, c.latencies);
  t.true(a.latencies.every((l) => l >= 0.2 && l <= 0.22 + 1e-12), 'RTT within [2·latency, 2·latency + noise]');
  t.true(a.meanRtt > 0.205, 'noise raises the mean RTT');
});
