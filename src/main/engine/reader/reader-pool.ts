// One worker-thread pool (piscina) for all file reading in this process. Each open file is one
// long-running task that the engine talks to over its own MessagePort.
import { availableParallelism } from 'node:os';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { Piscina } from 'piscina';

let pool: Piscina | undefined;

function readerPool(): Piscina {
  pool ??= new Piscina({
    // From source the worker is a .ts file; in the desktop app's bundle it is built next to main.
    filename: new URL(import.meta.url.endsWith('.ts') ? './reader-worker.ts' : './reader-worker.js', import.meta.url).href,
    // Reading is CPU-bound, but a file's task also waits on the database between batches.
    maxThreads: Math.max(4, availableParallelism() * 2),
    idleTimeout: 5_000,
    // Parsing makes short-lived garbage; a bounded young generation makes V8 collect it early
    // instead of growing each worker's heap (the process's peak memory is the sum of them).
    resourceLimits: { maxYoungGenerationSizeMb: 16, maxOldGenerationSizeMb: 256 },
  });
  return pool;
}

export interface ReaderSession {
  port: MessagePort;
  /** Settles when the worker has released the file. */
  done: Promise<void>;
  /** Ends the task by terminating its worker thread: the only way out of a read that hangs or spins. */
  abort(): void;
}

export function startReader(): ReaderSession {
  const { port1, port2 } = new MessageChannel();
  const aborter = new AbortController();
  const done = readerPool().run({ port: port2 }, { transferList: [port2], signal: aborter.signal }) as Promise<void>;
  return { port: port1, done, abort: () => aborter.abort() };
}

/** Lets the process exit promptly once loading is over (idle workers would otherwise linger). */
export async function closeReaderPool(): Promise<void> {
  const current = pool;
  pool = undefined;
  await current?.destroy();
}
