import test from 'ava';
import { Box, Dict, Discrete, MultiBinary, MultiDiscrete, Space, Tuple } from '../envs/spaces/index.js';

const SEEDS = Array.from({ length: 200 }, (_, i) => i * 7919 + 1);

/** One factory per kind of space (and per kind of Box interval), each taking a seed. */
const FACTORIES: Record<string, (seed: number) => Space<unknown>> = {
  'Box bounded float32': (seed) => new Box([-1, 0, 5], [1, 1e-3, 5], { seed }),
  'Box unbounded': (seed) => new Box(-Infinity, Infinity, { shape: [2, 3], seed }),
  'Box bounded below': (seed) => new Box(2, Infinity, { shape: [4], seed }),
  'Box bounded above': (seed) => new Box(-Infinity, -3, { shape: [4], seed }),
  'Box mixed intervals float64': (seed) => new Box([-Infinity, 0, -Infinity, -1], [Infinity, Infinity, 0, 1], { dtype: 'float64', seed }),
  'Box int32 bounded': (seed) => new Box(-2, 3, { shape: [5], dtype: 'int32', seed }),
  'Box int32 unbounded': (seed) => new Box(-Infinity, Infinity, { shape: [3], dtype: 'int32', seed }),
  'Box int32 half-bounded': (seed) => new Box([0, -Infinity], [Infinity, 0], { dtype: 'int32', seed }),
  'Discrete with start': (seed) => new Discrete(5, -2, seed),
  MultiDiscrete: (seed) => new MultiDiscrete([3, 1, 7], { start: [0, -4, 10], seed }),
  'MultiDiscrete 2-axis': (seed) => new MultiDiscrete([[1, 2], [3, 4]], { seed }),
  MultiBinary: (seed) => new MultiBinary(6, { seed }),
  'MultiBinary shaped': (seed) => new MultiBinary([2, 3], { seed }),
  'Dict nested': (seed) =>
    new Dict(
      {
        ext: new MultiDiscrete([5, 2, 2]),
        inner: new Dict({ charge: new Discrete(100), checks: new MultiBinary(10), job: new Tuple([new Discrete(5), new Box(0, 100, { shape: [1] })]) }),
      },
      { seed },
    ),
  'Tuple nested': (seed) => new Tuple([new Discrete(2), new Box(-1, 1, { shape: [2] }), new Dict({ a: new MultiBinary(2) })], { seed }),
};

for (const [name, make] of Object.entries(FACTORIES)) {
  test(`${name}: contains(sample()) over ${SEEDS.length} seeds`, (t) => {
    for (const seed of SEEDS) {
      const space = make(seed);
      for (let i = 0; i < 5; i++) {
        const x = space.sample();
        if (!space.contains(x)) t.fail(`seed ${seed}: ${space.toString()} does not contain its sample ${JSON.stringify(space.toJsonable(x))}`);
      }
    }
    t.pass();
  });

  test(`${name}: the same seed gives the same samples, another seed others`, (t) => {
    const draw = (space: Space<unknown>) => Array.from({ length: 20 }, () => JSON.stringify(space.toJsonable(space.sample())));
    const a = draw(make(42));
    t.deepEqual(draw(make(42)), a);
    const reseeded = make(1);
    reseeded.seed(42);
    t.deepEqual(draw(reseeded), a, 'seed(42) after construction equals the constructor seed');
    t.notDeepEqual(draw(make(43)), a);
  });

  test(`${name}: elements survive a JSON round trip`, (t) => {
    const space = make(5);
    for (let i = 0; i < 10; i++) {
      const x = space.sample();
      const back = space.fromJsonable(JSON.parse(JSON.stringify(space.toJsonable(x))));
      t.deepEqual(back, x);
    }
  });
}

test('Box samples follow the interval type: exponential from a lower bound, uniform between bounds, integers for int32', (t) => {
  const n = 20_000;
  const below = new Box(2, Infinity, { shape: [1], seed: 3 });
  const above = new Box(-Infinity, -3, { shape: [1], seed: 4 });
  const ints = new Box(-2, 3, { shape: [1], dtype: 'int32', seed: 5 });
  let sumBelow = 0;
  let sumAbove = 0;
  const counts = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    sumBelow += below.sample()[0];
    sumAbove += above.sample()[0];
    const k = ints.sample()[0];
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  // low + Exp(1) has mean low + 1; high − Exp(1) has mean high − 1 (standard error ≈ 0.007).
  t.true(Math.abs(sumBelow / n - 3) < 0.04, `mean ${sumBelow / n}`);
  t.true(Math.abs(sumAbove / n + 4) < 0.04, `mean ${sumAbove / n}`);
  // Gymnasium samples an int Box uniformly over {low, …, high}: both bounds included.
  t.deepEqual([...counts.keys()].sort((a, b) => a - b), [-2, -1, 0, 1, 2, 3]);
  for (const c of counts.values()) t.true(Math.abs(c / n - 1 / 6) < 0.015);
});

test('Dict and Tuple seed their children from one seed and return the children seeds', (t) => {
  const make = () => new Dict({ a: new Discrete(1000), b: new Tuple([new Box(0, 1, { shape: [3] }), new MultiBinary(8)]) });
  const space = make();
  const seeds = space.seed(123);
  t.is(seeds.length, 3, 'one seed per leaf: a, b[0], b[1]');
  t.true(seeds.every((s) => Number.isInteger(s) && s >= 0 && s < 2 ** 31));
  t.deepEqual(make().seed(123), seeds, 'the child seeds are a function of the seed');
  const samples = Array.from({ length: 10 }, () => space.sample());

  // Seeding each child with the returned seeds reproduces the samples: the Dict seeded exactly those.
  const perKey = make();
  t.deepEqual(perKey.seed({ a: seeds[0], b: [seeds[1], seeds[2]] }), seeds);
  t.deepEqual(Array.from({ length: 10 }, () => perKey.sample()), samples);

  const leaves = [new Discrete(1000), new Box(0, 1, { shape: [3] }), new MultiBinary(8)];
  leaves.forEach((leaf, i) => leaf.seed(seeds[i]));
  const fromLeaves = Array.from({ length: 10 }, () => ({ a: leaves[0].sample(), b: [leaves[1].sample(), leaves[2].sample()] }));
  t.deepEqual(fromLeaves, samples);

  // seed(undefined) draws fresh seeds from the OS, and reports them.
  const fresh = space.seed();
  const again = make();
  again.seed({ a: fresh[0], b: [fresh[1], fresh[2]] });
  t.deepEqual(again.sample(), space.sample());
});

test('Tuple.seed with an integer seeds children as Gymnasium does: children differ, order matters', (t) => {
  const tuple = new Tuple([new Discrete(1_000_000), new Discrete(1_000_000)], { seed: 9 });
  const [x, y] = tuple.sample();
  t.not(x, y, 'two children get different seeds');
  const seeds = tuple.seed(9);
  t.not(seeds[0], seeds[1]);
});

test('a rejected seed changes nothing, not even the children seeded before the bad one', (t) => {
  const make = () => new Dict({ a: new Discrete(100, 0, 1), b: new Discrete(100, 0, 2) }, {});
  const space = make();
  const control = make();
  t.throws(() => space.seed({ a: 5, b: -1 }), { message: /seed must be a non-negative safe integer.*-1/ });
  t.throws(() => space.seed({ a: 5 }), { message: /exactly the keys 'a', 'b'; missing 'b'/ });
  t.throws(() => space.seed({ a: 5, b: 6, c: 7 }), { message: /unexpected 'c'/ });
  t.throws(() => space.seed([1, 2] as never), { message: /expected an integer, undefined or an object/ });
  t.throws(() => new Tuple([new Discrete(2)]).seed([1, 2]), { message: /list of 1 seeds/ });
  t.throws(() => new Discrete(3).seed(1.5), { message: /Discrete\(3\)\.seed.*1\.5/ });
  t.deepEqual(Array.from({ length: 10 }, () => space.sample()), Array.from({ length: 10 }, () => control.sample()));
});

test('Discrete masks: only allowed values, and start when nothing is allowed (as Gymnasium)', (t) => {
  const space = new Discrete(5, 10, 0);
  t.is(space.sample(new Int8Array([0, 0, 0, 0, 0])), 10);
  t.is(space.sample(new Int8Array([0, 0, 0, 1, 0])), 13);
  const seen = new Set<number>();
  for (let i = 0; i < 500; i++) seen.add(space.sample(new Int8Array([1, 0, 1, 0, 1])));
  t.deepEqual([...seen].sort(), [10, 12, 14]);
  t.throws(() => space.sample(new Int8Array([1, 0])), { message: /mask must have length 5, got 2/ });
  t.throws(() => space.sample([1, 0, 2, 0, 0]), { message: /mask values must be 0 or 1, got 2 at index 2/ });
  t.throws(() => space.sample([1, 0, 0, 0, 0], [1, 0, 0, 0, 0]), { message: /either a mask or a probability/ });
});

test('MultiDiscrete masks apply per component; an all-zero mask gives that component its start', (t) => {
  const space = new MultiDiscrete([3, 4, 2], { start: [1, -2, 7], seed: 11 });
  const mask = [new Int8Array([0, 0, 0]), new Int8Array([0, 1, 0, 1]), new Int8Array([0, 1])];
  const seen = new Set<number>();
  for (let i = 0; i < 300; i++) {
    const x = space.sample(mask);
    t.is(x[0], 1);
    t.true(x[1] === -1 || x[1] === 1);
    t.is(x[2], 8);
    seen.add(x[1]);
  }
  t.deepEqual([...seen].sort(), [-1, 1]);
  const grid = new MultiDiscrete([[2, 3], [4, 1]], { seed: 1 });
  const x = grid.sample([
    [[0, 1], [0, 0, 1]],
    [[0, 0, 0, 1], [0]],
  ]);
  t.deepEqual(x, new Int32Array([1, 2, 3, 0]));
  t.throws(() => space.sample([new Int8Array([1, 1, 1])]), { message: /mask must be a list of 3 arrays/ });
  t.throws(() => space.sample([[1, 1, 1], [1, 1], [1, 1]]), { message: /component 1.*mask must have length 4, got 2/ });
  t.throws(() => grid.sample([[1, 1], [1, 1, 1]] as never), { message: /mask\[1\] must be a list of 2 arrays, got \[1, 1, 1\]/ });
});

test('MultiBinary masks: 0 and 1 force the entry, 2 tosses a fair coin', (t) => {
  const space = new MultiBinary(4, { seed: 2 });
  let ones = 0;
  const n = 10_000;
  for (let i = 0; i < n; i++) {
    const x = space.sample(new Int8Array([0, 1, 2, 1]));
    t.is(x[0], 0);
    t.is(x[1], 1);
    t.is(x[3], 1);
    ones += x[2];
  }
  t.true(Math.abs(ones / n - 0.5) < 0.02, `${ones / n}`);
  t.throws(() => space.sample([0, 1, 3, 1]), { message: /mask values must be 0, 1 or 2, got 3 at index 2/ });
  t.throws(() => space.sample([0, 1]), { message: /mask must have length 4/ });
});

test('Dict and Tuple pass each child its mask; a Box child takes none', (t) => {
  const space = new Dict({ d: new Discrete(4), t: new Tuple([new MultiBinary(2), new Box(0, 1, { shape: [1] })]) }, { seed: 3 });
  for (let i = 0; i < 50; i++) {
    const x = space.sample({ d: [0, 0, 1, 0], t: [[1, 0], undefined] });
    t.is(x.d, 2);
    t.deepEqual(x.t[0], new Int8Array([1, 0]));
  }
  t.throws(() => space.sample({ d: [0, 0, 1, 0] }), { message: /the mask must have exactly the keys 'd', 't'; missing 't'/ });
  t.throws(() => space.sample({ d: undefined, t: [undefined] }), { message: /mask must be a list of 2 entries/ });
  t.throws(() => space.sample({ d: undefined, t: [undefined, [1]] }), { message: /a Box takes no mask/ });
});

test('probability sampling matches the given frequencies and never draws a zero-probability value', (t) => {
  const n = 40_000;
  const tol = 0.012;
  const discrete = new Discrete(4, 1, 7);
  const counts = [0, 0, 0, 0];
  for (let i = 0; i < n; i++) counts[discrete.sample(undefined, [0.2, 0.5, 0, 0.3]) - 1]++;
  [0.2, 0.5, 0, 0.3].forEach((p, i) => t.true(Math.abs(counts[i] / n - p) < tol, `value ${i + 1}: ${counts[i] / n} vs ${p}`));
  t.is(counts[2], 0);

  const multi = new MultiDiscrete([2, 3], { seed: 8 });
  const c0 = [0, 0];
  const c1 = [0, 0, 0];
  for (let i = 0; i < n; i++) {
    const x = multi.sample(undefined, [new Float64Array([0.9, 0.1]), new Float64Array([0, 0.25, 0.75])]);
    c0[x[0]]++;
    c1[x[1]]++;
  }
  t.true(Math.abs(c0[0] / n - 0.9) < tol);
  t.is(c1[0], 0);
  t.true(Math.abs(c1[1] / n - 0.25) < tol);

  const binary = new MultiBinary(3, { seed: 9 });
  let third = 0;
  for (let i = 0; i < n; i++) {
    const x = binary.sample(undefined, [0, 1, 0.25]);
    t.is(x[0], 0);
    t.is(x[1], 1);
    third += x[2];
  }
  t.true(Math.abs(third / n - 0.25) < tol);

  const tuple = new Tuple([new Discrete(2), new MultiBinary(1)], { seed: 1 });
  t.deepEqual(tuple.sample(undefined, [[0, 1], [1]]), [1, new Int8Array([1])]);

  t.throws(() => discrete.sample(undefined, [0.5, 0.4, 0, 0]), { message: /must sum to 1, got a sum of 0\.9/ });
  t.throws(() => discrete.sample(undefined, [1.5, -0.5, 0, 0]), { message: /must lie in \[0, 1\], got 1\.5 at index 0/ });
  t.throws(() => binary.sample(undefined, [0, 2, 0]), { message: /must lie in \[0, 1\], got 2 at index 1/ });
  t.throws(() => new Box(0, 1, { shape: [2] }).sample(undefined, [0.5, 0.5]), { message: /a Box takes no probability/ });
});

test('contains rejects wrong types, lengths, NaN, non-integers and out-of-range values', (t) => {
  const box = new Box(-1, 1, { shape: [2] });
  t.true(box.contains(new Float32Array([0, 1])));
  t.true(box.contains([-1, 0.5]));
  for (const bad of [[0, 2], [0, NaN], [0], [0, 0, 0], 'ab', 0.5, { 0: 0, 1: 0, length: 2 }, null, undefined]) t.false(box.contains(bad), String(bad));
  const intBox = new Box(0, 10, { shape: [1], dtype: 'int32' });
  t.false(intBox.contains([1.5]));
  t.true(intBox.contains([10]));

  const discrete = new Discrete(3, 1);
  t.true(discrete.contains(3));
  for (const bad of [0, 4, 1.5, NaN, '1', [1], null]) t.false(discrete.contains(bad), String(bad));

  const md = new MultiDiscrete([2, 3], { start: [0, 5] });
  t.true(md.contains([1, 7]));
  t.true(md.contains(new Int32Array([0, 5])));
  for (const bad of [[2, 5], [0, 4], [0, 8], [0.5, 5], [NaN, 5], [0], new Float32Array([0, 5]), 'ab', 1]) t.false(md.contains(bad), String(bad));

  const mb = new MultiBinary([2, 2]);
  t.true(mb.contains(new Int8Array([0, 1, 1, 0])));
  for (const bad of [[0, 1, 2, 0], [0, 1, 1], [0, 1, NaN, 0], [true, false, true, false], 'abcd']) t.false(mb.contains(bad), String(bad));

  const dict = new Dict({ a: new Discrete(2), b: box });
  t.true(dict.contains({ b: [0, 0], a: 1 }), 'key order of the element does not matter');
  for (const bad of [{ a: 1 }, { a: 1, b: [0, 0], c: 0 }, { a: 2, b: [0, 0] }, [1, [0, 0]], new Map([['a', 1]]), null]) t.false(dict.contains(bad));

  const tuple = new Tuple([new Discrete(2), box]);
  t.true(tuple.contains([1, [0, 0]]));
  for (const bad of [[1], [1, [0, 0], 0], [1, [0, 3]], { 0: 1, 1: [0, 0] }]) t.false(tuple.contains(bad));
});

test('equality is structural', (t) => {
  t.true(new MultiDiscrete([2, 3]).equals(new MultiDiscrete([2, 3], { seed: 4 })));
  t.false(new MultiDiscrete([2, 3]).equals(new MultiDiscrete([2, 3], { start: [0, 1] })));
  t.false(new MultiDiscrete([2, 3]).equals(new MultiDiscrete([2, 4])));
  t.false(new MultiDiscrete([2, 3, 4, 5]).equals(new MultiDiscrete([[2, 3], [4, 5]])));
  t.true(new MultiBinary([2, 3]).equals(new MultiBinary([2, 3])));
  t.false(new MultiBinary(6).equals(new MultiBinary([2, 3])));
  t.false(new MultiBinary(2).equals(new MultiDiscrete([2, 2])));
  const dict = () => new Dict({ a: new Discrete(2), b: new Box(0, 1, { shape: [2] }) });
  t.true(dict().equals(dict()));
  t.false(dict().equals(new Dict({ b: new Box(0, 1, { shape: [2] }), a: new Discrete(2) })), 'key order fixes the flattening');
  t.false(dict().equals(new Dict({ a: new Discrete(3), b: new Box(0, 1, { shape: [2] }) })));
  t.false(dict().equals(new Tuple([new Discrete(2), new Box(0, 1, { shape: [2] })])));
  t.true(new Tuple([new Discrete(2), dict()]).equals(new Tuple([new Discrete(2), dict()])));
  t.false(new Tuple([new Discrete(2)]).equals(new Tuple([new Discrete(2), new Discrete(2)])));
  t.false(new Box(0, 1, { shape: [2] }).equals(new Box(0, 1, { shape: [2], dtype: 'float64' })));
});

test('toString reads like Gymnasium repr', (t) => {
  t.is(new MultiDiscrete([5, 2, 2]).toString(), 'MultiDiscrete([5 2 2])');
  t.is(new MultiDiscrete([3, 2], { start: [1, -1] }).toString(), 'MultiDiscrete([3 2], start=[1 -1])');
  t.is(new MultiDiscrete([[1, 2], [3, 4]]).toString(), 'MultiDiscrete([[1 2] [3 4]])');
  t.is(new MultiBinary(5).toString(), 'MultiBinary(5)');
  t.is(new MultiBinary([3, 2]).toString(), 'MultiBinary((3, 2))');
  t.is(
    new Dict({ position: new Box(-1, 1, { shape: [2] }), color: new Discrete(3) }).toString(),
    "Dict('position': Box(-1.0, 1.0, (2,), float32), 'color': Discrete(3))",
  );
  t.is(new Tuple([new Discrete(2), new MultiBinary(3)]).toString(), 'Tuple(Discrete(2), MultiBinary(3))');
});

test('Dict keeps its keys in the order given, from an object or from [key, space] pairs', (t) => {
  const fromObject = new Dict({ z: new Discrete(2), a: new Discrete(3) });
  t.deepEqual(fromObject.keys, ['z', 'a']);
  t.deepEqual(Object.keys(fromObject.sample()), ['z', 'a']);
  const fromPairs = new Dict([
    ['velocity', new Discrete(3)],
    ['10', new Discrete(2)],
  ]);
  t.deepEqual(fromPairs.keys, ['velocity', '10']);
});

test('constructors reject bad arguments with errors that say what is allowed', (t) => {
  t.throws(() => new MultiDiscrete([3, 0]), { message: /nvec values must be positive integers, got 0 at index 1/ });
  t.throws(() => new MultiDiscrete([2.5]), { message: /positive integers, got 2\.5/ });
  t.throws(() => new MultiDiscrete([]), { message: /nvec must not be empty/ });
  t.throws(() => new MultiDiscrete(3), { message: /use Discrete/ });
  t.throws(() => new MultiDiscrete([[1, 2], [3]]), { message: /not rectangular/ });
  t.throws(() => new MultiDiscrete([2, 2], { start: [0, 1, 2] }), { message: /start has shape \(3\), nvec has \(2\)/ });
  t.throws(() => new MultiDiscrete([2], { start: [0.5] }), { message: /start\[0\] = 0\.5 must be an integer/ });
  t.throws(() => new MultiDiscrete([2], { start: [2 ** 31 - 1] }), { message: /within int32/ });
  t.throws(() => new MultiBinary(0), { message: /n must be a positive integer or a non-empty list of them, got 0/ });
  t.throws(() => new MultiBinary([2, -1]), { message: /got \[2, -1\]/ });
  t.throws(() => new MultiBinary('3' as never), { message: /got "3"/ });
  t.throws(() => new Dict({ a: new Discrete(2), b: 3 as never }), { message: /the value of key 'b' must be a Space, got 3/ });
  t.throws(() => new Dict([['a', new Discrete(2)], ['a', new Discrete(3)]]), { message: /the key 'a' is given twice/ });
  t.throws(() => new Dict(new Map() as never), { message: /expected an object of spaces or a list of \[key, space\] pairs/ });
  t.throws(() => new Tuple([new Discrete(2), 'x'] as never), { message: /item 1 must be a Space, got "x"/ });
  t.throws(() => new Discrete(0), { message: /n must be a positive integer, got 0/ });
  t.throws(() => new Box([0, NaN], [1, 1]), { message: /low\[1\] must be a number, got NaN/ });
  t.throws(() => new Box(0, 2.5, { shape: [1], dtype: 'int32' }), { message: /high\[0\] = 2\.5 must be an integer in the int32 range/ });
  t.throws(() => new Box([0, 2], [1, 1]), { message: /low\[1\] = 2 is above high\[1\] = 1/ });
  t.throws(() => new Box([0, 0], [1, 1, 1]), { message: /high has 3 values, the shape needs 2/ });
});

test('an int32 Box maps infinite bounds to the int32 extremes instead of 0', (t) => {
  const box = new Box([-Infinity, 0], [Infinity, Infinity], { dtype: 'int32' });
  t.deepEqual(box.low, new Int32Array([-(2 ** 31), 0]));
  t.deepEqual(box.high, new Int32Array([2 ** 31 - 1, 2 ** 31 - 1]));
});

test('fromJsonable rejects values that are not elements', (t) => {
  t.throws(() => new MultiDiscrete([2, 2]).fromJsonable([0, 2]), { message: /MultiDiscrete\(\[2 2\]\): \[0, 2\] is not an element/ });
  t.throws(() => new MultiBinary(2).fromJsonable([0, 5]), { message: /is not an element/ });
  t.throws(() => new Box(0, 1, { shape: [2] }).fromJsonable([0, null]), { message: /expected an array of 2 numbers/ });
  t.throws(() => new Dict({ a: new Discrete(2) }).fromJsonable({ b: 1 }), { message: /missing 'a'; unexpected 'b'/ });
  t.throws(() => new Tuple([new Discrete(2)]).fromJsonable([0, 1]), { message: /expected a list of 1 elements/ });
});
