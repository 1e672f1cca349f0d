// A load, off the app's main thread: plan, run, and relay the engine's events. The app's main
// process (Electron's, or the web host's) stays free to answer the UI; cancel is immediate.
import { parentPort } from 'node:worker_threads';
import { queuedProgress } from '../../shared/load-types.ts';
import { closeReaderPool, planLoad, runLoad, toErrorInfo } from '../engine/index.ts';
import type { FromEngine, ToEngine } from './engine-protocol.ts';

const port = parentPort;
if (!port) throw new Error('engine-worker must run in a worker thread');
const cancel = new AbortController();
const send = (message: FromEngine) => port.postMessage(message);

port.on('message', (message: ToEngine) => {
  if (message.type === 'cancel') return cancel.abort();
  const { seq } = message;
  planLoad(message.connection, message.options, undefined, message.runId)
    .then((plan) => {
      // The plan knows every file's size: each is announced as queued, so the app shows the whole
      // run's bytes from the start, not only those of the files begun.
      for (const file of plan.files) send({ seq, type: 'event', event: { type: 'file-progress', file: queuedProgress(file.path, file.info?.totalBytes ?? 0) } });
      return runLoad(plan, { reportDir: message.reportDir, signal: cancel.signal, onEvent: (event) => send({ seq, type: 'event', event }) });
    })
    .then(
      (result) => send({ seq, type: 'done', result }),
      (error: unknown) => send({ seq, type: 'failed', error: toErrorInfo(error) }),
    )
    .finally(() => closeReaderPool());
});
