// Staging's fast path: a CSV file that needs no reshaping goes into its staging table as its own
// bytes, one COPY ... (FORMAT csv) that the server parses and routes to the hash partitions, as
// psql's \copy would; no worker parses a row. The table's sequences number the rows ("#ord",
// "#line": rowNumberingSql), which is exact because the scanner takes only one line per record.
// Whatever the server refuses (a bad value, a short row) or the scanner does not trust leaves the
// table empty again, and the file is staged the usual way, row by row, with a notice.
import { checkCancelled, type FileContext } from '../file-context.ts';
import { acquireClient, withClient } from '../runtime/pool-client.ts';
import type { StageTable } from '../stage/stage.ts';
import { copyBatch, fileBytes, type PassThrough } from './csv-copy.ts';
import { RecordBatches } from './sub-batches.ts';
import { CsvRecordScanner } from './csv-record-scanner.ts';

/** Stages the whole file in one COPY; the rows staged, or null when it must go the usual way. */
export async function stagePassThrough(ctx: FileContext, table: StageTable, how: PassThrough): Promise<number | null> {
  checkCancelled(ctx.run.signal);
  const input = fileBytes(ctx);
  const scanner = new CsvRecordScanner(how.dialect, how.dialect.hasHeader, { singleLine: true });
  const batches = new RecordBatches(input, scanner, Number.POSITIVE_INFINITY);
  const records = () => Math.max(0, scanner.records);
  async function* counted(): AsyncGenerator<Buffer> {
    for await (const chunk of batches.bytes(0)) {
      checkCancelled(ctx.run.signal);
      ctx.tracker.counts.read = records();
      yield chunk;
    }
  }
  const { client, release } = await acquireClient(ctx.run.pool);
  let refused: Awaited<ReturnType<typeof copyBatch>>;
  let healthy = false;
  try {
    refused = await copyBatch(client, how.copySql(table.parent, how.dialect.hasHeader), counted(), records);
    // A COPY cut short by the scanner may leave the session mid-COPY: close it instead.
    healthy = refused?.sessionUsable ?? true;
  } finally {
    await input.return?.();
    release(!healthy);
  }
  if (refused === null) {
    ctx.tracker.counts.read = records();
    return records();
  }
  // A count mismatch means the COPY did commit: the table starts empty for the reader either way.
  await withClient(ctx.run.pool, (c) => c.query(`TRUNCATE ${table.parent}`));
  ctx.run.emit({ type: 'notice', message: `${ctx.file.path}: staging it row by row (${refused.reason})` });
  ctx.tracker.counts.read = 0;
  ctx.tracker.update(0);
  return null;
}
