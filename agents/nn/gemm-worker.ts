/**
 * The helper thread of `GemmHelper`: runs one job (a product, or an optimizer's element-wise pass) at a time on
 * an instance of the kernel module over a memory it shares with the main thread. It polls, then sleeps in
 * `Atomics.wait`, on the control word; the main thread writes a job's arguments, sets the word and wakes it; it
 * takes chunks of the job alongside the main thread until none is left, sets the word to DONE and wakes the main
 * thread if it sleeps. New memories (one per `WasmGemm`) arrive on a message port that it reads synchronously
 * when told to, since a thread blocked in `Atomics.wait` never runs its event loop.
 */
import { receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import { kernelSet, ROW_BLOCK_ARGS, runJob, wasm, type KernelSet, type WasmInstance, type WasmMemory, type WasmModule } from './wasm-kernels.js';
import { CONTROL, F64_ARGS, STATE } from './gemm-protocol.js';

interface Registration {
  readonly id: number;
  readonly module: WasmModule;
  readonly memory: WasmMemory;
}

const { control: controlBuffer, port } = workerData as { control: SharedArrayBuffer; port: MessagePort };
const control = new Int32Array(controlBuffer);
const f64 = new Float64Array(controlBuffer, CONTROL.f64 * 4, F64_ARGS);
const instances = new Map<number, KernelSet>();
/** The current job's integer arguments, read from the control words (reused: one job after another). */
const args = new Array<number>(ROW_BLOCK_ARGS).fill(0);

function register(): void {
  let received = receiveMessageOnPort(port);
  // The main thread posts before it sets the word, but delivery to the port is not synchronous with that.
  for (let tries = 0; received === undefined && tries < 10000; tries++) {
    Atomics.wait(control, CONTROL.state, STATE.register, 1);
    received = receiveMessageOnPort(port);
  }
  if (received === undefined) throw new Error('gemm helper: no registration message arrived');
  const { id, module, memory } = received.message as Registration;
  const instance: WasmInstance = new wasm.Instance(module, { env: { mem: memory } });
  instances.set(id, kernelSet(instance));
}

/** Takes chunks of the current job (see `runJob`) until none is left. */
function runShare(): void {
  const kernels = instances.get(control[CONTROL.instance]);
  if (kernels === undefined) throw new Error(`gemm helper: unknown instance ${control[CONTROL.instance]}`);
  for (let i = 0; i < args.length; i++) args[i] = control[CONTROL.args + i];
  runJob(kernels, control, args, f64);
}

const isWork = (state: number) => state === STATE.job || state === STATE.register;

/**
 * How long the helper keeps polling after its last job before it sleeps. A training step hands it a product
 * every few hundred microseconds at most, while waking a sleeping thread costs a futex round trip, which on a
 * busy or virtualised machine (another process on the helper's core) reaches milliseconds. So, like OpenMP's
 * spin-then-sleep wait policy, it polls through the gaps of a training loop and sleeps once training pauses.
 */
const SPIN_MS = 2;

/** Polls the state word until there is work or {@link SPIN_MS} have passed; returns the last state read. */
function spinForWork(): number {
  let state = Atomics.load(control, CONTROL.state);
  const until = performance.now() + SPIN_MS;
  while (!isWork(state)) {
    for (let spin = 0; spin < 256 && !isWork(state); spin++) state = Atomics.load(control, CONTROL.state);
    if (performance.now() > until) break;
  }
  return state;
}

for (;;) {
  let state = spinForWork();
  while (!isWork(state)) {
    // Announce the sleep before the last look at the state: the main thread notifies only a sleeping helper.
    Atomics.store(control, CONTROL.helperAsleep, 1);
    state = Atomics.load(control, CONTROL.state);
    if (!isWork(state)) Atomics.wait(control, CONTROL.state, state);
    Atomics.store(control, CONTROL.helperAsleep, 0);
    state = Atomics.load(control, CONTROL.state);
  }
  // Claim the job; the main thread may have taken it back meanwhile (then there is nothing to answer).
  if (state === STATE.job && Atomics.compareExchange(control, CONTROL.state, STATE.job, STATE.running) !== STATE.job) continue;
  try {
    if (state === STATE.register) register();
    else runShare();
    Atomics.store(control, CONTROL.state, STATE.done);
  } catch {
    Atomics.store(control, CONTROL.state, STATE.failed);
  }
  if (Atomics.load(control, CONTROL.mainAsleep) === 1) Atomics.notify(control, CONTROL.state);
}
