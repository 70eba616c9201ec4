// A child process of the suite runner (used when the tfjs backend is tfjs-node, which cannot load in several
// worker threads): receives one run at a time over IPC and answers with its output or its error.
import { callUnit, describeError, type UnitTask } from './unit-call.js';

interface Request {
  readonly id: number;
  readonly task: UnitTask;
}

if (process.send === undefined) {
  console.error('child-entry.js is started by the suite runner (with an IPC channel), not by hand');
  process.exit(2);
}

process.on('message', (message: Request) => {
  callUnit(message.task).then(
    (output) => process.send?.({ id: message.id, ok: true, output }),
    (error: unknown) => process.send?.({ id: message.id, ok: false, error: describeError(error) }),
  );
});
process.on('disconnect', () => process.exit(0));
