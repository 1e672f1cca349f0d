// Append: no key, no staging. Each sub-batch is COPY'd straight into the table (as fast as psql's
// \copy) inside a transaction that also advances the manifest; a batch the server refuses is
// rolled back to its savepoint and re-sent through validation, minus its bad rows. Files append in
// parallel: without a key, order cannot change the result.
import { qualifiedName, quoteIdent } from '../sql/identifiers.ts';
import { copyIn, isDataError } from './copy.ts';
import { acceptRejects, readBatches, stagedColumns, type FileContext } from './file-context.ts';
import { recordFile } from './file-status.ts';
import type { ManifestState } from './manifest.ts';
import { acquireClient } from './pool-client.ts';
import { BatchValidator } from './validation.ts';

export async function appendFile(ctx: FileContext, resumeFrom: ManifestState | null): Promise<void> {
  const { plan } = ctx.run;
  const options = plan.options;
  const columns = stagedColumns(ctx);
  const target = qualifiedName(plan.table);
  const columnList = columns.map((c) => quoteIdent(c.name)).join(', ');
  const batchRows = resumeFrom?.batchRows ?? options.batchSize;
  const skip = resumeFrom?.batchesDone ?? 0;
  const counts = ctx.tracker.counts;
  if (resumeFrom) counts.inserted = resumeFrom.counts.inserted;
  const { client, release } = await acquireClient(ctx.run.pool);
  const validator = new BatchValidator(client, `append_${ctx.file.rank}`, columns, ctx.run.support, false);
  const shape = (batchesDone: number) => ({ batchRows, batchesDone, parts: 1 });
  let healthy = false;
  ctx.tracker.stage('staging');
  let batchNumber = 0;
  try {
    if (options.atomicFile) await client.query('BEGIN');
    for await (const batch of readBatches(ctx, batchRows, false)) {
      batchNumber++;
      if (batchNumber <= skip) continue;
      if (!options.atomicFile) await client.query('BEGIN');
      await client.query('SAVEPOINT keyload_batch');
      try {
        await copyIn(client, `COPY ${target} (${columnList}) FROM STDIN`, batch.copy);
        counts.inserted += batch.rows;
      } catch (error) {
        if (!isDataError(error)) throw error;
        await client.query('ROLLBACK TO SAVEPOINT keyload_batch');
        const validated = await validator.validate(batch.copy, batch.lines);
        await acceptRejects(ctx, validated.rejects);
        const inserted = await client.query(`INSERT INTO ${target} (${columnList}) ${validated.goodRows}`);
        counts.inserted += inserted.rowCount ?? 0;
      }
      if (!options.atomicFile) {
        await recordFile(ctx, client, 'loading', shape(batchNumber));
        await client.query('COMMIT');
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
    release(!healthy);
  }
}
