// Worker thread: reads one file, parses it and encodes COPY text, so parsing never blocks the
// thread that talks to PostgreSQL (or Electron's main process). Pull-based: one batch per request.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { parentPort } from 'node:worker_threads';
import { ErrorCodes, KeyloadError, type ErrorInfo } from '../../../shared/errors.ts';
import { openSource } from '../input/open-source.ts';
import type { RowSource, SourceRow } from '../input/source.ts';
import { encodeCopyLine } from './copy-text.ts';
import type { CopyBatch, ReaderReject, ReaderReply, ReaderRequest } from './protocol.ts';

const port = parentPort;
if (!port) throw new Error('reader-worker must run in a worker thread');

let source: RowSource | undefined;
let rows: AsyncIterator<SourceRow[]> | undefined;
let pending: SourceRow[] = [];
let pendingAt = 0;
let rowsRead = 0;

async function sha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Text chunks are joined before encoding so pg-copy-streams receives large writes. */
async function nextBatch(sourceIndexes: number[], batchRows: number, prefixed: boolean): Promise<CopyBatch | null> {
  if (!source) throw new KeyloadError(ErrorCodes.internal, 'pull before open');
  rows ??= source.rows()[Symbol.asyncIterator]();
  const fieldCount = source.columns.length;
  const parts: string[] = [];
  const rejects: ReaderReject[] = [];
  const lines: number[] = [];
  let count = 0;
  while (count + rejects.length < batchRows) {
    if (pendingAt >= pending.length) {
      const next = await rows.next();
      if (next.done) break;
      pending = next.value;
      pendingAt = 0;
      continue;
    }
    const row = pending[pendingAt++] as SourceRow;
    const ordinal = rowsRead++;
    if (row.values.length !== fieldCount) {
      rejects.push({ line: row.line, reason: `expected ${fieldCount} fields, found ${row.values.length}`, values: row.values });
      continue;
    }
    const line = encodeCopyLine(prefixed ? `${ordinal}\t${row.line}\t` : '', row.values, sourceIndexes);
    if (line === null) {
      rejects.push({ line: row.line, reason: 'value contains a NUL byte, which PostgreSQL text cannot store', values: row.values });
      continue;
    }
    parts.push(line);
    lines.push(row.line);
    count++;
  }
  if (count === 0 && rejects.length === 0) return null;
  const copy = Buffer.from(parts.join(''));
  return { copy, rows: count, lines: Float64Array.from(lines), rowsRead, bytesRead: source.bytesRead(), rejects };
}

async function handle(request: ReaderRequest): Promise<ReaderReply> {
  switch (request.type) {
    case 'open': {
      const stats = await stat(request.path);
      const hash = request.hash ? await sha256(request.path) : null;
      source = await openSource(request.path, request.options);
      const info = { columns: source.columns, description: source.description, totalBytes: source.totalBytes, mtimeMs: stats.mtimeMs, sha256: hash };
      return { seq: request.seq, type: 'opened', info };
    }
    case 'pull': {
      const batch = await nextBatch(request.sourceIndexes, request.batchRows, request.prefixed);
      if (batch) return { seq: request.seq, type: 'batch', batch };
      await source?.close();
      return { seq: request.seq, type: 'end', rowsRead, bytesRead: source?.totalBytes ?? 0 };
    }
  }
}

/** Buffer.from may hand back a slice of Node's shared pool, which must not be transferred. */
function transferables(batch: CopyBatch): ArrayBuffer[] {
  const copy = batch.copy.byteLength === batch.copy.buffer.byteLength ? [batch.copy.buffer as ArrayBuffer] : [];
  return [...copy, batch.lines.buffer as ArrayBuffer];
}

function toErrorInfo(error: unknown): ErrorInfo {
  if (error instanceof KeyloadError) return error.toInfo();
  return { code: ErrorCodes.internal, message: error instanceof Error ? error.message : String(error) };
}

port.on('message', (request: ReaderRequest) => {
  handle(request).then(
    (reply) => port.postMessage(reply, reply.type === 'batch' ? transferables(reply.batch) : []),
    (error: unknown) => port.postMessage({ seq: request.seq, type: 'error', error: toErrorInfo(error) } satisfies ReaderReply),
  );
});
