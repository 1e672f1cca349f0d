// A CSV file's own bytes sent to COPY ... (FORMAT csv) for the server to parse, as psql's \copy
// does: whether a file can go this way, its bytes, cut into whole records by the scanner, and one
// COPY of them that reports whatever the server or the scanner refused instead of throwing.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { Encoding } from '../../../../shared/vocabulary.ts';
import { recordConverter } from '../../input/csv-values.ts';
import { openFileBytes } from '../../input/detect.ts';
import { readerLimits } from '../../input/source.ts';
import { quoteIdent, quoteLiteral } from '../../sql/identifiers.ts';
import { stagedColumns, type FileContext } from '../file-context.ts';
import { openOptions } from '../open-options.ts';
import { isDataError } from '../stage/copy.ts';
import { CsvRecordScanner, type ScannerDialect } from './csv-record-scanner.ts';

/** The server's names for the encodings it can read itself; UTF-16 it cannot. */
const serverEncodings: Partial<Record<Encoding, string>> = { 'utf-8': 'UTF8', 'windows-1252': 'WIN1252' };

export interface PassThrough {
  dialect: ScannerDialect & { hasHeader: boolean };
  /** COPY into `table` (a quoted name) of the file's columns; `header`: the bytes start with the header line. */
  copySql(table: string, header: boolean): string;
}

/** How to send the file as it is, or null when it needs the reader. */
export function passThrough(ctx: FileContext): PassThrough | null {
  const { info, mapping, path } = ctx.file;
  const dialect = info.description.dialect;
  if (info.description.type !== 'csv' || !dialect) return null;
  const encoding = serverEncodings[dialect.encoding];
  const values = openOptions(ctx.run.plan.options, path).values ?? {};
  // The server reads an unquoted empty field as NULL, as the reader does, and nothing else as NULL.
  if (!encoding || values.trim || (values.nullString ?? '') !== '' || recordConverter(values, path)) return null;
  // COPY takes the file's columns in order: every one must go to a column of the table.
  const inFileOrder = mapping.mapped.every((m, i) => m.sourceIndex === i);
  if (!inFileOrder || mapping.mapped.length !== info.columns.length) return null;
  const plainByte = (c: string) => c.length === 1 && c.charCodeAt(0) < 0x80 && c !== '\r' && c !== '\n';
  if (![dialect.delimiter, dialect.quote, dialect.escape].every(plainByte)) return null;
  const columns = stagedColumns(ctx).map((c) => quoteIdent(c.name)).join(', ');
  const copySql = (table: string, header: boolean) => {
    const format = ['FORMAT csv', `HEADER ${header}`, `DELIMITER ${quoteLiteral(dialect.delimiter)}`, `QUOTE ${quoteLiteral(dialect.quote)}`, `ESCAPE ${quoteLiteral(dialect.escape)}`, `ENCODING ${quoteLiteral(encoding)}`];
    return `COPY ${table} (${columns}) FROM STDIN (${format.join(', ')})`;
  };
  return { dialect, copySql };
}

/** The scanner found bytes the pass-through must not send. */
export class Untrusted extends Error {}

/**
 * The file's bytes (gunzipped, within the reader's decompression limits), a UTF-8 byte order mark
 * dropped, counting the bytes read from disk.
 */
export function fileBytes(ctx: FileContext): AsyncIterator<Buffer> {
  const { path, info } = ctx.file;
  const bytes = openFileBytes(path, info.description.gzip, readerLimits(openOptions(ctx.run.plan.options, path)));
  const chunks = bytes.chunks[Symbol.asyncIterator]();
  let first = true;
  return {
    async next() {
      const step = await chunks.next();
      if (step.done) return step;
      ctx.tracker.update(bytes.bytesRead());
      let chunk = Buffer.from(step.value.buffer, step.value.byteOffset, step.value.byteLength);
      if (first && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) chunk = chunk.subarray(3);
      first = false;
      return { done: false, value: chunk };
    },
    async return() {
      bytes.close();
      await chunks.return?.();
      return { done: true, value: undefined };
    },
  };
}

/** Cuts the bytes into sub-batches of whole records. */
export class RecordBatches {
  private leftover: Buffer | null = null;
  ended = false;
  readonly scanner: CsvRecordScanner;
  private readonly input: AsyncIterator<Buffer>;
  private readonly batchRows: number;

  constructor(input: AsyncIterator<Buffer>, scanner: CsvRecordScanner, batchRows: number) {
    this.input = input;
    this.scanner = scanner;
    this.batchRows = batchRows;
  }

  /** The bytes of sub-batch `batch` (0-based), up to its last record's line end. */
  async *bytes(batch: number): AsyncGenerator<Buffer> {
    const until = (batch + 1) * this.batchRows;
    for (;;) {
      const chunk = this.leftover ?? (await this.nextChunk());
      this.leftover = null;
      if (!chunk) {
        this.ended = true;
        if (!this.scanner.finish()) throw new Untrusted(this.scanner.unsafe ?? 'unsafe');
        return;
      }
      const end = this.scanner.scanUntil(chunk, 0, until);
      if (this.scanner.unsafe) throw new Untrusted(this.scanner.unsafe);
      if (end === -1) {
        yield chunk;
        continue;
      }
      if (end < chunk.length) this.leftover = chunk.subarray(end);
      yield chunk.subarray(0, end);
      return;
    }
  }

  /** Whether any byte is left for another sub-batch. */
  async hasMore(): Promise<boolean> {
    this.leftover ??= await this.nextChunk();
    if (this.leftover === null) this.ended = true;
    return !this.ended;
  }

  private async nextChunk(): Promise<Buffer | null> {
    const step = await this.input.next();
    return step.done ? null : step.value;
  }
}

/** One sub-batch's COPY; null when the server took it whole, else why it did not. */
export async function copyBatch(client: PoolClient, sql: string, bytes: AsyncIterable<Buffer>, expected: () => number): Promise<{ reason: string; sessionUsable: boolean } | null> {
  const copy = client.query(copyFrom(sql));
  try {
    await pipeline(Readable.from(bytes, { objectMode: false }), copy);
  } catch (error) {
    if (error instanceof Untrusted) return { reason: error.message, sessionUsable: false };
    if (isServerRefusal(error)) return { reason: (error as Error).message, sessionUsable: true };
    throw error;
  }
  // The server and the scanner must agree on the records, or the sub-batches would not line up.
  if (copy.rowCount !== expected()) return { reason: `the server read ${copy.rowCount} rows where ${expected()} were counted`, sessionUsable: true };
  return null;
}

/** An error the server raised for this data (a value, a constraint, a trigger, a check option), not a lost connection. */
function isServerRefusal(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return isDataError(error) || (typeof code === 'string' && /^(42|P0|44)/.test(code));
}
