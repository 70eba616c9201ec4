import test from 'ava';
import { checkEnv } from '../envs/checker/index.js';
import { BaseEnv, InvalidActionError, type ResetResult, type StepResult } from '../envs/core/index.js';
import { Box, Discrete, type BoxArray } from '../envs/spaces/index.js';
import {
  ClipAction,
  DiscretizeObservation,
  FlattenObservation,
  FrameStackObservation,
  RescaleAction,
  TransformAction,
  TransformObservation,
  TransformReward,
} from '../envs/wrappers/index.js';

/**
 * An env that echoes: `reset({ options: { obs } })` returns `obs` (zeros by default), and `step(a)` returns
 * the action it received as the observation, its first value as the reward, and records it in `received`.
 * The action space is a Box; the observation space is `observationSpace` (by default the action's bounds).
 */
class EchoEnv extends BaseEnv<Float32Array, Float32Array> {
  readonly observationSpace: Box;
  readonly received: number[][] = [];

  constructor(
    readonly actionSpace: Box,
    observationSpace?: Box,
    private readonly episodeLength = 1000,
  ) {
    super();
    this.observationSpace = observationSpace ?? new Box(actionSpace.low, actionSpace.high, { shape: actionSpace.shape });
  }

  private t = 0;

  protected override resetOptionKeys(): readonly string[] {
    return ['obs'];
  }

  protected resetEnv(options: Record<string, unknown>): ResetResult<Float32Array> {
    this.t = 0;
    const obs = (options.obs as number[] | undefined) ?? new Array<number>(this.observationSpace.size).fill(0);
    return { observation: Float32Array.from(obs), info: {} };
  }

  protected stepEnv(action: Float32Array): StepResult<Float32Array> {
    this.received.push(Array.from(action));
    this.t++;
    return { observation: Float32Array.from(action), reward: action[0], terminated: false, truncated: this.t >= this.episodeLength, info: {} };
  }
}

const actionBox = (): Box => new Box([-2, 0], [2, 10]);

// ---------------------------------------------------------------- ClipAction

test('ClipAction clips into the env box and widens the action space to unbounded', (t) => {
  const inner = new EchoEnv(actionBox());
  const env = new ClipAction(inner);
  t.is(env.actionSpace.toString(), 'Box(-inf, inf, (2,), float32)');
  env.reset();
  env.step(Float32Array.of(5, -3));
  env.step(Float32Array.of(-2.5, 11));
  env.step(Float32Array.of(1.5, 4));
  t.deepEqual(inner.received, [
    [2, 0],
    [-2, 10],
    [1.5, 4],
  ]);
  t.throws(() => env.step(Float32Array.of(Number.NaN, 0)), { instanceOf: InvalidActionError, message: /ClipAction\.step: invalid action Float32Array\[NaN, 0\]/ });
  t.throws(() => env.step(Float32Array.of(1)), { instanceOf: InvalidActionError, message: /expected 2 numbers/ });
  t.is(inner.received.length, 3, 'a rejected action never reaches the env');
  const discrete = new TransformAction(inner, (a: number) => Float32Array.of(a, a), new Discrete(3));
  t.throws(() => new ClipAction(discrete as never), { message: /ClipAction: the env's action space must be a Box, got Discrete\(3\)/ });
});

// ---------------------------------------------------------------- RescaleAction

test('RescaleAction maps the corners and the centre of the new box onto the env box', (t) => {
  const inner = new EchoEnv(new Box([0.5, -3], [1.5, 7]));
  const env = new RescaleAction(inner, -1, 1);
  t.deepEqual(Array.from(env.actionSpace.low), [-1, -1]);
  t.deepEqual(Array.from(env.actionSpace.high), [1, 1]);
  env.reset();
  for (const [a, expected] of [
    [[-1, -1], [0.5, -3]],
    [[-1, 1], [0.5, 7]],
    [[1, -1], [1.5, -3]],
    [[1, 1], [1.5, 7]],
    [[0, 0], [1, 2]],
    [[0.5, -0.5], [1.25, -0.5]],
  ] as const) {
    env.step(Float32Array.from(a));
    const got = inner.received.at(-1)!;
    t.true(got.every((v, i) => Math.abs(v - expected[i]) < 1e-6), `${a} -> ${got}, expected ${expected}`);
  }
  // Per-dimension bounds, and no clipping outside them (Gymnasium 1.x): 2 in [0, 1] maps beyond high.
  const perDim = new RescaleAction(new EchoEnv(new Box([0, 0], [10, 100])), [0, -1], [1, 1]);
  perDim.reset();
  perDim.step(Float32Array.of(1, -1));
  perDim.step(Float32Array.of(0.25, 0));
  t.deepEqual((perDim.unwrapped as EchoEnv).received, [
    [10, 0],
    [2.5, 50],
  ]);
  t.throws(() => perDim.step(Float32Array.of(2, 0)), { instanceOf: InvalidActionError });
});

test('RescaleAction shifts half-bounded dimensions and keeps unbounded ones', (t) => {
  const inner = new EchoEnv(new Box([0, -Infinity, -Infinity], [Infinity, 4, Infinity]), new Box(-100, 100, { shape: [3] }));
  const env = new RescaleAction(inner, [5, -Infinity, -Infinity], [Infinity, 0, Infinity]);
  env.reset();
  env.step(Float32Array.of(5, 0, 7));
  env.step(Float32Array.of(6.5, -1, -7));
  t.deepEqual(inner.received, [
    [0, 4, 7],
    [1.5, 3, -7],
  ]);
});

test('RescaleAction rejects bad bounds and non-float boxes, naming the argument', (t) => {
  const env = new EchoEnv(actionBox());
  t.throws(() => new RescaleAction(env, 1, 1), { message: /minAction\[0\] = 1 must be below maxAction\[0\] = 1/ });
  t.throws(() => new RescaleAction(env, [0, 0, 0], 1), { message: /minAction has 3 values; the space has 2 dimensions/ });
  t.throws(() => new RescaleAction(env, -Infinity, 1), { message: /minAction\[0\] = -Infinity must be finite where the env's low is finite/ });
  t.throws(() => new RescaleAction(env, 'a' as never, 1), { message: /minAction must be a number or an array of 2 numbers/ });
  t.throws(() => new RescaleAction(new EchoEnv(new Box(-1, 1, { shape: [1], dtype: 'int32' }) as unknown as Box), -1, 1), {
    message: /integer Box; rescaling needs float32 or float64/,
  });
});

// ---------------------------------------------------------------- FrameStackObservation

test('FrameStackObservation pads with the reset observation and rolls oldest-first', (t) => {
  const env = new FrameStackObservation(new EchoEnv(actionBox()), 3);
  t.deepEqual(env.observationSpace.shape, [3, 2]);
  t.deepEqual(Array.from(env.observationSpace.low), [-2, 0, -2, 0, -2, 0]);
  t.deepEqual(Array.from(env.observationSpace.high), [2, 10, 2, 10, 2, 10]);
  const frames = [Array.from(env.reset({ options: { obs: [1, 1] } }).observation)];
  for (const a of [
    [0.5, 2],
    [-1, 3],
    [1.5, 4],
  ]) {
    frames.push(Array.from(env.step(Float32Array.from(a)).observation));
  }
  t.deepEqual(frames, [
    [1, 1, 1, 1, 1, 1],
    [1, 1, 1, 1, 0.5, 2],
    [1, 1, 0.5, 2, -1, 3],
    [0.5, 2, -1, 3, 1.5, 4],
  ]);
  // A new episode is padded with its own reset observation: nothing leaks from the last one.
  t.deepEqual(Array.from(env.reset({ options: { obs: [-2, 9] } }).observation), [-2, 9, -2, 9, -2, 9]);
});

test('FrameStackObservation zero padding uses the element nearest zero; custom padding; fresh arrays', (t) => {
  const zero = new FrameStackObservation(new EchoEnv(new Box([1, -5], [3, -2])), 2, { padding: 'zero' });
  const first = zero.reset({ options: { obs: [2, -3] } }).observation;
  t.deepEqual(Array.from(first), [1, -2, 2, -3]);
  t.true(zero.observationSpace.contains(first));
  first[0] = 99; // the caller owns the array: the wrapper's next stack is unaffected
  t.deepEqual(Array.from(zero.step(Float32Array.of(3, -4)).observation), [2, -3, 3, -4]);

  const custom = new FrameStackObservation(new EchoEnv(actionBox()), 2, { padding: [1, 5] });
  t.is(custom.paddingType, 'custom');
  t.deepEqual(Array.from(custom.reset().observation), [1, 5, 0, 0]);
  const single = new FrameStackObservation(new EchoEnv(actionBox()), 1);
  t.deepEqual(Array.from(single.reset({ options: { obs: [1, 2] } }).observation), [1, 2]);
  t.deepEqual(single.observationSpace.shape, [1, 2]);

  t.throws(() => new FrameStackObservation(new EchoEnv(actionBox()), 0), { message: /stackSize must be a positive integer, got 0/ });
  t.throws(() => new FrameStackObservation(new EchoEnv(actionBox()), 2, { padding: 'zeros' as never }), {
    message: /padding must be 'reset', 'zero' or an observation of Box\(\[-2\.0 0\.0\], \[2\.0 10\.0\], \(2,\), float32\), got "zeros"/,
  });
  t.throws(() => new FrameStackObservation(new EchoEnv(actionBox()), 2, { padding: [5, 5] }), { message: /padding must be/ });
});

// ---------------------------------------------------------------- Transform*

test('TransformObservation, TransformAction and TransformReward apply their functions', (t) => {
  const inner = new EchoEnv(actionBox());
  const doubledSpace = new Box([-4, 0], [4, 20]);
  const obsEnv = new TransformObservation(inner, (o: Float32Array) => o.map((v) => 2 * v), doubledSpace);
  t.is(obsEnv.observationSpace, doubledSpace);
  t.deepEqual(Array.from(obsEnv.reset({ options: { obs: [1, 3] } }).observation), [2, 6]);
  t.deepEqual(Array.from(obsEnv.step(Float32Array.of(-1, 4)).observation), [-2, 8]);

  // The agent picks 0, 1 or 2; the env receives a point on its box.
  const points = [Float32Array.of(-2, 0), Float32Array.of(0, 5), Float32Array.of(2, 10)];
  const actEnv = new TransformAction(new EchoEnv(actionBox()), (i: number) => points[i], new Discrete(3));
  actEnv.reset();
  actEnv.step(2);
  actEnv.step(1);
  t.deepEqual((actEnv.unwrapped as EchoEnv).received, [
    [2, 10],
    [0, 5],
  ]);
  t.is(actEnv.actionSpace.toString(), 'Discrete(3)');

  const rewardEnv = new TransformReward(new EchoEnv(actionBox()), (r) => Math.sign(r) * 10);
  rewardEnv.reset();
  t.deepEqual(
    [-1.5, 0, 0.25].map((a) => rewardEnv.step(Float32Array.of(a, 0)).reward),
    [-10, 0, 10],
  );
  const badReward = new TransformReward(new EchoEnv(actionBox()), (() => 'x') as never);
  badReward.reset();
  t.throws(() => badReward.step(Float32Array.of(0, 0)), { message: /TransformReward: fn returned "x" for reward 0; it must return a number/ });
  t.throws(() => new TransformReward(inner, 3 as never), { message: /TransformReward: fn must be a function/ });
  t.throws(() => new TransformObservation(inner, (o) => o, {} as never), { message: /observationSpace must be a flash-gym Space/ });
  t.throws(() => new TransformAction(inner, (a: Float32Array) => a, null as never), { message: /actionSpace must be a flash-gym Space/ });
});

// ---------------------------------------------------------------- DiscretizeObservation

test('DiscretizeObservation bins each dimension, edges included, and combines them row-major', (t) => {
  const inner = new EchoEnv(new Box([0, -1], [1, 1]), new Box([0, -1], [1, 1]));
  const env = new DiscretizeObservation(inner, { bins: [4, 3] });
  t.is(env.observationSpace.toString(), 'Discrete(12)');
  t.deepEqual(Array.from(env.edges(0)), [0, 0.25, 0.5, 0.75, 1]);
  // numpy.linspace's edges: low + k·(high − low)/bins, with high itself last.
  t.deepEqual(Array.from(env.edges(1)), [-1, -1 + 2 / 3, -1 + 4 / 3, 1]);
  t.true(Math.abs(env.edges(1)[1] + 1 / 3) < 1e-15);
  const cases: [number[], number[]][] = [
    [[0, -1], [0, 0]],
    [[0.25, -1 / 3], [1, 1]], // a value on an interior edge opens the upper bin
    [[0.2499, 0.3333], [0, 1]],
    [[0.5, 1 / 3], [2, 2]],
    [[1, 1], [3, 2]], // high belongs to the last bin
    [[-7, -40], [0, 0]], // below low: the first bin
    [[3, 2], [3, 2]], // above high: the last bin
  ];
  for (const [obs, bins] of cases) {
    t.deepEqual(env.binIndices(obs), bins, `bins of ${obs}`);
    t.is(env.observation(Float64Array.from(obs)), bins[0] * 3 + bins[1], `index of ${obs}`);
  }
  t.is(env.reset({ options: { obs: [0.6, 0.9] } }).observation, 2 * 3 + 2);
  t.is(env.step(Float32Array.of(0.1, -0.9)).observation, 0);
  for (let i = 0; i < 12; i++) t.is(env.observation(Float64Array.from(env.unravel(i).map((b, d) => env.edges(d)[b]))), i);
  t.throws(() => env.observation(Float64Array.of(Number.NaN, 0)), { message: /observation value 0 is NaN/ });
});

test('DiscretizeObservation: every value lands in the bin whose edges bracket it', (t) => {
  const env = new DiscretizeObservation(new EchoEnv(new Box(-1, 1, { shape: [1] })), { bins: 7, low: -0.3, high: 0.9 });
  const edges = env.edges(0);
  for (let k = 0; k <= 7000; k++) {
    const x = -0.3 + (1.2 * k) / 7000;
    const [b] = env.binIndices([x]);
    const ok = (b === 0 || x >= edges[b]) && (b === 6 || x < edges[b + 1]);
    if (!ok) t.fail(`x = ${x} put in bin ${b}, edges ${edges[b]} .. ${edges[b + 1]}`);
  }
  t.pass();
});

test('DiscretizeObservation needs explicit bounds for unbounded dimensions and valid bins', (t) => {
  const unbounded = new EchoEnv(new Box([-1, -1], [1, 1]), new Box([0, -Infinity], [1, Infinity]));
  t.throws(() => new DiscretizeObservation(unbounded, { bins: 5 }), {
    message: /low\[1\] is -Infinity \(the observation space .* is unbounded there\); give a finite low for every dimension/,
  });
  const fixed = new DiscretizeObservation(unbounded, { bins: [2, 5], low: [0, -10], high: [1, 10] });
  t.is(fixed.observationSpace.n, 10);
  t.deepEqual(fixed.binIndices([0.7, 3.9]), [1, 3]);
  const box = actionBox();
  t.throws(() => new DiscretizeObservation(new EchoEnv(box), { bins: 0 }), { message: /bins\[0\] must be an integer >= 1, got 0/ });
  t.throws(() => new DiscretizeObservation(new EchoEnv(box), { bins: [2, 2.5] }), { message: /bins\[1\] must be an integer >= 1, got 2.5/ });
  t.throws(() => new DiscretizeObservation(new EchoEnv(box), { bins: [2, 2, 2] }), { message: /bins has 3 values; the space has 2 dimensions/ });
  t.throws(() => new DiscretizeObservation(new EchoEnv(box), { bins: 2, low: 1, high: 1 }), { message: /low\[0\] = 1 must be below high\[0\] = 1/ });
  t.throws(() => new DiscretizeObservation(new EchoEnv(box), { bins: 2 ** 30 }), { message: /product of bins .* exceeds/ });
  t.throws(() => new DiscretizeObservation(new EchoEnv(box), undefined as never), { message: /options \{ bins, low\?, high\? \} are required/ });
});

// ---------------------------------------------------------------- FlattenObservation

test('FlattenObservation flattens a Box row-major and a Discrete to one-hot', (t) => {
  const grid = new EchoEnv(new Box(-1, 1, { shape: [4] }), new Box(-5, 5, { shape: [2, 2] }));
  const flat = new FlattenObservation(grid);
  t.deepEqual(flat.observationSpace.shape, [4]);
  t.deepEqual(Array.from(flat.reset({ options: { obs: [1, 2, 3, 4] } }).observation), [1, 2, 3, 4]);

  const discrete = new DiscretizeObservation(new EchoEnv(new Box([0, 0], [1, 1])), { bins: [2, 3] });
  const oneHot = new FlattenObservation(discrete);
  t.deepEqual(oneHot.observationSpace.shape, [6]);
  t.deepEqual(Array.from(oneHot.observationSpace.high), [1, 1, 1, 1, 1, 1]);
  t.deepEqual(Array.from(oneHot.reset({ options: { obs: [0.9, 0.5] } }).observation), [0, 0, 0, 0, 1, 0]);
  t.deepEqual(Array.from(oneHot.step(Float32Array.of(0, 0)).observation), [1, 0, 0, 0, 0, 0]);
});

// ---------------------------------------------------------------- wrapped envs stay valid envs

test('wrapped envs pass the env checker and keep their spec and unwrapped env', (t) => {
  const stacks = [
    (): unknown => new ClipAction(new EchoEnv(actionBox(), undefined, 20)),
    (): unknown => new RescaleAction(new EchoEnv(actionBox(), undefined, 20), -1, 1),
    (): unknown => new FrameStackObservation(new EchoEnv(actionBox(), undefined, 20), 4, { padding: 'zero' }),
    (): unknown => new DiscretizeObservation(new EchoEnv(actionBox(), undefined, 20), { bins: 3 }),
    (): unknown => new FlattenObservation(new FrameStackObservation(new RescaleAction(new EchoEnv(actionBox(), undefined, 20), 0, 1), 2)),
  ];
  for (const make of stacks) {
    const env = make() as FrameStackObservation<BoxArray>;
    t.notThrows(() => checkEnv(env), env.toString());
    t.true(env.unwrapped instanceof EchoEnv);
  }
  t.is(new FrameStackObservation(new ClipAction(new EchoEnv(actionBox())), 2).toString(), 'FrameStackObservation<ClipAction<EchoEnv>>');
});
