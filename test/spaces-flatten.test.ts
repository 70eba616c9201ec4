import test from 'ava';
import { Box, Dict, Discrete, MultiBinary, MultiDiscrete, Space, Tuple, flatdim, flatten, flattenInto, flattenSpace, unflatten } from '../envs/spaces/index.js';

// Cases and values from Gymnasium's tests/spaces/test_utils.py and the doctests of gymnasium/spaces/utils.py.
const GYMNASIUM_FLATDIMS: [string, () => Space<unknown>, number][] = [
  ['Discrete(3)', () => new Discrete(3), 3],
  ['Box(0, inf, (2, 2))', () => new Box(0, Infinity, { shape: [2, 2] }), 4],
  ['Box(0, 1, (3, 4, 5))', () => new Box(0, 1, { shape: [3, 4, 5] }), 60],
  ['Tuple(Discrete(5), Discrete(10))', () => new Tuple([new Discrete(5), new Discrete(10)]), 15],
  ['Tuple(Discrete(5), Box([0 0], [1 5], float64))', () => new Tuple([new Discrete(5), new Box([0, 0], [1, 5], { dtype: 'float64' })]), 7],
  ['Tuple(Discrete(5), Discrete(2), Discrete(2))', () => new Tuple([new Discrete(5), new Discrete(2), new Discrete(2)]), 9],
  ['MultiDiscrete([2 2 10])', () => new MultiDiscrete([2, 2, 10]), 14],
  ['MultiBinary(10)', () => new MultiBinary(10), 10],
  ['Dict(position: Discrete(5), velocity: Box([0 0], [1 5]))', () => new Dict({ position: new Discrete(5), velocity: new Box([0, 0], [1, 5]) }), 7],
  ['Dict(position: Discrete(2), velocity: Discrete(3))', () => new Dict({ position: new Discrete(2), velocity: new Discrete(3) }), 5],
  ['Dict(position: Discrete(2), velocity: Box(0, 1, (2, 2)))', () => new Dict({ position: new Discrete(2), velocity: new Box(0, 1, { shape: [2, 2] }) }), 6],
];

for (const [name, make, dim] of GYMNASIUM_FLATDIMS) {
  test(`flatdim(${name}) = ${dim}, as in Gymnasium; flattenSpace and flatten agree with it`, (t) => {
    const space = make();
    t.is(flatdim(space), dim);
    const flatSpace = flattenSpace(space);
    t.deepEqual(flatSpace.shape, [dim]);
    space.seed(1);
    for (let i = 0; i < 20; i++) {
      const flat = flatten(space, space.sample());
      t.is(flat.length, dim);
      t.true(flatSpace.contains(flat), `flatten(sample) lies in flattenSpace: ${Array.from(flat).join(',')}`);
    }
  });
}

test("Gymnasium's documented flatten examples", (t) => {
  t.deepEqual(flatten(new Discrete(4), 2), new Float32Array([0, 0, 1, 0]));
  const tuple = new Tuple([new Box(0, 1, { shape: [2] }), new Box(0, 1, { shape: [3] }), new Discrete(3)]);
  t.deepEqual(flatten(tuple, [new Float32Array([0.5, 0.25]), new Float32Array([1, 0, 0.2]), 1]), new Float32Array([0.5, 0.25, 1, 0, 0.2, 0, 1, 0]));
  t.is(flattenSpace(new Box(0, 1, { shape: [3, 4, 5] })).toString(), 'Box(0.0, 1.0, (60,), float32)');
});

test('one-hot layouts: Discrete and MultiDiscrete offset by start, MultiBinary as is, Box row-major', (t) => {
  t.deepEqual(flatten(new Discrete(3, -1), 1), new Float32Array([0, 0, 1]));
  const md = new MultiDiscrete([3, 2], { start: [1, -1] });
  t.deepEqual(flatten(md, new Int32Array([2, -1])), new Float32Array([0, 1, 0, 1, 0]));
  t.deepEqual(unflatten(md, [0, 0, 1, 0, 1]), new Int32Array([3, 0]));
  t.deepEqual(flatten(new MultiBinary([2, 2]), new Int8Array([1, 0, 0, 1])), new Float32Array([1, 0, 0, 1]));
  const box = new Box(-10, 10, { shape: [2, 2] });
  t.deepEqual(flatten(box, new Float32Array([1, 2, 3, 4])), new Float32Array([1, 2, 3, 4]));
  const dict = new Dict({ b: new Discrete(2), a: new Box([-1, -2], [3, 4]) });
  t.deepEqual(flatten(dict, { a: new Float32Array([0.5, -1.5]), b: 1 }), new Float32Array([0, 1, 0.5, -1.5]), 'the Dict key order (b, a) is the flat order');
  const flat = flattenSpace(dict);
  t.deepEqual(flat.low, new Float32Array([0, 0, -1, -2]));
  t.deepEqual(flat.high, new Float32Array([1, 1, 3, 4]));
});

test('flatten/unflatten round-trip nested Dict/Tuple samples exactly', (t) => {
  const space = new Dict(
    {
      ext: new MultiDiscrete([5, 2, 2], { start: [0, 1, -1] }),
      inner: new Dict({
        charge: new Discrete(100, 1),
        checks: new MultiBinary([2, 5]),
        job: new Tuple([new Discrete(5), new Box(0, 100, { shape: [1] }), new Tuple([new Box(-Infinity, Infinity, { shape: [2, 2] })])]),
      }),
      counts: new Box(0, 50, { shape: [3], dtype: 'int32' }),
    },
    { seed: 2024 },
  );
  t.is(flatdim(space), 9 + 100 + 10 + 5 + 1 + 4 + 3);
  const flatSpace = flattenSpace(space);
  t.is(flatSpace.dtype, 'float32');
  for (let i = 0; i < 300; i++) {
    const x = space.sample();
    const flat = flatten(space, x);
    t.true(flat instanceof Float32Array);
    t.true(flatSpace.contains(flat));
    const back = unflatten(space, flat);
    t.true(space.contains(back));
    t.deepEqual(back, x);
  }
});

test('the flat dtype is float64 only when a component needs it to be exact', (t) => {
  t.is(flattenSpace(new Discrete(3)).dtype, 'float32');
  t.true(flatten(new Discrete(3), 0) instanceof Float32Array);
  const withF64 = new Tuple([new Discrete(2), new Box(0, 1, { shape: [2], dtype: 'float64' })], { seed: 3 });
  t.is(flattenSpace(withF64).dtype, 'float64');
  const x = withF64.sample();
  const flat = flatten(withF64, x);
  t.true(flat instanceof Float64Array);
  t.deepEqual(unflatten(withF64, flat), x, 'float64 values survive exactly');
  t.is(flattenSpace(new Box(-1000, 1000, { shape: [2], dtype: 'int32' })).dtype, 'float32');
  // An int32 Box with the default (±Infinity → int32 extreme) bounds holds integers float32 cannot represent.
  const wide = new Box<Int32Array>(-Infinity, Infinity, { shape: [1], dtype: 'int32' });
  t.is(flattenSpace(wide).dtype, 'float64');
  const big = new Int32Array([2 ** 31 - 1]);
  t.deepEqual(unflatten(wide, flatten(wide, big)), big);
  t.deepEqual(flattenSpace(wide).high, new Float64Array([2 ** 31 - 1]));
});

test('unflatten decodes the first nonzero entry of a one-hot block and rejects an empty block', (t) => {
  t.is(unflatten(new Discrete(4, 2), [0, 0.3, 1, 0]), 3);
  t.throws(() => unflatten(new Discrete(3), [0, 0, 0]), { message: /unflatten\(Discrete\(3\)\): flat entries 0…2 are all zero, not a one-hot vector/ });
  const md = new MultiDiscrete([2, 3]);
  t.throws(() => unflatten(md, [1, 0, 0, 0, 0]), { message: /\(component 1\) entries 2…4 are all zero/ });
  t.throws(() => unflatten(new Dict({ a: new Discrete(2), b: new Discrete(2) }), [1, 0, 0, 0]), { message: /flat\['b'\] entries 2…3 are all zero/ });
  t.throws(() => unflatten(md, [1, 0, 1, 0]), { message: /expected an array of 5 numbers, got \[1, 0, 1, 0\]/ });
  t.throws(() => unflatten(md, 'abcde' as never), { message: /expected an array of 5 numbers/ });
});

test('flatten names the part of the element that does not fit the space', (t) => {
  const space = new Dict({ pos: new Box(-1, 1, { shape: [2] }), d: new Discrete(3, 1), t: new Tuple([new MultiDiscrete([2, 2]), new MultiBinary(2)]) });
  const good = { pos: [0, 0], d: 1, t: [[0, 1], [1, 1]] };
  t.is(flatten(space, good as never).length, 2 + 3 + 4 + 2);
  const bad = (patch: object) => () => flatten(space, { ...good, ...patch } as never);
  t.throws(bad({ d: 5 }), { message: /flatten\(Discrete\(3, start=1\)\): x\['d'\] = 5, expected an integer in \[1, 4\)/ });
  t.throws(bad({ pos: [0] }), { message: /x\['pos'\] = \[0\], expected an array of 2 numbers/ });
  t.throws(bad({ t: [[0, 2], [1, 1]] }), { message: /x\['t'\]\[0\]\[1\] = 2, expected an integer in \[0, 2\)/ });
  t.throws(bad({ t: [[0, 1]] }), { message: /x\['t'\] = .*expected a list of 2 elements/ });
  t.throws(() => flatten(space, { pos: [0, 0], d: 1 } as never), { message: /expected an object with the key 't'/ });
  t.throws(() => flatten(space, [0, 0] as never), { message: /expected an object keyed like the Dict/ });
});

class CustomSpace extends Space<string> {
  constructor() {
    super([], undefined, 0);
  }
  sample(): string {
    return 'x';
  }
  contains(x: unknown): x is string {
    return typeof x === 'string';
  }
  equals(other: Space<unknown>): boolean {
    return other instanceof CustomSpace;
  }
  toString(): string {
    return 'CustomSpace()';
  }
  toJsonable(x: string): string {
    return x;
  }
  fromJsonable(x: unknown): string {
    return String(x);
  }
}

test('a space without a flatten rule is refused by name, also inside a Dict', (t) => {
  const message = /CustomSpace\(\) cannot be flattened: only Box, Discrete, MultiDiscrete, MultiBinary and Dict\/Tuple of them are flattenable/;
  t.throws(() => flatdim(new CustomSpace()), { message });
  t.throws(() => flattenSpace(new Dict({ a: new Discrete(2), b: new CustomSpace() })), { message });
  t.throws(() => flattenSpace(new Tuple([])), { message: /Tuple\(\) flattens to zero dimensions/ });
});

test('flattenInto writes what flatten returns at an offset, overwrites stale one-hots, and leaves out unchanged on error', (t) => {
  const space = new Dict({ d: new Discrete(3), t: new Tuple([new MultiDiscrete([2, 2]), new Box(-1, 1, { shape: [2] })]) }, { seed: 6 });
  const dim = flatdim(space);
  const out = new Float32Array(dim + 3).fill(7);
  for (let i = 0; i < 20; i++) {
    const x = space.sample();
    t.is(flattenInto(space, x, out, 2), out);
    t.deepEqual(out.subarray(2, 2 + dim), flatten(space, x));
    t.deepEqual([out[0], out[1], out[dim + 2]], [7, 7, 7], 'entries outside the range are untouched');
  }
  const before = Float32Array.from(out);
  const bad = { d: 1, t: [new Int32Array([0, 5]), new Float32Array([0, 0])] };
  t.throws(() => flattenInto(space, bad as never, out, 2), { message: /x\['t'\]\[0\]\[1\] = 5/ });
  t.deepEqual(out, before, 'the bad element was caught before any write');
  t.throws(() => flattenInto(space, space.sample(), new Float64Array(dim)), { message: /out must be a Float32Array, got Float64Array/ });
  t.throws(() => flattenInto(space, space.sample(), out, 4), { message: new RegExp(`needs ${dim} entries from offset 4, out has length ${dim + 3}`) });
});
