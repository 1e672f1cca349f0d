// Append's fast path: when a CSV file needs no reshaping on the way, its bytes go straight into
// COPY ... (FORMAT csv) and the server parses them, as psql's \copy does; no worker parses a row.
// A scanner cuts the bytes into sub-batches of --batch-size whole records (counted as the reader
// counts them), each one COPY committed with the manifest, so a stopped load resumes as the usual
// path does. Whatever the server refuses (a bad value, a short row, a unique key, a trigger), or the
// scanner does not trust, rolls back that sub-batch only, and the file goes on the usual way from
// there: a validated sub-batch at a time, with bad rows in the rejects file.
import { createReadStream } from 'node:fs';
import { Readable, Transform, pipeline as pipe } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { Encoding } from '../../../../shared/vocabulary.ts';
import { recordConverter } from '../../input/csv-values.ts';
import { qualifiedName, quoteIdent, quoteLiteral } from '../../sql/identifiers.ts';
import { checkCancelled, stagedColumns, type FileContext } from '../file-context.ts';
import { recordFile } from '../manifest/file-status.ts';
import { openOptions } from '../open-options.ts';
import { acquireClient } from '../runtime/pool-client.ts';
import { ASYNC_COMMIT } from '../runtime/sql.ts';
import { isDataError } from '../stage/copy.ts';
import { CsvRecordScanner, type ScannerDialect } from './csv-record-scanner.ts';
import { recordAppendedSql } from '../../undo/sql.ts';

/** The server's names for the encodings it can read itself; UTF-16 it cannot. */
const serverEncodings: Partial<Record<Encoding, string>> = { 'utf-8': 'UTF8', 'windows-1252': 'WIN1252' };

export interface PassThrough {
  dialect: ScannerDialect & { hasHeader: boolean };
  /** COPY for the first sub-batch (which holds the header, when there is one) and for the others. */
  firstSql: string;
  restSql: string;
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
  const sql = (header: boolean) => {
    const format = ['FORMAT csv', `HEADER ${header}`, `DELIMITER ${quoteLiteral(dialect.delimiter)}`, `QUOTE ${quoteLiteral(dialect.quote)}`, `ESCAPE ${quoteLiteral(dialect.escape)}`, `ENCODING ${quoteLiteral(encoding)}`];
    return `COPY ${qualifiedName(ctx.run.plan.table)} (${columns}) FROM STDIN (${format.join(', ')})`;
  };
  return { dialect, firstSql: sql(dialect.hasHeader), restSql: sql(false) };
}

/** The scanner found bytes the pass-through must not send. */
class Untrusted extends Error {}

/** The file's bytes (gunzipped), a UTF-8 byte order mark dropped, counting the bytes read from disk. */
function fileBytes(ctx: FileContext): AsyncIterator<Buffer> {
  let read = 0;
  const counted = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      read += chunk.length;
      ctx.tracker.update(read);
      done(null, chunk);
    },
  });
  const raw = createReadStream(ctx.file.path, { highWaterMark: 1 << 20 });
  // Errors of any step end the iteration with that error.
  const source = ctx.file.info.description.gzip ? pipe(raw, counted, createGunzip(), () => {}) : pipe(raw, counted, () => {});
  const chunks = (source as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  let first = true;
  return {
    async next() {
      const step = await chunks.next();
      if (step.done || !first) return step;
      first = false;
      const bom = step.value[0] === 0xef && step.value[1] === 0xbb && step.value[2] === 0xbf;
      return bom ? { done: false, value: step.value.subarray(3) } : step;
    },
    return: async () => chunks.return?.() ?? { done: true, value: undefined },
  };
}

/** Cuts the bytes into sub-batches of whole records. */
class RecordBatches {
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

/** Where the pass-through stopped: the file is loaded, or the usual path goes on after `batchesDone`. */
export type PassThroughEnd = { loaded: true } | { loaded: false; batchesDone: number; batchRows: number; inserted: number; reason: string };

/** Loads the file by sending its own bytes, sub-batch by sub-batch, until done or refused. */
export async function appendPassThrough(ctx: FileContext, how: PassThrough): Promise<PassThroughEnd> {
  checkCancelled(ctx.run.signal);
  const batchRows = ctx.run.plan.options.batchSize;
  const input = fileBytes(ctx);
  const batches = new RecordBatches(input, new CsvRecordScanner(how.dialect, how.dialect.hasHeader), batchRows);
  const counts = ctx.tracker.counts;
  const shape = (batchesDone: number) => ({ batchRows, batchesDone, parts: 1 });
  const { client, release } = await acquireClient(ctx.run.pool);
  let healthy = false;
  let batch = 0;
  ctx.tracker.stage('staging');
  try {
    while (await batches.hasMore()) {
      checkCancelled(ctx.run.signal);
      const before = batches.scanner.records;
      await client.query(`BEGIN; ${ASYNC_COMMIT}`);
      const refused = await copyBatch(client, batch === 0 ? how.firstSql : how.restSql, batches.bytes(batch), () => batches.scanner.records - Math.max(0, before));
      if (refused !== null) {
        // A COPY cut short by the scanner may leave the session mid-COPY: close it instead.
        healthy = refused.sessionUsable;
        if (healthy) await client.query('ROLLBACK');
        return { loaded: false, batchesDone: batch, batchRows, inserted: counts.inserted, reason: refused.reason };
      }
      const rows = batches.scanner.records - Math.max(0, before);
      batch++;
      counts.read += rows;
      counts.inserted += rows;
      if (ctx.run.undo) await client.query(recordAppendedSql(ctx.run.undo), [rows]);
      await recordFile(ctx, client, 'loading', shape(batch));
      await client.query('COMMIT');
      ctx.tracker.committedRows = counts.inserted;
      ctx.tracker.update();
    }
    await recordFile(ctx, client, 'loaded', shape(batch));
    healthy = true;
    return { loaded: true };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    await input.return?.();
    release(!healthy);
  }
}

/** One sub-batch's COPY; null when the server took it whole, else why it did not. */
async function copyBatch(client: PoolClient, sql: string, bytes: AsyncIterable<Buffer>, expected: () => number): Promise<{ reason: string; sessionUsable: boolean } | null> {
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
