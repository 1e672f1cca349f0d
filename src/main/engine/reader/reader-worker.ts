// Piscina task: reads one file in a worker thread, parses it and encodes COPY text, so parsing never
// blocks the thread that talks to PostgreSQL (or Electron's main process). The engine drives it
// over a MessagePort, one request at a time (open, then pull per batch, then close).
import { createHash } from 'node:crypto';
import { open, stat } from 'node:fs/promises';
import type { MessagePort } from 'node:worker_threads';
import { ErrorCodes, KeyloadError } from '../../../shared/errors.ts';
import { toErrorInfo } from '../error-info.ts';
import { TypeTallies, type TypeTally } from '../input/infer-types.ts';
import { openSource } from '../input/open-source.ts';
import { previewSource } from '../input/preview.ts';
import { fieldCountReason, NUL_REASON } from '../input/row-checks.ts';
import { readerLimits, type RowSource, type SourceRow } from '../input/source.ts';
import { encodeCopyLine } from './copy-text.ts';
import { noteProgress, progressMark, resetProgress } from '../input/read-progress.ts';
import type { CopyBatch, ReaderProgress, ReaderReject, ReaderReply, ReaderRequest } from './protocol.ts';

export interface ReaderTask {
  port: MessagePort;
}

/** The file's SHA-256, read into one reused buffer: a new 1 MiB chunk per read kept the worker's small young generation collecting. */
async function sha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  const buffer = Buffer.allocUnsafe(1 << 20);
  const file = await open(path, 'r');
  try {
    for (;;) {
      const { bytesRead } = await file.read(buffer, 0, buffer.length);
      if (bytesRead === 0) return hash.digest('hex');
      hash.update(buffer.subarray(0, bytesRead));
      noteProgress();
    }
  } finally {
    await file.close();
  }
}

/** One file's reading state; lives as long as its task. */
class FileReader {
  private source: RowSource | undefined;
  private rows: AsyncIterator<SourceRow[]> | undefined;
  private pending: SourceRow[] = [];
  private pendingAt = 0;
  private rowsRead = 0;

  async handle(request: ReaderRequest): Promise<ReaderReply> {
    switch (request.type) {
      case 'open': {
        // Hashing reads the whole file, alongside the opening, which reads its start. The opening's
        // error comes first: it says clearly when the file is missing or unreadable.
        const hashing = request.hash ? sha256(request.path) : Promise.resolve(null);
        hashing.catch(() => {});
        this.source = await openSource(request.path, request.options);
        const stats = await stat(request.path);
        const hash = await hashing;
        const source = this.source;
        const info = { columns: source.columns, description: source.description, totalBytes: source.totalBytes, rowEstimate: source.rowEstimate, mtimeMs: stats.mtimeMs, sha256: hash };
        return { seq: request.seq, type: 'opened', info };
      }
      case 'pull': {
        const limit = Math.min(request.batchRows, request.alignTo - (this.rowsRead % request.alignTo));
        const batch = await this.nextBatch(request.sourceIndexes, limit, request.prefixed);
        if (batch) return { seq: request.seq, type: 'batch', batch };
        return { seq: request.seq, type: 'end', rowsRead: this.rowsRead, bytesRead: this.source?.totalBytes ?? 0 };
      }
      case 'preview':
        return { seq: request.seq, type: 'preview', preview: await previewSource(request.path, request.options, request.rows) };
      case 'sample':
        return { seq: request.seq, type: 'sampled', tallies: await this.sample(request.rows) };
    }
  }

  /** Value types of the first rows with the right field count; Parquet values count under their schema's type. */
  private async sample(rows: number): Promise<TypeTally[]> {
    const source = this.source;
    if (!source) throw new KeyloadError(ErrorCodes.internal, 'sample before open');
    const columns = source.columns;
    const tallies = new TypeTallies(columns.length, source.description.type === 'parquet' ? columns.map((c) => c.pgType) : null);
    let seen = 0;
    for await (const chunk of source.rows()) {
      noteProgress();
      for (const row of chunk) {
        // A row the CSV options could not read goes to the rejects: its values do not vote on types.
        if (row.values.length === columns.length && !row.reject) tallies.add(row.values);
        if (++seen >= rows) return tallies.tallies();
      }
    }
    return tallies.tallies();
  }

  /** Text lines are joined before encoding so pg-copy-streams receives large writes. */
  private async nextBatch(sourceIndexes: number[], batchRows: number, prefixed: boolean): Promise<CopyBatch | null> {
    const source = this.source;
    if (!source) throw new KeyloadError(ErrorCodes.internal, 'pull before open');
    this.rows ??= source.rows()[Symbol.asyncIterator]();
    const fieldCount = source.columns.length;
    const parts: string[] = [];
    const lines: number[] = [];
    const rejects: ReaderReject[] = [];
    while (parts.length + rejects.length < batchRows) {
      const row = this.pending[this.pendingAt];
      if (!row) {
        const next = await this.rows.next();
        noteProgress();
        if (next.done) break;
        this.pending = next.value;
        this.pendingAt = 0;
        continue;
      }
      this.pendingAt++;
      const ordinal = this.rowsRead++;
      if (row.values.length !== fieldCount) {
        rejects.push({ line: row.line, reason: fieldCountReason(fieldCount, row.values.length), values: row.values });
        continue;
      }
      if (row.reject) {
        rejects.push({ line: row.line, column: source.columns[row.reject.column]?.name ?? `column ${row.reject.column + 1}`, reason: row.reject.reason, values: row.values });
        continue;
      }
      const line = encodeCopyLine(prefixed ? `${ordinal}\t${row.line}\t` : '', row.values, sourceIndexes);
      if (line === null) {
        rejects.push({ line: row.line, reason: NUL_REASON, values: row.values });
        continue;
      }
      parts.push(line);
      lines.push(row.line);
    }
    if (parts.length === 0 && rejects.length === 0) return null;
    const copy = Buffer.from(parts.join(''));
    return { copy, rows: parts.length, lines: Float64Array.from(lines), rowsRead: this.rowsRead, bytesRead: source.bytesRead(), rejects };
  }

  close(): Promise<void> {
    return this.source?.close() ?? Promise.resolve();
  }
}

/** Buffer.from may hand back a slice of Node's shared pool, which must not be transferred. */
function transferables(batch: CopyBatch): ArrayBuffer[] {
  const copy = batch.copy.byteLength === batch.copy.buffer.byteLength ? [batch.copy.buffer as ArrayBuffer] : [];
  return [...copy, batch.lines.buffer as ArrayBuffer];
}

/** A failed request's reply: the error as ErrorInfo with its code (KEYLOAD_* or SQLSTATE) and hint kept. */
export function errorReply(seq: number, error: unknown): ReaderReply {
  return { seq, type: 'error', error: toErrorInfo(error) };
}

/**
 * Tells the engine, a few times per stall timeout, that reading moved on. Nothing is sent while it
 * does not, nor while the thread is blocked: the engine's watchdog then fails the file.
 */
function reportProgress(port: MessagePort, stallTimeoutMs: number): () => void {
  let reported = progressMark().ticks;
  port.postMessage({ type: 'progress', where: null } satisfies ReaderProgress); // the worker is up: watching starts
  const timer = setInterval(() => {
    const mark = progressMark();
    if (mark.ticks === reported) return;
    reported = mark.ticks;
    port.postMessage({ type: 'progress', where: mark.where ?? null } satisfies ReaderProgress);
  }, Math.max(10, stallTimeoutMs / 4));
  return () => clearInterval(timer);
}

/** Serves requests until the engine closes its end of the port. */
export default function readFile({ port }: ReaderTask): Promise<void> {
  const reader = new FileReader();
  resetProgress();
  let stopReporting: (() => void) | undefined;
  // Requests may arrive ahead of time (read-ahead); they are served strictly one after another.
  let queue = Promise.resolve();
  return new Promise((resolve) => {
    port.on('message', (request: ReaderRequest) => {
      // The file's first request carries the options, and with them the stall timeout.
      if (request.type === 'open' || request.type === 'preview') stopReporting ??= reportProgress(port, readerLimits(request.options).stallTimeoutMs);
      queue = queue.then(() =>
        reader.handle(request).then(
          (reply) => port.postMessage(reply, reply.type === 'batch' ? transferables(reply.batch) : []),
          (error: unknown) => port.postMessage(errorReply(request.seq, error)),
        ),
      );
    });
    port.once('close', () => {
      stopReporting?.();
      void queue.then(() => reader.close()).finally(resolve);
    });
  });
}
