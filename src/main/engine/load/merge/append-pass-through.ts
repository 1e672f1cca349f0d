// Append's fast path: when a CSV file needs no reshaping on the way, its bytes go straight into one
// COPY ... (FORMAT csv) and the server parses them, as psql's \copy does; no worker parses a row.
// The file loads in one transaction with its manifest row, so a crash leaves nothing of it to
// resume. Anything the server refuses (a bad value, a short row, a unique key, a trigger) rolls it
// all back and the caller loads the file the usual way, a validated sub-batch at a time, which puts
// bad rows in the rejects file and commits what it can.
import { createReadStream } from 'node:fs';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
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

/** The server's names for the encodings it can read itself; UTF-16 it cannot. */
const serverEncodings: Partial<Record<Encoding, string>> = { 'utf-8': 'UTF8', 'windows-1252': 'WIN1252' };

/** The COPY statement that loads the file as it is, or null when the file needs the reader. */
export function passThroughSql(ctx: FileContext): string | null {
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
  const oneByte = (c: string) => c.length === 1 && c.charCodeAt(0) < 0x80;
  if (![dialect.delimiter, dialect.quote, dialect.escape].every(oneByte)) return null;
  const columns = stagedColumns(ctx).map((c) => quoteIdent(c.name)).join(', ');
  const format = [
    'FORMAT csv',
    `HEADER ${dialect.hasHeader ? 'true' : 'false'}`,
    `DELIMITER ${quoteLiteral(dialect.delimiter)}`,
    `QUOTE ${quoteLiteral(dialect.quote)}`,
    `ESCAPE ${quoteLiteral(dialect.escape)}`,
    `ENCODING ${quoteLiteral(encoding)}`,
  ];
  return `COPY ${qualifiedName(ctx.run.plan.table)} (${columns}) FROM STDIN (${format.join(', ')})`;
}

const BOM = [0xef, 0xbb, 0xbf];
const BACKSLASH_DOT = Buffer.from('\\.');
const isLineBreak = (byte: number | undefined) => byte === 0x0a || byte === 0x0d;

/**
 * Passes the bytes on, dropping a UTF-8 byte order mark at the start, and fails at a line holding
 * only `\.`, which COPY FROM STDIN would take for the end of the data (silently dropping the rest).
 */
class CopyGuard extends Transform {
  /** A line that is just `\.` was seen: the file must go through the reader. */
  endMarker = false;
  private first = true;
  /** The last bytes of the previous chunk (a line break before the file's first byte). */
  private tail = Buffer.from('\n');

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    let data = chunk;
    if (this.first) {
      this.first = false;
      if (BOM.every((b, i) => data[i] === b)) data = data.subarray(BOM.length);
    }
    const window = Buffer.concat([this.tail, data]);
    if (this.holdsEndMarker(window, false)) return done(this.stop());
    // Three bytes carry a marker split across chunks: its line break, backslash and dot.
    this.tail = window.subarray(Math.max(0, window.length - 3));
    done(null, data);
  }

  override _flush(done: TransformCallback): void {
    done(this.holdsEndMarker(this.tail, true) ? this.stop() : null);
  }

  /** A `\.` between line breaks; at the window's end it counts only when the file ends there. */
  private holdsEndMarker(window: Buffer, atEnd: boolean): boolean {
    for (let at = window.indexOf(BACKSLASH_DOT); at !== -1; at = window.indexOf(BACKSLASH_DOT, at + 1)) {
      const after = at + BACKSLASH_DOT.length;
      if (isLineBreak(window[at - 1]) && (isLineBreak(window[after]) || (atEnd && after === window.length))) return true;
    }
    return false;
  }

  private stop(): Error {
    this.endMarker = true;
    return new Error('a line holding only \\. (COPY would end the data there)');
  }
}

/**
 * Loads the file with one COPY of its own bytes. True when it is loaded; false when the server
 * refused it (nothing of it is written), and the caller must load it the usual way.
 */
export async function appendPassThrough(ctx: FileContext, sql: string): Promise<boolean> {
  checkCancelled(ctx.run.signal);
  const { client, release } = await acquireClient(ctx.run.pool);
  let healthy = false;
  const guard = new CopyGuard();
  let bytesRead = 0;
  const counted = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytesRead += chunk.length;
      ctx.tracker.update(bytesRead);
      done(null, chunk);
    },
  });
  try {
    ctx.tracker.stage('staging');
    await client.query(`BEGIN; ${ASYNC_COMMIT}`);
    const copy = client.query(copyFrom(sql));
    const file = createReadStream(ctx.file.path, { highWaterMark: 1 << 20 });
    try {
      if (ctx.file.info.description.gzip) await pipeline(file, counted, createGunzip(), guard, copy);
      else await pipeline(file, counted, guard, copy);
    } catch (error) {
      // A COPY the guard cut short may leave the session mid-COPY: the connection is closed instead.
      if (guard.endMarker) return false;
      if (!isDataError(error) && !isServerRefusal(error)) throw error;
      await client.query('ROLLBACK');
      healthy = true;
      return false;
    }
    const rows = copy.rowCount;
    ctx.tracker.counts.read = rows;
    ctx.tracker.counts.inserted = rows;
    await recordFile(ctx, client, 'loaded', { batchRows: Math.max(1, rows), batchesDone: 1, parts: 1 });
    await client.query('COMMIT');
    ctx.tracker.committedRows = rows;
    healthy = true;
    return true;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    release(!healthy);
  }
}

/** An error the server raised for this data (a trigger, a check, a constraint), not a lost connection. */
function isServerRefusal(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^(2|42|P0|44)/.test(code);
}
