// Replace: every file stages in parallel; then one transaction empties the table and merges all
// files in order, so readers see the old content until the new one is complete. All or nothing:
// if any file fails, the table is left as it was. A run that keeps undo state copies the previous
// rows in that transaction.
import { ErrorCodes, KeyloadError, type ErrorInfo } from '../../../../shared/errors.ts';
import { toErrorInfo } from '../../error-info.ts';
import { displayName, qualifiedName } from '../../sql/identifiers.ts';
import { emptyTargetSql, insertStagedSql } from './sql.ts';
import { checkCancelled, mergeSpec, stagedColumns, type FileContext, type RunContext } from '../file-context.ts';
import { recordFile } from '../manifest/file-status.ts';
import { forgetTableSql } from '../manifest/sql.ts';
import { ContestedPartitions } from './contested-keys.ts';
import { keyedOutcome, prepareMerge, stageAll, stagedFiles } from './keyed-load.ts';
import { freshProgress, mergeUnit } from './merge-unit.ts';
import { fileOutcome, type FileOutcome } from '../outcome.ts';
import { withClient } from '../runtime/pool-client.ts';
import { retrying } from '../runtime/retry.ts';
import { dropStageTables } from '../stage/stage.ts';
import { inTransaction } from '../runtime/transaction.ts';
import { UniqueChecks } from '../stage/unique-checks.ts';
import { keepLeftSql, keepReplacedSql } from '../../undo/sql.ts';

/** Every file's outcome, in the order of `contexts`: one failure fails them all (`blockedBy`: a file planning failed). */
export async function loadReplace(run: RunContext, contexts: FileContext[], blockedBy: string | null): Promise<FileOutcome[]> {
  const outcome = (ctx: FileContext, error: ErrorInfo | null) => fileOutcome(error, ctx.tracker, run.signal);
  const blocked = (path: string) => new KeyloadError(ErrorCodes.dependencyFailed, `Not loaded: replace is all-or-nothing and ${path} failed`, { file: path }).toInfo();
  if (blockedBy) return contexts.map((ctx) => outcome(ctx, blocked(blockedBy)));
  const checks = new UniqueChecks(run, false);
  const files = stageAll(run, contexts, prepareMerge(run, checks));
  const staged = await Promise.all(files.map((f) => f.staged));
  const contested = new ContestedPartitions(run, (await stagedFiles(files)).map((s) => ({ ctx: s.file.ctx, staged: s.staged })), 'upsert');
  try {
    const failed = files.find((f) => f.error);
    if (failed) return files.map((f) => (f.error ? keyedOutcome(run, f) : outcome(f.ctx, blocked(failed.ctx.file.path))));
    const target = qualifiedName(run.plan.table);
    // Built before the transaction, so a retried transaction finds them in place.
    if (run.plan.key) {
      await retrying(run, 'Finding the keys several files hold', () =>
        withClient(run.pool, async (client) => {
          for (let part = 0; part < run.partitions; part++) await contested.of(part, client);
        }),
      );
    }
    // All or nothing, so a transient failure retries the whole transaction.
    await retrying(run, 'Replacing the table', () => withClient(run.pool, (client) => inTransaction(client, async () => {
      // The previous table is the undo state; whatever a retried attempt kept rolled back with it.
      if (run.undo) await client.query(keepReplacedSql(run.undo, target));
      await client.query(emptyTargetSql(target, run.plan.target.referenced));
      // The rows of files loaded before are gone with the table's content: so are their manifest rows.
      for (const statement of forgetTableSql(run.plan.options.manifestSchema)) await client.query(statement, [displayName(run.plan.table)]);
      for (const file of files) Object.assign(file.ctx.tracker.counts, { inserted: 0, updated: 0, unchanged: 0 });
      for (const [i, file] of files.entries()) {
        checkCancelled(run.signal);
        const stage = staged[i];
        if (!stage) throw new KeyloadError(ErrorCodes.internal, 'A file of the replace was not staged', { file: file.ctx.file.path });
        file.ctx.tracker.stage('merging');
        if (run.plan.key) {
          const spec = mergeSpec(file.ctx, 'upsert');
          for (const [part, source] of stage.table.partitions.entries()) {
            const owners = await contested.of(part, client);
            await mergeUnit(file.ctx, spec, source, freshProgress(part, run.partitions, run.plan.options.batchSize), { client, contested: owners, inCallerTransaction: true });
          }
          const merged = file.ctx.tracker.counts;
          merged.collapsed = Math.max(0, stage.rows - merged.inserted - merged.updated - merged.unchanged - merged.superseded);
        } else {
          const inserted = await client.query(insertStagedSql(target, stagedColumns(file.ctx).map((c) => c.name), stage.table.parent));
          file.ctx.tracker.counts.inserted = inserted.rowCount ?? 0;
        }
        await recordFile(file.ctx, client, 'loaded', { batchRows: run.plan.options.batchSize, batchesDone: 1, parts: run.partitions, bounds: run.bounds });
      }
      // What the replace left, so an undo can tell whether the table changed since.
      if (run.undo) await client.query(keepLeftSql(run.plan.options.manifestSchema, target), [run.plan.runId]);
    })));
    return files.map((f) => outcome(f.ctx, null));
  } catch (error) {
    return files.map((f) => outcome(f.ctx, toErrorInfo(error, f.ctx.file.path)));
  } finally {
    await retrying(run, 'Dropping the staging tables', () =>
      withClient(run.pool, async (client) => {
        await dropStageTables(client, staged.flatMap((stage) => (stage ? [stage.table] : [])));
        await checks.drop(client);
        await contested.drop(client);
      }),
    ).catch(() => {});
  }
}
