import { availableParallelism } from 'node:os';
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { CONTROL, F64_ARGS, JOB, STATE } from './gemm-protocol.js';
import { runJob, type KernelSet, type WasmMemory, type WasmModule } from './wasm-kernels.js';

/**
 * A second thread that runs kernel calls of `WasmGemm` on memories shared with the main thread, so a large
 * product is shared between two cores by rows of C. One helper serves the whole process
 * (every `WasmGemm` registers its memory with it); {@link run} is synchronous: both threads take chunks of
 * rows of C until none is left, so a machine too busy to run the helper costs little more than one thread,
 * and a helper slowed down midway leaves its share to the main thread. Each chunk computes whole rows of C
 * with the same kernels in the same order, so the result is bit-identical to one thread's.
 *
 * The worker is unref'd (it never keeps the process alive) and sleeps in `Atomics.wait` when idle.
 */
export class GemmHelper {
  private readonly control: Int32Array;
  private readonly f64: Float64Array;
  private readonly port: MessagePort;
  private readonly worker: Worker;
  private nextId = 0;

  /** Starts the thread; use {@link gemmHelper} for the process's one helper. */
  constructor() {
    const buffer = new SharedArrayBuffer(CONTROL.size * 4);
    this.control = new Int32Array(buffer);
    this.f64 = new Float64Array(buffer, CONTROL.f64 * 4, F64_ARGS);
    const channel = new MessageChannel();
    this.port = channel.port1;
    this.worker = new Worker(new URL('./gemm-worker.js', import.meta.url), { workerData: { control: buffer, port: channel.port2 }, transferList: [channel.port2] });
    this.worker.unref();
    this.port.unref();
  }

  /** Registers a memory (and the module to run on it); returns its id for {@link start}. */
  register(module: WasmModule, memory: WasmMemory): number {
    const id = this.nextId++;
    this.port.postMessage({ id, module, memory });
    Atomics.store(this.control, CONTROL.state, STATE.register);
    this.wake();
    this.wait('registering a memory');
    return id;
  }

  /**
   * Runs a job shared with the helper, synchronously: hands it over, takes chunks on this thread with
   * `kernels` until none is left (see `runJob`), then waits for the helper's last chunk — or, if the helper
   * has not claimed the job by then (a busy machine did not schedule it), withdraws it, every chunk being done.
   * `kind` is one of `JOB`; `args` its integer arguments (a product's are `runRowBlock`'s for the whole
   * product), `f64` its float64 constants, on memory `id`; chunks have at least `minChunk` rows (pairs).
   */
  run(id: number, kernels: KernelSet, kind: number, args: readonly number[], minChunk: number, f64: readonly number[] = []): void {
    const c = this.control;
    c[CONTROL.instance] = id;
    c[CONTROL.kind] = kind;
    for (let i = 0; i < args.length; i++) c[CONTROL.args + i] = args[i];
    for (let i = 0; i < f64.length; i++) this.f64[i] = f64[i];
    c[CONTROL.minChunk] = minChunk;
    Atomics.store(c, CONTROL.next, 0);
    Atomics.store(c, CONTROL.state, STATE.job);
    this.wake();
    try {
      runJob(kernels, c, args, this.f64);
    } finally {
      if (Atomics.compareExchange(c, CONTROL.state, STATE.job, STATE.idle) !== STATE.job) this.wait(kind === JOB.product ? 'a matrix product' : 'an element-wise pass');
    }
  }

  /** Wakes the helper if it sleeps (it announces that before its last look at the state word). */
  private wake(): void {
    if (Atomics.load(this.control, CONTROL.helperAsleep) === 1) Atomics.notify(this.control, CONTROL.state);
  }

  private wait(what: string): void {
    const c = this.control;
    let state = Atomics.load(c, CONTROL.state);
    const pending = (s: number) => s === STATE.job || s === STATE.register || s === STATE.running;
    for (let spin = 0; spin < 20000 && pending(state); spin++) state = Atomics.load(c, CONTROL.state);
    let waited = 0;
    while (pending(state)) {
      // Timed waits: a helper that never started (or died) must become an error, not a hang.
      Atomics.store(c, CONTROL.mainAsleep, 1);
      state = Atomics.load(c, CONTROL.state);
      if (pending(state) && Atomics.wait(c, CONTROL.state, state, 1000) === 'timed-out') waited += 1;
      Atomics.store(c, CONTROL.mainAsleep, 0);
      if (waited >= 30) throw new Error(`gemm helper thread did not answer within 30 s (${what}); set FLASH_GYM_GEMM_THREADS=1 to run on one thread`);
      state = Atomics.load(c, CONTROL.state);
    }
    Atomics.store(c, CONTROL.state, STATE.idle);
    if (state === STATE.failed) throw new Error(`gemm helper thread failed while running ${what}`);
  }
}

let helper: GemmHelper | null | undefined;

/**
 * The process's helper thread, or undefined when products run on one thread: `FLASH_GYM_GEMM_THREADS=1`
 * (or `0`) asks for one; the default is two threads where the machine has at least two cores.
 */
export function gemmHelper(): GemmHelper | undefined {
  if (helper === undefined) {
    const setting = process.env.FLASH_GYM_GEMM_THREADS;
    if (setting !== undefined && setting !== '' && !['0', '1', '2'].includes(setting)) throw new Error(`FLASH_GYM_GEMM_THREADS must be 1 (one thread) or 2, got "${setting}"`);
    const threads = setting === undefined || setting === '' ? Math.min(2, availableParallelism()) : Math.max(1, Number(setting));
    helper = threads >= 2 && typeof SharedArrayBuffer === 'function' ? new GemmHelper() : null;
  }
  return helper ?? undefined;
}
