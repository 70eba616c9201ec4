// Runs inside a piscina worker thread: the one long-lived task of a WorkerVectorEnv's worker. It builds the
// worker's shard of sub-envs, then serves Step/Reset/Close commands signalled through shared memory until
// Close. Importing flash-gym's env index registers the built-in envs in this thread.
import { receiveMessageOnPort } from 'node:worker_threads';
import type { AnyEnv } from '../core/env.js';
import { EnvError } from '../core/errors.js';
import { buildEnv, importModules } from './env-recipe.js';
import { layoutOf } from './batch-layout.js';
import { ShardRunner } from './shard-runner.js';
import { SubEnvError } from './sub-env-error.js';
import type { InfoRecord } from './vector-info.js';
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
  waitForChange,
  type ResetMessage,
  type WorkerMessage,
  type WorkerTask,
} from './worker-protocol.js';

/** How long one blocking wait lasts before the loop re-checks (it only matters for liveness, not latency). */
const IDLE_WAIT_MS = 1000;

/** The piscina task: serves commands until Close; rejects if the shard cannot be built. */
export default async function serveShard(task: WorkerTask): Promise<string> {
  const { control, port } = task;
  const slot = task.workerIndex * SLOT_INTS;
  const at = (field: number): number => slot + field;
  // process.exit in env code ends this thread; say so, so the main thread stops waiting at once.
  const onExit = (): void => {
    Atomics.store(control, at(LIVENESS), Liveness.Exited);
    Atomics.notify(control, at(DONE_SEQ));
    Atomics.notify(control, at(LIVENESS));
  };
  process.on('exit', onExit);
  let runner: ShardRunner;
  try {
    await import('../index.js');
    await importModules(task.recipe.modules);
    runner = buildShard(task);
  } catch (error) {
    process.off('exit', onExit);
    Atomics.store(control, at(LIVENESS), Liveness.Failed);
    Atomics.notify(control, at(LIVENESS));
    throw error;
  }
  // Read the sequence number before announcing readiness: the main thread may signal right after.
  let seen = Atomics.load(control, at(CMD_SEQ));
  Atomics.store(control, at(LIVENESS), Liveness.Ready);
  Atomics.notify(control, at(LIVENESS));
  for (;;) {
    if (!waitForChange(control, at(CMD_SEQ), seen, task.spinIterations, IDLE_WAIT_MS)) continue;
    seen = Atomics.load(control, at(CMD_SEQ));
    const command = Atomics.load(control, at(CMD)) as Command;
    let message: WorkerMessage | undefined;
    let status = Status.Ok;
    try {
      let records: InfoRecord[] = [];
      if (command === Command.Step) records = runner.step();
      else if (command === Command.Reset) records = runner.reset(readResetMessage(port));
      else if (command === Command.Close) runner.close();
      if (records.length > 0) message = { kind: 'infos', records };
    } catch (error) {
      status = Status.Error;
      const wrapped = error instanceof SubEnvError ? error : SubEnvError.wrap(error, task.firstIndex, task.recipe.id, 'step');
      message = { kind: 'error', error: wrapped.toTransferable() };
    }
    if (message !== undefined) port.postMessage(message);
    Atomics.store(control, at(HAS_MESSAGE), message === undefined ? 0 : 1);
    Atomics.store(control, at(STATUS), status);
    Atomics.store(control, at(DONE_SEQ), seen);
    Atomics.notify(control, at(DONE_SEQ));
    if (command === Command.Close) break;
  }
  process.off('exit', onExit);
  port.close();
  return 'closed';
}

function buildShard(task: WorkerTask): ShardRunner {
  const envs: AnyEnv[] = [];
  for (let k = 0; k < task.count; k++) {
    try {
      envs.push(buildEnv(task.recipe));
    } catch (error) {
      throw SubEnvError.wrap(error, task.firstIndex + k, task.recipe.id, 'make');
    }
  }
  const [first] = envs;
  if (first.observationSpace.toString() !== task.observationSpace || first.actionSpace.toString() !== task.actionSpace) {
    throw new EnvError(
      `worker ${task.workerIndex}: its ${task.recipe.id} has spaces ${first.observationSpace.toString()} / ${first.actionSpace.toString()}, ` +
        `the main thread's has ${task.observationSpace} / ${task.actionSpace}; register the env the same way in every thread`,
    );
  }
  const obsLayout = layoutOf(first.observationSpace, 'observation');
  const actLayout = layoutOf(first.actionSpace, 'action');
  return new ShardRunner(envs, task.firstIndex, obsLayout, actLayout, task.batch, task.autoreset);
}

function readResetMessage(port: WorkerTask['port']): ResetMessage {
  const received = receiveMessageOnPort(port);
  if (received === undefined) throw new EnvError('worker: a reset was signalled without its request (protocol error)');
  return received.message as ResetMessage;
}
