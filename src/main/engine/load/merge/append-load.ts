// Append: no key, no staging. Each sub-batch of --batch-size rows is one COPY straight into the
// table (as fast as psql's \copy), fed chunk by chunk as the reader produces them, inside a
// transaction that also advances the manifest (and records the sub-batch for undo). A sub-batch the
// server refuses is rolled back (its transaction, or with --atomic-file its savepoint) and sent
// again through validation, minus its bad rows. Without savepoints a sub-batch's rows carry its
// transaction's id, which is how undo finds them. Files append in parallel: without a key, order
// cannot change the result.
import { qualifiedName } from '../../sql/identifiers.ts';
import type { CopyBatch } from '../../reader/protocol.ts';
import { copyIn, isDataError } from '../stage/copy.ts';
import { acceptRejects, readBatches, stagedColumns, type FileContext } from '../file-context.ts';
import { recordFile } from '../manifest/file-status.ts';
import type { ManifestState } from '../manifest/manifest.ts';
import { acquireClient } from '../runtime/pool-client.ts';
import { STAGE_ROWS } from '../stage/stage.ts';
import { copyInSql, insertSelectSql } from '../stage/sql.ts';
import { ASYNC_COMMIT } from '../runtime/sql.ts';
import { BatchValidator } from '../stage/validation.ts';
import { BATCH_SAVEPOINT, RELEASE_BATCH_SAVEPOINT, ROLLBACK_TO_BATCH_SAVEPOINT } from './sql.ts';
import { recordAppendedSql } from '../../undo/sql.ts';

export async function appendFile(ctx: FileContext, resumeFrom: ManifestState | null): Promise<void> {
  const { plan } = ctx.run;
  const options = plan.options;
  const columns = stagedColumns(ctx);
  const target = qualifiedName(plan.table);
  const names = columns.map((c) => c.name);
  const copySql = copyInSql(target, names);
  const batchRows = resumeFrom?.batchRows ?? options.batchSize;
  const skip = resumeFrom?.batchesDone ?? 0;
  const counts = ctx.tracker.counts;
  if (resumeFrom) counts.inserted = resumeFrom.counts.inserted;
  ctx.tracker.committedRows = counts.inserted;
  const { client, release } = await acquireClient(ctx.run.pool);
  // Without a key every unique key is checked when the server refuses a sub-batch.
  const provided = new Set(names);
  const uniqueKeys = plan.target.uniqueKeys.filter((k) => k.columns.every((c) => provided.has(c)));
  const validator = new BatchValidator(client, `append_${ctx.file.rank}`, columns, ctx.run.support, false, { target, keys: uniqueKeys });
  const shape = (batchesDone: number) => ({ batchRows, batchesDone, parts: 1, bounds: null });
  // Small chunks for the reader; a chunk never crosses a sub-batch boundary.
  const chunks = readBatches(ctx, STAGE_ROWS, false, batchRows)[Symbol.asyncIterator]();
  let finished = false;
  /** Whether the sub-batch being read has reached its end (a boundary, or the file's end). */
  let complete = false;
  /** The chunks of the next sub-batch, as they arrive; `kept` collects them for a retry. */
  async function* subBatch(kept: CopyBatch[]): AsyncGenerator<Uint8Array> {
    complete = false;
    for (;;) {
      const { value: next } = await chunks.next();
      if (!next) {
        finished = complete = true;
        return;
      }
      kept.push(next);
      yield next.copy;
      if (next.rowsRead % batchRows === 0) {
        complete = true;
        return;
      }
    }
  }
  /** Reads what a refused COPY left of its sub-batch; never into the next one. */
  async function rest(kept: CopyBatch[]): Promise<void> {
    if (complete) return;
    for await (const _ of subBatch(kept));
  }
  let healthy = false;
  let batchNumber = 0;
  ctx.tracker.stage('staging');
  try {
    if (options.atomicFile) await client.query('BEGIN');
    while (!finished) {
      const kept: CopyBatch[] = [];
      const number = batchNumber + 1;
      if (number <= skip) {
        for await (const _ of subBatch(kept));
        if (kept.length > 0) batchNumber = number;
        continue;
      }
      const begin = `BEGIN; ${ASYNC_COMMIT}`;
      await client.query(options.atomicFile ? BATCH_SAVEPOINT : begin);
      const rowsIn = () => kept.reduce((n, c) => n + c.rows, 0);
      const insertedBefore = counts.inserted;
      try {
        await copyIn(client, copySql, subBatch(kept));
        counts.inserted += rowsIn();
      } catch (error) {
        if (!isDataError(error)) throw error;
        await client.query(options.atomicFile ? ROLLBACK_TO_BATCH_SAVEPOINT : `ROLLBACK; ${begin}`);
        await rest(kept);
        const data = Buffer.concat(kept.map((c) => c.copy));
        const lines = kept.flatMap((c) => Array.from(c.lines));
        const validated = await validator.validate(data, lines);
        await acceptRejects(ctx, validated.rejects);
        const inserted = await client.query(insertSelectSql(target, validated.goodRows, names));
        counts.inserted += inserted.rowCount ?? 0;
      }
      if (kept.length === 0) {
        await client.query(options.atomicFile ? RELEASE_BATCH_SAVEPOINT : 'ROLLBACK');
        break;
      }
      batchNumber = number;
      if (!options.atomicFile) {
        if (ctx.run.undo) await client.query(recordAppendedSql(ctx.run.undo), [counts.inserted - insertedBefore]);
        await recordFile(ctx, client, 'loading', shape(batchNumber));
        await client.query('COMMIT');
        ctx.tracker.committedRows = counts.inserted;
      }
    }
    await recordFile(ctx, client, 'loaded', shape(batchNumber));
    if (options.atomicFile) await client.query('COMMIT');
    await validator.drop();
    healthy = true;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    await chunks.return?.(undefined);
    release(!healthy);
  }
}
