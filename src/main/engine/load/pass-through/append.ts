// Append's fast path: when a CSV file needs no reshaping on the way, its bytes go straight into
// COPY ... (FORMAT csv) and the server parses them, as psql's \copy does; no worker parses a row.
// A scanner cuts the bytes into sub-batches of --batch-size whole records (counted as the reader
// counts them), each one COPY committed with the manifest, so a stopped load resumes as the usual
// path does. Whatever the server refuses (a bad value, a short row, a unique key, a trigger), or the
// scanner does not trust, rolls back that sub-batch only, and the file goes on the usual way from
// there: a validated sub-batch at a time, with bad rows in the rejects file.
import { qualifiedName } from '../../sql/identifiers.ts';
import { checkCancelled, type FileContext } from '../file-context.ts';
import { recordFile } from '../manifest/file-status.ts';
import { acquireClient } from '../runtime/pool-client.ts';
import { ASYNC_COMMIT } from '../runtime/sql.ts';
import { recordAppendedSql } from '../../undo/sql.ts';
import { copyBatch, fileBytes, RecordBatches, type PassThrough } from './csv-copy.ts';
import { CsvRecordScanner } from './csv-record-scanner.ts';

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
      const refused = await copyBatch(client, how.copySql(qualifiedName(ctx.run.plan.table), batch === 0 && how.dialect.hasHeader), batches.bytes(batch), () => batches.scanner.records - Math.max(0, before));
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
