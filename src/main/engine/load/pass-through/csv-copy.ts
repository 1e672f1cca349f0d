// A CSV file's own bytes sent to COPY ... (FORMAT csv) for the server to parse, as psql's \copy
// does: whether a file can go this way, its bytes, and one COPY of some of them (sub-batches.ts cuts
// them) that reports whatever the server or the scanner refused instead of throwing.
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
import type { ScannerDialect } from './csv-record-scanner.ts';

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

/** The file's bytes in chunks; `dropped`: the bytes left out at its start (a UTF-8 byte order mark). */
export type FileChunks = AsyncIterator<Buffer> & { readonly dropped: number };

/**
 * The file's bytes (gunzipped, within the reader's decompression limits), a UTF-8 byte order mark
 * dropped, counting the bytes read from disk.
 */
export function fileBytes(ctx: FileContext): FileChunks {
  const { path, info } = ctx.file;
  const bytes = openFileBytes(path, info.description.gzip, readerLimits(openOptions(ctx.run.plan.options, path)));
  const chunks = bytes.chunks[Symbol.asyncIterator]();
  let first = true;
  let dropped = 0;
  return {
    get dropped() {
      return dropped;
    },
    async next() {
      const step = await chunks.next();
      if (step.done) return step;
      ctx.tracker.update(bytes.bytesRead());
      let chunk = Buffer.from(step.value.buffer, step.value.byteOffset, step.value.byteLength);
      if (first && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) {
        chunk = chunk.subarray(3);
        dropped = 3;
      }
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

/**
 * An error the server raised for this data (a value, a constraint, a trigger, a check option), or
 * a deadlock with a parallel sub-batch over the same keys; not a lost connection.
 */
function isServerRefusal(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return isDataError(error) || (typeof code === 'string' && /^(42|P0|44|40)/.test(code));
}
