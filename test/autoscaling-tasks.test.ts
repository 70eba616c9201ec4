import test from 'ava';
import { Rng } from '../envs/rng/index.js';
import { SEGMENT_NAMES, autoscalingTasks, createAutoscalingTaskDistribution, patternPeak, serviceModel, type AutoscalingTask } from '../envs/autoscaling/index.js';

const catalog = autoscalingTasks.catalog(1000, 0);

test('catalog(1000) is deterministic for a seed, distinct, and differs across seeds', (t) => {
  t.is(catalog.length, 1000);
  t.deepEqual(autoscalingTasks.catalog(1000, 0), catalog);
  const keys = new Set(catalog.map((task) => JSON.stringify({ ...task, id: undefined })));
  t.is(keys.size, 1000);
  t.notDeepEqual(autoscalingTasks.catalog(5, 1), catalog.slice(0, 5));
  t.deepEqual(autoscalingTasks.catalog(5, 0), catalog.slice(0, 5), 'a shorter catalog is a prefix');
});

test('catalog tasks are valid, JSON round-trips, and span the intended spread', (t) => {
  const segmentsSeen = new Set<string>();
  const kinds = new Set<string>();
  let drifting = 0;
  for (const task of catalog) {
    t.deepEqual(autoscalingTasks.fromJSON(autoscalingTasks.toJSON(task)), task);
    task.segments.forEach((s) => segmentsSeen.add(s.name));
    kinds.add(task.pattern.kind);
    if (task.drift) drifting++;
    t.true(task.segments.length >= 1 && task.segments.length <= 3);
    // The peak stays below 60% of the largest configuration's capacity.
    const capacity = 20 / serviceModel(task.segments, 2048, 3072).meanS;
    t.true(task.rate * patternPeak(task.pattern) <= 0.61 * capacity, task.id);
  }
  t.is(segmentsSeen.size, SEGMENT_NAMES.length);
  t.is(kinds.size, 5);
  t.true(drifting > 150 && drifting < 350, `${drifting} drifting tasks`);
  const rates = catalog.map((task) => task.rate).sort((a, b) => a - b);
  t.true(rates[rates.length - 1] / rates[0] > 1000, 'rates span more than three orders of magnitude');
});

test('split: FLASH’s 200 train tasks and 800 held out, disjoint and deterministic', (t) => {
  const split = autoscalingTasks.split(catalog, { train: 200, seed: 3 });
  t.is(split.train.length, 200);
  t.is(split.heldOut.length, 800);
  const trainIds = new Set(split.train.map((task) => task.id));
  t.false(split.heldOut.some((task) => trainIds.has(task.id)));
  t.deepEqual(autoscalingTasks.split(catalog, { train: 200, seed: 3 }), split);
});

test('fingerprints have the named components and tell tasks apart', (t) => {
  const a = autoscalingTasks.fingerprint(catalog[0]);
  t.is(a.length, autoscalingTasks.fingerprintNames.length);
  t.true(a.every(Number.isFinite));
  t.notDeepEqual(autoscalingTasks.fingerprint(catalog[1]), a);
  t.is(a[0], catalog[0].segments.length);
});

test('drift events are deterministic for the seed and only touch the workload', (t) => {
  const dist = createAutoscalingTaskDistribution({ driftProbability: 1 });
  const a = dist.catalog(50, 4);
  t.deepEqual(dist.catalog(50, 4), a);
  for (const task of a) {
    t.is(task.drift?.length, 1);
    const event = task.drift![0];
    t.true(event.atStep >= 10 && event.atStep <= 40);
    t.true(Object.keys(event.set).every((k) => ['rate', 'pattern', 'noise'].includes(k)));
  }
  t.is(createAutoscalingTaskDistribution({ driftProbability: 0 }).catalog(100, 4).filter((task) => task.drift).length, 0);
});

function withField(task: AutoscalingTask, patch: Record<string, unknown>): unknown {
  return { ...JSON.parse(JSON.stringify(task)), ...patch };
}

test('malformed tasks raise errors naming the field and what is allowed', (t) => {
  const task = catalog.find((x) => x.drift === undefined)!;
  const cases: Array<[unknown, RegExp]> = [
    [withField(task, { segments: [] }), /"segments".*1…3 items/],
    [withField(task, { segments: [{ name: 'gpuKernel', scale: 1 }] }), /"segments\[0\]\.name" = "gpuKernel".*one of "floatOperations"/],
    [withField(task, { segments: [{ name: 'sleep', scale: -1 }] }), /"segments\[0\]\.scale" = -1/],
    [withField(task, { rate: Number.NaN }), /"rate" = NaN/],
    [withField(task, { rate: -3 }), /"rate" = -3/],
    [withField(task, { pattern: { kind: 'sawtooth' } }), /"pattern\.kind" = "sawtooth"/],
    [withField(task, { pattern: { kind: 'diurnal', amplitude: 2, periodS: 600, phase: 0 } }), /"pattern\.amplitude" = 2/],
    [withField(task, { pattern: { kind: 'trace', perMinute: [0, 0] } }), /"pattern\.perMinute"/],
    [withField(task, { pattern: { kind: 'constant', height: 3 } }), /"pattern\.height".*no such field/],
    [withField(task, { sloMs: 'fast' }), /"sloMs" = "fast"/],
    [withField(task, { colStartS: 3 }), /"colStartS".*no such field/],
    [withField(task, { drift: [{ atStep: 5, set: { sloMs: 10 } }] }), /"drift\[0\]\.set\.sloMs".*driftable/],
    [withField(task, { drift: [{ atStep: 5, set: { rate: -1 } }] }), /"rate" = -1/],
    ['{not json', /not valid JSON/],
  ];
  for (const [value, pattern] of cases) {
    const err = t.throws(() => autoscalingTasks.fromJSON(value));
    t.regex(err!.message, pattern);
  }
});

test('sample() with an Rng is reproducible', (t) => {
  t.deepEqual(autoscalingTasks.sample(new Rng(8), 'x'), autoscalingTasks.sample(new Rng(8), 'x'));
});
