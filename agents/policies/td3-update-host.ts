import type { AdamState } from '../nn/flat-adam.js';
import { HostAdam } from '../nn/host-adam.js';
import { WasmGemm } from '../nn/wasm-gemm.js';
import { polyakUpdate } from '../nn/wasm-optim.js';
import { createTrainableMlp, type TrainableMlp } from '../nn/wasm-mlp.js';
import type { ParameterVector } from '../nn/parameters.js';
import type { Td3Policy } from './td3-policy.js';
import type { Td3Batch, Td3Losses, Td3StepSettings, Td3Updater } from './td3-update.js';

/** The vectors a gradient step reads and writes: the four parameter vectors and the two gradients. */
interface StepVectors {
  readonly actor: Float32Array;
  readonly actorTarget: Float32Array;
  readonly critic: Float32Array;
  readonly criticTarget: Float32Array;
  readonly actorGrad: Float64Array;
  readonly criticGrad: Float64Array;
}

type VectorName = 'actor' | 'actorTarget' | 'critic' | 'criticTarget';

/** The kernels' memory and the float offsets of the resident vectors in it (gradients are float64: two floats each). */
interface Resident {
  readonly gemm: WasmGemm;
  readonly at: Record<keyof StepVectors, number>;
}

/**
 * TD3/DDPG gradient steps on the typed-array engine, with every network's forward and backward pass on the
 * fastest trainable MLP the runtime offers (`createTrainableMlp`: `WasmMlp`'s WebAssembly SIMD float32
 * matrix products — fused multiply-adds where relaxed SIMD runs, the large ones split by rows with a helper
 * thread, bit-identical to one thread, and skipping the zeros of ReLU outputs and of the gradients they mask —
 * else `TiledMlp`'s loops) and host Adam: no tfjs tensors at all, so nothing to dispose and no per-op
 * dispatch. Each network (online and target actor, each online and target critic) has its own
 * `TrainableMlp`, because one keeps its activations from `forward` for `backward` and reuses its output array.
 *
 * With WebAssembly SIMD, all of them share one `WasmGemm` memory, which also holds the parameter vectors, the
 * float64 gradients and Adam's moments (resident): no vector is copied in or out during a step, and Adam, the
 * Polyak averages and the gradient accumulation run as SIMD passes shared with the helper thread, like the
 * products. A TD3 step ran 1.12–1.18× faster than with those copies and passes on the main thread alone (the
 * same process, taking turns, the same bits). The policy's host vectors are then copies: {@link syncHost}
 * refreshes them (the agent does so after each update for the actor, at checkpoints and at the end of `learn`
 * for all), and their `push()` refreshes the resident ones. Without SIMD, the step works on the host vectors
 * themselves.
 */
export class HostTd3Updater implements Td3Updater {
  readonly engine = 'typed-array' as const;
  private readonly resident: Resident | undefined;
  private readonly actor: TrainableMlp;
  private readonly actorTarget: TrainableMlp;
  private readonly critics: TrainableMlp[];
  private readonly criticTargets: TrainableMlp[];
  private readonly actorAdam: HostAdam;
  private readonly criticAdam: HostAdam;
  /** The gradients when the vectors are not resident. */
  private readonly hostGrads: { actor: Float64Array; critic: Float64Array } | undefined;
  private reservedBatch = 0;
  private buffers: { size: number; input: Float64Array; dInput: Float64Array; y: Float64Array; dq: Float64Array; mu: Float64Array; dMu: Float64Array } | undefined;

  constructor(private readonly policy: Td3Policy) {
    const actorLayout = policy.actorParams.layout;
    const criticLayout = policy.criticParams.layout;
    const actorSize = actorLayout.size;
    const criticSize = criticLayout.size;
    const gemm = WasmGemm.create();
    this.actor = createTrainableMlp(policy.actor, actorLayout, gemm);
    this.actorTarget = createTrainableMlp(policy.actor, actorLayout, gemm);
    this.critics = policy.critics.map((c) => createTrainableMlp(c, criticLayout, gemm));
    this.criticTargets = policy.critics.map((c) => createTrainableMlp(c, criticLayout, gemm));
    this.actorAdam = new HostAdam(actorSize, { gemm });
    this.criticAdam = new HostAdam(criticSize, { gemm });
    if (gemm === undefined) {
      this.hostGrads = { actor: new Float64Array(actorSize), critic: new Float64Array(criticSize) };
      return;
    }
    this.resident = {
      gemm,
      at: {
        actor: gemm.allocate(actorSize),
        actorTarget: gemm.allocate(actorSize),
        critic: gemm.allocate(criticSize),
        criticTarget: gemm.allocate(criticSize),
        actorGrad: gemm.allocate(2 * actorSize),
        criticGrad: gemm.allocate(2 * criticSize),
      },
    };
    for (const [name, vector] of this.hostVectors()) {
      this.upload(name, vector.values);
      vector.setMirror({ upload: (values) => this.upload(name, values) });
    }
  }

  step(batch: Td3Batch, settings: Td3StepSettings): Td3Losses {
    const p = this.policy;
    const B = batch.size;
    const os = p.obsSize;
    const d = p.actionDim;
    const w = os + d;
    const buf = this.scratch(B, w);
    this.reserve(B);
    // Views made after the memory last grew (a view of a memory that grew since may be detached).
    const v = this.vectors();
    // Targets, from the target networks.
    const nextRaw = this.actorTarget.forward(v.actorTarget, batch.nextObservations, B);
    for (let b = 0; b < B; b++) {
      for (let j = 0; j < os; j++) buf.input[b * w + j] = batch.nextObservations[b * os + j];
      for (let j = 0; j < d; j++) {
        let a = Math.tanh(nextRaw[b * d + j]);
        if (batch.targetNoise !== null) a = Math.min(1, Math.max(-1, a + batch.targetNoise[b * d + j]));
        buf.input[b * w + os + j] = a;
      }
    }
    buf.y.fill(Infinity, 0, B);
    for (const target of this.criticTargets) {
      const q = target.forward(v.criticTarget, buf.input, B);
      for (let b = 0; b < B; b++) if (q[b] < buf.y[b]) buf.y[b] = q[b];
    }
    for (let b = 0; b < B; b++) buf.y[b] = batch.rewards[b] + batch.notDone[b] * settings.gamma * buf.y[b];
    // Critic regression on the stored actions.
    for (let b = 0; b < B; b++) {
      for (let j = 0; j < os; j++) buf.input[b * w + j] = batch.observations[b * os + j];
      for (let j = 0; j < d; j++) buf.input[b * w + os + j] = batch.actions[b * d + j];
    }
    v.criticGrad.fill(0);
    let criticLoss = 0;
    for (const critic of this.critics) {
      const q = critic.forward(v.critic, buf.input, B);
      for (let b = 0; b < B; b++) {
        const e = q[b] - buf.y[b];
        criticLoss += (e * e) / B;
        buf.dq[b] = (2 * e) / B;
      }
      critic.backward(v.critic, buf.dq, v.criticGrad, null);
    }
    this.criticAdam.apply(v.critic, v.criticGrad, settings.learningRate);
    if (!settings.updateActor) return { criticLoss, actorLoss: NaN };
    // Actor: ascend Q_1(s, μ(s)) through the updated first critic.
    const raw = this.actor.forward(v.actor, batch.observations, B);
    for (let b = 0; b < B; b++) {
      for (let j = 0; j < d; j++) {
        const mu = Math.tanh(raw[b * d + j]);
        buf.mu[b * d + j] = mu;
        buf.input[b * w + os + j] = mu;
      }
    }
    const q = this.critics[0].forward(v.critic, buf.input, B);
    let actorLoss = 0;
    for (let b = 0; b < B; b++) {
      actorLoss -= q[b] / B;
      buf.dq[b] = -1 / B;
    }
    this.critics[0].backward(v.critic, buf.dq, null, buf.dInput);
    for (let b = 0; b < B; b++) {
      for (let j = 0; j < d; j++) {
        const mu = buf.mu[b * d + j];
        buf.dMu[b * d + j] = buf.dInput[b * w + os + j] * (1 - mu * mu);
      }
    }
    v.actorGrad.fill(0);
    this.actor.backward(v.actor, buf.dMu, v.actorGrad, null);
    this.actorAdam.apply(v.actor, v.actorGrad, settings.learningRate);
    this.polyak('actorTarget', 'actor', v, settings.tau);
    this.polyak('criticTarget', 'critic', v, settings.tau);
    return { criticLoss, actorLoss };
  }

  /** Copies the resident vectors (the actor's only, with `actorOnly`) into the policy's host vectors. */
  syncHost(actorOnly: boolean): void {
    if (this.resident === undefined) return;
    const v = this.vectors();
    for (const [name, vector] of this.hostVectors()) if (!actorOnly || name === 'actor') vector.values.set(v[name]);
  }

  optimizerStates(): { actor: AdamState; critic: AdamState } {
    return { actor: this.actorAdam.getState(), critic: this.criticAdam.getState() };
  }

  setOptimizerStates(states: { actor: AdamState; critic: AdamState }): void {
    this.actorAdam.setState(states.actor);
    this.criticAdam.setState(states.critic);
  }

  /** Detaches the resident copies from the policy's vectors (their `push()` no longer reaches this updater). */
  dispose(): void {
    if (this.resident !== undefined) for (const [, vector] of this.hostVectors()) vector.setMirror(undefined);
  }

  /** The policy's host vectors by the name of their resident copy. */
  private hostVectors(): [VectorName, ParameterVector][] {
    const p = this.policy;
    return [['actor', p.actorParams], ['actorTarget', p.actorTarget], ['critic', p.criticParams], ['criticTarget', p.criticTarget]];
  }

  /** The step's vectors: views of the resident ones, or the host vectors and gradients. */
  private vectors(): StepVectors {
    if (this.resident === undefined) {
      const p = this.policy;
      const g = this.hostGrads as { actor: Float64Array; critic: Float64Array };
      return { actor: p.actorParams.values, actorTarget: p.actorTarget.values, critic: p.criticParams.values, criticTarget: p.criticTarget.values, actorGrad: g.actor, criticGrad: g.critic };
    }
    const { gemm, at } = this.resident;
    const f = gemm.f32;
    const f64 = gemm.f64;
    const actorSize = this.policy.actorParams.layout.size;
    const criticSize = this.policy.criticParams.layout.size;
    return {
      actor: f.subarray(at.actor, at.actor + actorSize),
      actorTarget: f.subarray(at.actorTarget, at.actorTarget + actorSize),
      critic: f.subarray(at.critic, at.critic + criticSize),
      criticTarget: f.subarray(at.criticTarget, at.criticTarget + criticSize),
      actorGrad: f64.subarray(at.actorGrad / 2, at.actorGrad / 2 + actorSize),
      criticGrad: f64.subarray(at.criticGrad / 2, at.criticGrad / 2 + criticSize),
    };
  }

  /** Replaces a resident vector with host values. */
  private upload(name: VectorName, values: Float32Array): void {
    const { gemm, at } = this.resident as Resident;
    gemm.f32.set(values, at[name]);
  }

  /** θ' ← (1 − τ) θ' + τ θ, in place in the kernels' memory (shared with the helper thread) or on the host vectors: the same bits. */
  private polyak(target: 'actorTarget' | 'criticTarget', online: 'actor' | 'critic', v: StepVectors, tau: number): void {
    if (this.resident === undefined) polyakUpdate(v[target], v[online], tau);
    else this.resident.gemm.polyak(this.resident.at[target], this.resident.at[online], v[online].length, tau);
  }

  /** Makes room in the kernels' memory for batches of `B` rows (before any view of it is made for the step). */
  private reserve(B: number): void {
    if (B <= this.reservedBatch) return;
    for (const net of [this.actor, this.actorTarget, ...this.critics, ...this.criticTargets]) net.reserve?.(B);
    this.reservedBatch = B;
  }

  private scratch(B: number, w: number): NonNullable<HostTd3Updater['buffers']> {
    if (this.buffers === undefined || this.buffers.size < B) {
      const d = this.policy.actionDim;
      this.buffers = { size: B, input: new Float64Array(B * w), dInput: new Float64Array(B * w), y: new Float64Array(B), dq: new Float64Array(B), mu: new Float64Array(B * d), dMu: new Float64Array(B * d) };
    }
    return this.buffers;
  }
}
