import { availableParallelism } from 'node:os';
import { MessageChannel, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { Piscina } from 'piscina';
import type { Space } from '../spaces/space.js';
import { EnvError, InvalidOptionError, describeValue } from '../core/errors.js';
import type { AutoresetMode, BatchedActions, VectorStepResult } from './vector-env.js';
import { BufferedVectorEnv, assertAutoresetMode } from './buffered-vector-env.js';
import { assertCloneable, buildEnv, importModules, type EnvRecipe } from './env-recipe.js';
import { layoutOf } from './batch-layout.js';
import { ShardRunner, type BatchBuffers as ShardBuffers, type ShardResetRequest } from './shard-runner.js';
import { SubEnvError } from './sub-env-error.js';
import type { InfoRecord } from './vector-info.js';
import { assertWrapperSpec } from './wrapper-registry.js';
import {
  CMD,
  CMD_SEQ,
  Command,
  DONE_SEQ,
  HAS_MESSAGE,
  LIVENESS,
  Liveness,
  SLOT_INTS,
  STATUS,
  Status,
  waitAsync,
  waitForChange,
  type WorkerMessage,
  type WorkerTask,
} from './worker-protocol.js';

const WORKER_FILE = new URL('./worker-loop.js', import.meta.url);

/** Options of {@link WorkerVectorEnv.create}. */
export interface WorkerVectorEnvOptions {
  /** Sub-envs (≥ 1). */
  numEnvs: number;
  /** Worker threads (default: one per core, at most numEnvs); each owns a fixed, contiguous shard. */
  workers?: number;
  /** Gymnasium 1.x autoreset mode; default `next-step`. */
  autoreset?: AutoresetMode;
  /**
   * How long a synchronous step/reset waits for a worker before it fails (default 60 s; Infinity to wait
   * forever). A worker that dies through `process.exit` is noticed at once; this bounds the rest (a hang, an
   * out-of-memory kill).
   */
  stepTimeoutMs?: number;
  /** Busy-poll iterations before blocking, on both sides (default 2000: ~µs; 0 disables spinning). */
  spinIterations?: number;
  /**
   * The calling thread steps the first shard itself while the workers step theirs (default false). On a
   * machine with few cores this avoids one more thread than cores — W workers plus a waiting main thread —
   * which costs a scheduler hand-off per step; the price is fault isolation for that shard: env code that
   * hangs or calls `process.exit` there does so in the calling thread, as in a SyncVectorEnv. Then
   * `workers` defaults to cores − 1 and the envs are split into workers + 1 shards.
   */
  mainThreadShard?: boolean;
}

interface WorkerHandle {
  readonly index: number;
  readonly port: MessagePort;
  readonly firstIndex: number;
  readonly count: number;
  /** The piscina task; settles when the worker's loop ends or the thread dies. */
  task: Promise<unknown>;
  /** Why the worker's task ended early, if it did. */
  death: Error | undefined;
}

/**
 * Gymnasium's AsyncVectorEnv, on worker threads: `numEnvs` sub-envs spread over W piscina workers, each
 * running one long-lived task that owns a contiguous shard. Observations, actions, rewards and flags live in
 * SharedArrayBuffers (the ndarray views are over them), and a step is a pair of Atomics signals per worker —
 * nothing is serialized except non-empty infos and errors. Gives the same bits as {@link SyncVectorEnv}
 * for the same seeds and actions. Build it with `await WorkerVectorEnv.create(recipe, options)` (or
 * `makeVec`); always `await close()` it, or its threads keep the process alive.
 */
export class WorkerVectorEnv<Obs = unknown, Act = unknown> extends BufferedVectorEnv<Obs, Act> {
  readonly numWorkers: number;
  private readonly control: Int32Array;
  private readonly handles: WorkerHandle[];
  private readonly pool: Piscina;
  private readonly stepTimeoutMs: number;
  private readonly spinIterations: number;
  private readonly recipe: EnvRecipe;
  /** The shard the calling thread steps itself (`mainThreadShard`), else undefined. */
  private readonly mainRunner: ShardRunner | undefined;
  private pendingStep = false;
  private closing: Promise<void> | undefined;

  private constructor(recipe: EnvRecipe, observationSpace: Space<Obs>, actionSpace: Space<Act>, options: Required<WorkerVectorEnvOptions>) {
    super(options.numEnvs, observationSpace, actionSpace, options.autoreset, true);
    this.recipe = recipe;
    this.numWorkers = options.workers;
    this.stepTimeoutMs = options.stepTimeoutMs;
    this.spinIterations = options.spinIterations;
    const shards = this.numWorkers + (options.mainThreadShard ? 1 : 0);
    const shardStart = (s: number): number => Math.floor((s * this.numEnvs) / shards);
    // Built before the pool starts, so a failing sub-env leaves no threads behind.
    this.mainRunner = options.mainThreadShard ? buildMainShard(recipe, shardStart(1), this.buffers, this.autoresetMode) : undefined;
    this.control = new Int32Array(new SharedArrayBuffer(this.numWorkers * SLOT_INTS * 4));
    this.pool = new Piscina({
      filename: WORKER_FILE.href,
      minThreads: this.numWorkers,
      maxThreads: this.numWorkers,
      concurrentTasksPerWorker: 1,
      idleTimeout: Infinity,
      // Our loop blocks its worker; piscina's own Atomics-based task wait would never run anyway.
      atomics: 'disabled',
    });
    this.handles = [];
    for (let w = 0; w < this.numWorkers; w++) {
      const shard = w + (options.mainThreadShard ? 1 : 0);
      const firstIndex = shardStart(shard);
      const end = shardStart(shard + 1);
      const channel = new MessageChannel();
      channel.port1.unref();
      const task: WorkerTask = {
        workerIndex: w,
        control: this.control,
        batch: this.buffers,
        port: channel.port2,
        recipe,
        firstIndex,
        count: end - firstIndex,
        autoreset: this.autoresetMode,
        spinIterations: this.spinIterations,
        observationSpace: observationSpace.toString(),
        actionSpace: actionSpace.toString(),
      };
      const handle: WorkerHandle = { index: w, port: channel.port1, firstIndex, count: end - firstIndex, task: Promise.resolve(), death: undefined };
      handle.task = this.pool.run(task, { transferList: [channel.port2] }).then(
        () => undefined,
        (error: unknown) => {
          handle.death = error instanceof Error ? error : new Error(String(error));
        },
      );
      this.handles.push(handle);
    }
  }

  /**
   * Starts the workers and waits until each has built its shard. `recipe.modules` are imported here too
   * (to read the spaces) and in every worker (so user-registered envs and wrappers exist there).
   */
  static async create<Obs = unknown, Act = unknown>(recipe: EnvRecipe, options: WorkerVectorEnvOptions): Promise<WorkerVectorEnv<Obs, Act>> {
    const resolved = resolveOptions(options);
    checkRecipe(recipe);
    await importModules(recipe.modules);
    const probe = buildEnv(recipe);
    const observationSpace = probe.observationSpace as Space<Obs>;
    const actionSpace = probe.actionSpace as Space<Act>;
    probe.close();
    const venv = new WorkerVectorEnv<Obs, Act>(recipe, observationSpace, actionSpace, resolved);
    try {
      await venv.whenReady();
    } catch (error) {
      await venv.close();
      throw error;
    }
    return venv;
  }

  /** Sub-envs stepped by the calling thread (`mainThreadShard`): indices 0 … mainThreadEnvs − 1. */
  get mainThreadEnvs(): number {
    return this.mainRunner?.size ?? 0;
  }

  /** The env id every sub-env was made from. */
  get envId(): string {
    return this.recipe.id;
  }

  private async whenReady(): Promise<void> {
    for (const handle of this.handles) {
      const at = handle.index * SLOT_INTS + LIVENESS;
      for (;;) {
        const state = Atomics.load(this.control, at);
        if (state === Liveness.Ready) break;
        if (handle.death !== undefined || state === Liveness.Failed || state === Liveness.Exited) {
          await Promise.race([handle.task, delay(1000)]);
          throw handle.death ?? new EnvError(`worker ${handle.index} exited while building its sub-envs`);
        }
        const waited = waitAsync(this.control, at, state, 50);
        if (waited.async) await Promise.race([waited.value, handle.task]);
      }
    }
  }

  protected resetShards(request: ShardResetRequest): InfoRecord[] {
    this.assertNoPendingStep('reset');
    assertCloneable(request.options, 'reset options');
    for (const handle of this.handles) handle.port.postMessage(request);
    this.signal(Command.Reset);
    return this.runGuarded(() => this.withMainShard((runner) => runner.reset(request), () => this.collectBlocking('reset')));
  }

  protected stepShards(): InfoRecord[] {
    this.signal(Command.Step);
    return this.withMainShard((runner) => runner.step(), () => this.collectBlocking('step'));
  }

  /**
   * Runs the calling thread's shard (if any) while the workers run theirs, then collects the workers' results —
   * even when the main shard failed, so that every worker has finished before the error propagates.
   */
  private withMainShard(runMain: (runner: ShardRunner) => InfoRecord[], collectWorkers: () => InfoRecord[]): InfoRecord[] {
    const main = this.runMainShard(runMain);
    return mergeShardResults(main, collectWorkers());
  }

  /** Runs the calling thread's shard, keeping its error (if any) for after the workers have finished. */
  private runMainShard(runMain: (runner: ShardRunner) => InfoRecord[]): MainShardResult {
    if (this.mainRunner === undefined) return { records: [], error: undefined };
    try {
      return { records: runMain(this.mainRunner), error: undefined };
    } catch (error) {
      return { records: [], error };
    }
  }

  override step(actions: BatchedActions): VectorStepResult {
    this.assertNoPendingStep('step');
    return super.step(actions);
  }

  /** Starts a step and returns at once; the workers step while the caller works. Finish with {@link stepWait}. */
  stepAsync(actions: BatchedActions): void {
    this.assertNoPendingStep('stepAsync');
    this.prepareStep(actions);
    this.signal(Command.Step);
    this.pendingStep = true;
  }

  /** Waits, without blocking the event loop, for the step started by {@link stepAsync}. */
  async stepWait(): Promise<VectorStepResult> {
    this.assertOpen('stepWait');
    if (!this.pendingStep) throw new EnvError('WorkerVectorEnv.stepWait: no step in flight; call stepAsync(actions) first');
    try {
      // The calling thread's shard runs now, after the caller's own work; then wait for the workers.
      const main = this.runMainShard((runner) => runner.step());
      for (const handle of this.handles) await this.waitAsyncFor(handle);
      return this.finishStep(mergeShardResults(main, this.collectMessages('step')));
    } catch (error) {
      this.failure ??= error as Error;
      throw error;
    } finally {
      this.pendingStep = false;
    }
  }

  /**
   * Ends the sub-envs and the worker threads; idempotent (returns the same promise). Works after any
   * failure: workers that do not answer the close command within a second are terminated.
   */
  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    this.closed = true;
    const live = this.handles.filter((h) => h.death === undefined && Atomics.load(this.control, h.index * SLOT_INTS + LIVENESS) === Liveness.Ready);
    // A worker still busy with a step (a hung env) cannot take the command; the pool's destroy ends it.
    if (!this.pendingStep && this.failure === undefined) {
      for (const handle of live) this.signalOne(handle, Command.Close);
    }
    try {
      this.mainRunner?.close();
    } finally {
      await Promise.race([Promise.all(this.handles.map((h) => h.task)), delay(1000)]);
      await this.pool.destroy();
    }
    for (const handle of this.handles) handle.port.close();
  }

  private signal(command: Command): void {
    for (const handle of this.handles) this.signalOne(handle, command);
  }

  private signalOne(handle: WorkerHandle, command: Command): void {
    const slot = handle.index * SLOT_INTS;
    Atomics.store(this.control, slot + CMD, command);
    Atomics.add(this.control, slot + CMD_SEQ, 1);
    Atomics.notify(this.control, slot + CMD_SEQ);
  }

  /** Blocks until every worker completed the current command, or fails within the step timeout. */
  private collectBlocking(phase: 'step' | 'reset'): InfoRecord[] {
    for (const handle of this.handles) this.waitBlocking(handle, phase);
    return this.collectMessages(phase);
  }

  private waitBlocking(handle: WorkerHandle, phase: string): void {
    const slot = handle.index * SLOT_INTS;
    const target = Atomics.load(this.control, slot + CMD_SEQ);
    const deadline = performance.now() + this.stepTimeoutMs;
    let spin = this.spinIterations;
    for (;;) {
      const done = Atomics.load(this.control, slot + DONE_SEQ);
      if (done === target) return;
      this.assertAlive(handle, phase);
      const remaining = deadline - performance.now();
      if (remaining <= 0) throw this.timeoutError(handle, phase);
      // Short slices, so a thread that died without running its exit handler is noticed by the deadline.
      waitForChange(this.control, slot + DONE_SEQ, done, spin, Math.min(remaining, 100));
      spin = 0;
    }
  }

  private async waitAsyncFor(handle: WorkerHandle): Promise<void> {
    const slot = handle.index * SLOT_INTS;
    const target = Atomics.load(this.control, slot + CMD_SEQ);
    const deadline = performance.now() + this.stepTimeoutMs;
    for (;;) {
      const done = Atomics.load(this.control, slot + DONE_SEQ);
      if (done === target) return;
      this.assertAlive(handle, 'step');
      const remaining = deadline - performance.now();
      if (remaining <= 0) throw this.timeoutError(handle, 'step');
      const waited = waitAsync(this.control, slot + DONE_SEQ, done, Math.min(remaining, 100));
      if (waited.async) await Promise.race([waited.value, handle.task]);
    }
  }

  private assertAlive(handle: WorkerHandle, phase: string): void {
    const state = Atomics.load(this.control, handle.index * SLOT_INTS + LIVENESS);
    if (handle.death === undefined && state === Liveness.Ready) return;
    const cause = handle.death !== undefined ? `: ${handle.death.message}` : ' (process.exit or a fatal error in env code)';
    const last = handle.firstIndex + handle.count - 1;
    throw new EnvError(
      `WorkerVectorEnv: worker ${handle.index} (sub-envs ${handle.firstIndex}–${last}, ${this.recipe.id}) died during ${phase}${cause}; close() the vector env`,
    );
  }

  private timeoutError(handle: WorkerHandle, phase: string): EnvError {
    const last = handle.firstIndex + handle.count - 1;
    return new EnvError(
      `WorkerVectorEnv: worker ${handle.index} (sub-envs ${handle.firstIndex}–${last}, ${this.recipe.id}) did not finish ${phase} within stepTimeoutMs = ${this.stepTimeoutMs} ms; close() the vector env`,
    );
  }

  /** Reads the workers' messages (in worker order, so infos merge in index order); throws the first error. */
  private collectMessages(phase: string): InfoRecord[] {
    const records: InfoRecord[] = [];
    let error: SubEnvError | undefined;
    for (const handle of this.handles) {
      const slot = handle.index * SLOT_INTS;
      if (Atomics.load(this.control, slot + HAS_MESSAGE) === 0) continue;
      const received = receiveMessageOnPort(handle.port);
      if (received === undefined) throw new EnvError(`WorkerVectorEnv: worker ${handle.index} signalled a message for ${phase} that did not arrive`);
      const message = received.message as WorkerMessage;
      if (message.kind === 'error') error ??= SubEnvError.fromTransferable(message.error);
      else if (Atomics.load(this.control, slot + STATUS) === Status.Ok) records.push(...message.records);
    }
    if (error !== undefined) throw error;
    return records;
  }

  private assertNoPendingStep(what: string): void {
    if (this.pendingStep) throw new EnvError(`WorkerVectorEnv.${what}: a stepAsync() is in flight; await stepWait() first`);
  }
}

function resolveOptions(options: WorkerVectorEnvOptions): Required<WorkerVectorEnvOptions> {
  if (options === null || typeof options !== 'object') throw new InvalidOptionError(`WorkerVectorEnv: options must be an object, got ${describeValue(options)}`);
  const { numEnvs } = options;
  if (!Number.isInteger(numEnvs) || numEnvs < 1) throw new InvalidOptionError(`WorkerVectorEnv: numEnvs must be a positive integer, got ${describeValue(numEnvs)}`);
  const mainThreadShard = options.mainThreadShard ?? false;
  if (typeof mainThreadShard !== 'boolean') throw new InvalidOptionError(`WorkerVectorEnv: mainThreadShard must be a boolean, got ${describeValue(mainThreadShard)}`);
  if (mainThreadShard && numEnvs < 2) throw new InvalidOptionError('WorkerVectorEnv: mainThreadShard needs numEnvs ≥ 2 (one shard for the calling thread, one for a worker)');
  // The calling thread takes one shard and one core: the workers take the rest.
  const maxWorkers = mainThreadShard ? numEnvs - 1 : numEnvs;
  const workers = options.workers ?? Math.min(Math.max(1, availableParallelism() - (mainThreadShard ? 1 : 0)), maxWorkers);
  if (!Number.isInteger(workers) || workers < 1 || workers > maxWorkers) {
    throw new InvalidOptionError(
      `WorkerVectorEnv: workers must be an integer in [1, ${mainThreadShard ? 'numEnvs − 1' : 'numEnvs'} = ${maxWorkers}], got ${describeValue(workers)}`,
    );
  }
  const autoreset = options.autoreset ?? 'next-step';
  assertAutoresetMode(autoreset, 'WorkerVectorEnv');
  const stepTimeoutMs = options.stepTimeoutMs ?? 60_000;
  if (typeof stepTimeoutMs !== 'number' || !(stepTimeoutMs > 0)) {
    throw new InvalidOptionError(`WorkerVectorEnv: stepTimeoutMs must be a number > 0 (or Infinity), got ${describeValue(stepTimeoutMs)}`);
  }
  const spinIterations = options.spinIterations ?? 2000;
  if (!Number.isInteger(spinIterations) || spinIterations < 0) {
    throw new InvalidOptionError(`WorkerVectorEnv: spinIterations must be an integer ≥ 0, got ${describeValue(spinIterations)}`);
  }
  return { numEnvs, workers, autoreset, stepTimeoutMs, spinIterations, mainThreadShard };
}

function checkRecipe(recipe: EnvRecipe): void {
  if (typeof recipe.id !== 'string') throw new InvalidOptionError(`WorkerVectorEnv: the env id must be a string, got ${describeValue(recipe.id)}`);
  recipe.wrappers.forEach((spec, i) => assertWrapperSpec(spec, `WorkerVectorEnv: wrappers[${i}]`));
  assertCloneable(recipe.kwargs, 'kwargs');
  assertCloneable(recipe.wrappers, 'wrappers');
  if (!Array.isArray(recipe.modules) || !recipe.modules.every((m) => typeof m === 'string')) {
    throw new InvalidOptionError(`WorkerVectorEnv: modules must be an array of paths or URLs, got ${describeValue(recipe.modules)}`);
  }
}

interface MainShardResult {
  readonly records: InfoRecord[];
  readonly error: unknown;
}

/** The infos of the main shard (lowest indices) then the workers'; rethrows the main shard's error. */
function mergeShardResults(main: MainShardResult, workers: InfoRecord[]): InfoRecord[] {
  if (main.error !== undefined) throw main.error;
  return main.records.length === 0 ? workers : main.records.concat(workers);
}

/** Builds the calling thread's shard: sub-envs 0 … count − 1 over the shared batch buffers. */
function buildMainShard(recipe: EnvRecipe, count: number, buffers: ShardBuffers, autoreset: AutoresetMode): ShardRunner {
  const envs = Array.from({ length: count }, (_, index) => {
    try {
      return buildEnv(recipe);
    } catch (error) {
      throw SubEnvError.wrap(error, index, recipe.id, 'make');
    }
  });
  const [first] = envs;
  return new ShardRunner(envs, 0, layoutOf(first.observationSpace, 'observation'), layoutOf(first.actionSpace, 'action'), buffers, autoreset);
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
