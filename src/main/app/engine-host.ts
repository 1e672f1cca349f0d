// Runs one load in its own engine worker and turns its messages back into a promise and events.
import { Worker } from 'node:worker_threads';
import { ErrorCodes, KeyloadError } from '../../shared/errors.ts';
import type { LoadOptionsInput } from '../../shared/load-options.ts';
import type { LoadEvent, LoadResult } from '../../shared/load-types.ts';
import type { ConnectionConfig } from '../engine/index.ts';
import type { FromEngine, ToEngine } from './engine-protocol.ts';

let nextSeq = 0;

export interface EngineRun {
  result: Promise<LoadResult>;
  cancel(): void;
}

export function startEngineRun(runId: string, connection: ConnectionConfig, options: LoadOptionsInput, reportDir: string, onEvent: (event: LoadEvent) => void): EngineRun {
  // From source the worker is a .ts file; in the desktop app's bundle it is built next to main.
  const file = new URL(import.meta.url.endsWith('.ts') ? './engine-worker.ts' : './engine-worker.js', import.meta.url);
  const worker = new Worker(file);
  const seq = ++nextSeq;
  const result = new Promise<LoadResult>((resolve, reject) => {
    worker.on('message', (message: FromEngine) => {
      if (message.seq !== seq) return;
      if (message.type === 'event') onEvent(message.event);
      else if (message.type === 'done') resolve(message.result);
      else reject(new KeyloadError(message.error.code, message.error.message, message.error));
    });
    worker.on('error', (error) => reject(new KeyloadError(ErrorCodes.internal, `The load stopped unexpectedly: ${error.message}`)));
    worker.on('exit', (code) => reject(new KeyloadError(ErrorCodes.internal, `The load's worker exited (${code})`)));
  }).finally(() => void worker.terminate());
  worker.postMessage({ seq, type: 'start', runId, connection, options, reportDir } satisfies ToEngine);
  return { result, cancel: () => worker.postMessage({ seq, type: 'cancel' } satisfies ToEngine) };
}
