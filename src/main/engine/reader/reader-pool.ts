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
    // One thread per core (at least 2): each holds its own V8 heap and module graph (~40 MB idle),
    // and reading is CPU-bound. A file beyond them waits for a thread (its stall watchdog starts
    // with the worker's first message). Measured on 2 cores, 8 Parquet files at --concurrency 4:
    // 17.6 and 21.1 s with 2 threads against 17.2 and 17.5 s with 4, at 266 MB peak RSS against 418-423.
    maxThreads: Math.max(2, availableParallelism()),
    idleTimeout: 5_000,
    // Parsing makes short-lived garbage; a small young generation makes V8 collect it early instead
    // of growing each worker's heap (the process's peak memory is the sum of them). 16 MB -> 4 MB:
    // the same 4-thread run peaked at 352-359 MB instead of 418-423, in the same time.
    resourceLimits: { maxYoungGenerationSizeMb: 4, maxOldGenerationSizeMb: 256 },
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
