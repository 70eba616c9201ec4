import test from 'ava';
import { BaseEnv, Box, Discrete, checkEnv, EnvCheckError, type CheckFinding, type ResetResult, type StepResult } from '../envs/index.js';

/** A small correct env: a noisy 1-D walk, seeded through npRandom. */
class WalkEnv extends BaseEnv<Float32Array, number> {
  readonly observationSpace = new Box(-10, 10, { shape: [2] });
  readonly actionSpace = new Discrete(2);
  protected position = 0;
  protected t = 0;

  protected override resetOptionKeys(): readonly string[] {
    return ['start'];
  }

  protected resetEnv(options: Record<string, unknown>): ResetResult<Float32Array> {
    this.position = typeof options.start === 'number' ? options.start : this.npRandom.uniform(-1, 1);
    this.t = 0;
    return { observation: this.obs(), info: {} };
  }

  protected stepEnv(action: number): StepResult<Float32Array> {
    this.position += (action === 1 ? 0.5 : -0.5) + this.npRandom.normal(0, 0.1);
    this.t++;
    const terminated = Math.abs(this.position) > 5;
    return { observation: this.obs(), reward: -Math.abs(this.position), terminated, truncated: this.t >= 50, info: { t: this.t } };
  }

  protected obs(): Float32Array {
    return Float32Array.of(Math.max(-10, Math.min(10, this.position)), this.t / 50);
  }
}

function errorsOf(env: WalkEnv): CheckFinding[] {
  return checkEnv(env, { throwOnError: false }).filter((f) => f.level === 'error');
}

test('a correct env passes every check', (t) => {
  t.deepEqual(errorsOf(new WalkEnv()), []);
  t.notThrows(() => checkEnv(new WalkEnv()));
});

test('a non-Space observation space is caught', (t) => {
  class Broken extends WalkEnv {
    override readonly observationSpace = { shape: [2] } as unknown as Box;
  }
  const errors = errorsOf(new Broken());
  t.true(errors.some((f) => f.check === 'spaces'));
  t.throws(() => checkEnv(new Broken()), { instanceOf: EnvCheckError, message: /observationSpace must be a flash-gym Space/ });
});

test('reset returning the wrong shape is caught', (t) => {
  class Broken extends WalkEnv {
    protected override resetEnv(): ResetResult<Float32Array> {
      return [this.obs(), {}] as unknown as ResetResult<Float32Array>;
    }
  }
  t.true(errorsOf(new Broken()).some((f) => f.check === 'reset-return'));
});

test('an observation outside the space is caught at reset and at step', (t) => {
  class ResetOutside extends WalkEnv {
    protected override resetEnv(options: Record<string, unknown>): ResetResult<Float32Array> {
      super.resetEnv(options);
      return { observation: Float32Array.of(99, 0), info: {} };
    }
  }
  t.true(errorsOf(new ResetOutside()).some((f) => f.check === 'reset-observation'));
  class StepOutside extends WalkEnv {
    protected override stepEnv(action: number): StepResult<Float32Array> {
      return { ...super.stepEnv(action), observation: Float32Array.of(0, 0, 0) };
    }
  }
  t.true(errorsOf(new StepOutside()).some((f) => f.check === 'step-observation'));
});

test('a reset that ignores the seed is caught', (t) => {
  let calls = 0;
  class Unseeded extends WalkEnv {
    protected override resetEnv(): ResetResult<Float32Array> {
      this.position = (calls++ % 7) / 10; // varies per call, whatever the seed
      this.t = 0;
      return { observation: this.obs(), info: {} };
    }
  }
  t.true(errorsOf(new Unseeded()).some((f) => f.check === 'reset-determinism'));
});

test('a step that ignores the seed is caught', (t) => {
  let calls = 0;
  class NoisyStep extends WalkEnv {
    protected override stepEnv(action: number): StepResult<Float32Array> {
      const result = super.stepEnv(action);
      return { ...result, reward: result.reward + (calls++ % 3) };
    }
  }
  t.true(errorsOf(new NoisyStep()).some((f) => f.check === 'step-determinism'));
});

test('wrong types in the step result are caught', (t) => {
  class BadTypes extends WalkEnv {
    protected override stepEnv(action: number): StepResult<Float32Array> {
      const result = super.stepEnv(action);
      return { ...result, terminated: 0 as unknown as boolean, reward: '1' as unknown as number, info: null as unknown as Record<string, unknown> };
    }
  }
  const messages = errorsOf(new BadTypes()).filter((f) => f.check === 'step-return').map((f) => f.message);
  t.true(messages.some((m) => /terminated must be a boolean/.test(m)));
  t.true(messages.some((m) => /reward must be a number/.test(m)));
  t.true(messages.some((m) => /info must be a plain object/.test(m)));
});

test('an env that rejects options is caught', (t) => {
  class NoOptions extends WalkEnv {
    override reset(args: { seed?: number; options?: Record<string, unknown> } = {}): ResetResult<Float32Array> {
      if (args.options !== undefined) throw new Error('options not supported');
      return super.reset(args);
    }
  }
  t.true(errorsOf(new NoOptions()).some((f) => f.check === 'reset-determinism' && /options not supported/.test(f.message)));
});

test('an env whose second close throws is caught', (t) => {
  class CloseOnce extends WalkEnv {
    private closed = false;
    override close(): void {
      if (this.closed) throw new Error('already closed');
      this.closed = true;
    }
  }
  t.true(errorsOf(new CloseOnce()).some((f) => f.check === 'close-twice'));
});

test('an asymmetric continuous action space gives a warning, not an error', (t) => {
  class Asymmetric extends BaseEnv<Float32Array, Float32Array> {
    readonly observationSpace = new Box(-1, 1, { shape: [1] });
    readonly actionSpace = new Box(0, 3, { shape: [1] });
    protected resetEnv(): ResetResult<Float32Array> {
      return { observation: Float32Array.of(0), info: {} };
    }
    protected stepEnv(): StepResult<Float32Array> {
      return { observation: Float32Array.of(0), reward: 0, terminated: true, truncated: false, info: {} };
    }
  }
  const findings = checkEnv(new Asymmetric());
  t.true(findings.some((f) => f.level === 'warning' && /not symmetric/.test(f.message)));
});
