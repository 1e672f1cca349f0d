// The keyed path (upsert, insert, ignore, and replace with a key): stage the whole file in a
// session temp table, keep each key's last occurrence, then merge the winners in sub-batches,
// each committed together with the file's manifest row so a killed run resumes exactly.
import { ErrorCodes, KeyloadError } from '../../../shared/errors.ts';
import { displayName, quoteIdent } from '../sql/identifiers.ts';
import { copyIn, isDataError } from './copy.ts';
import { acceptRejects, readBatches, stagedColumns, checkCancelled, type FileContext } from './file-context.ts';
import { writeManifest, type ManifestState } from './manifest.ts';
import { BATCH, existingKeysSql, mergeSql, winnersSql, type KeyedMode, type MergeSpec } from './merge-sql.ts';
import { inTransaction } from './transaction.ts';
import { BatchValidator, NULL_REASON, ORD } from './validation.ts';

/** Rows per COPY while staging: big enough for fast COPY, small enough to re-validate cheaply. */
const STAGE_ROWS = 25_000;

export interface StagedFile {
  /** Deduplicated rows numbered into sub-batches, or the staging table itself when there is no key. */
  source: string;
  rows: number;
  batches: number;
}

export function mergeSpec(ctx: FileContext, mode: KeyedMode): MergeSpec {
  const columns = stagedColumns(ctx).map((c) => c.name);
  const byName = new Map(ctx.plan.target.columns.map((c) => [c.name, c]));
  const options = ctx.plan.options;
  return {
    target: `${quoteIdent(ctx.plan.table.schema)}.${quoteIdent(ctx.plan.table.name)}`,
    columns,
    key: ctx.plan.key ?? [],
    mode,
    ...(options.touchColumn ? { touchColumn: options.touchColumn } : {}),
    ...(options.versionColumn ? { versionColumn: options.versionColumn } : {}),
    incomparable: new Set(columns.filter((c) => byName.get(c)?.comparable === false)),
    identityAlways: columns.some((c) => byName.get(c)?.identityAlways),
  };
}

export async function stageFile(ctx: FileContext, batchRows: number): Promise<StagedFile> {
  const { client, file } = ctx;
  const columns = stagedColumns(ctx);
  const stage = `pg_temp.${quoteIdent(`keyload_stage_${file.rank}`)}`;
  await client.query(`DROP TABLE IF EXISTS ${stage}`);
  await client.query(`CREATE TEMP TABLE ${stage} (${quoteIdent(ORD)} bigint NOT NULL, "#line" bigint NOT NULL${columns.map((c) => `, ${quoteIdent(c.name)} ${c.type}`).join('')})`);
  const validator = new BatchValidator(client, String(file.rank), columns, ctx.support, true);
  ctx.tracker.stage('staging');
  try {
    for await (const batch of readBatches(ctx, STAGE_ROWS, true)) {
      try {
        await copyIn(client, `COPY ${stage} FROM STDIN`, batch.copy);
      } catch (error) {
        if (!isDataError(error)) throw error;
        const validated = await validator.validate(batch.copy, batch.lines);
        await acceptRejects(ctx, validated.rejects);
        await client.query(`INSERT INTO ${stage} ${validated.goodRows}`);
      }
    }
  } finally {
    await validator.drop();
  }
  await rejectNulls(ctx, stage);
  await client.query(`ANALYZE ${stage}`);
  const staged = await count(ctx, stage);
  const key = ctx.plan.key;
  if (!key) return { source: stage, rows: staged, batches: staged > 0 ? 1 : 0 };

  const winners = `pg_temp.${quoteIdent(`keyload_winners_${file.rank}`)}`;
  await client.query(`DROP TABLE IF EXISTS ${winners}`);
  await client.query(winnersSql(stage, winners, key, ctx.plan.options.versionColumn, batchRows));
  await client.query(`CREATE INDEX ON ${winners} (${quoteIdent(BATCH)})`);
  await client.query(`ANALYZE ${winners}`);
  await client.query(`DROP TABLE ${stage}`);
  const rows = await count(ctx, winners);
  ctx.tracker.counts.collapsed = staged - rows;
  return { source: winners, rows, batches: Math.ceil(rows / batchRows) };
}

async function count(ctx: FileContext, table: string): Promise<number> {
  return Number((await ctx.client.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`)).rows[0]?.n ?? 0);
}

/** NULL keys and NULLs in NOT NULL columns would fail the merge: reject those rows up front. */
async function rejectNulls(ctx: FileContext, stage: string): Promise<void> {
  const columns = stagedColumns(ctx);
  const key = new Set(ctx.plan.key ?? []);
  const required = columns
    .filter((c) => c.required)
    .map((c) => ({ column: c.name, reason: key.has(c.name) ? 'key column is empty' : NULL_REASON }));
  if (required.length === 0) return;
  const isNull = (c: string) => `s.${quoteIdent(c)} IS NULL`;
  const caseOf = (pick: (r: (typeof required)[number]) => string) =>
    `CASE ${required.map((r) => `WHEN ${isNull(r.column)} THEN '${pick(r).replaceAll("'", "''")}'`).join(' ')} END`;
  const result = await ctx.client.query<{ line: string; column: string; reason: string; values: (string | null)[] }>(`
    DELETE FROM ${stage} s WHERE ${required.map((r) => isNull(r.column)).join(' OR ')}
    RETURNING s."#line" AS line, ${caseOf((r) => r.column)} AS column, ${caseOf((r) => r.reason)} AS reason,
              to_json(ARRAY[${columns.map((c) => `s.${quoteIdent(c.name)}::text`).join(', ')}]) AS values`);
  const rows = result.rows.map((r) => ({ line: Number(r.line), column: r.column, reason: r.reason, values: r.values }));
  await acceptRejects(ctx, rows.sort((a, b) => a.line - b.line));
}

export interface MergeProgress {
  batchRows: number;
  /** Sub-batches committed by an earlier, interrupted attempt. */
  resumeFrom: ManifestState | null;
  /** All sub-batches in the caller's transaction (--atomic-file, replace). */
  inOneTransaction: boolean;
}

/** Merges sub-batches [resume..end); each commits with the manifest unless already in a transaction. */
export async function mergeStaged(ctx: FileContext, staged: StagedFile, mode: KeyedMode, progress: MergeProgress): Promise<void> {
  const spec = mergeSpec(ctx, mode);
  const counts = ctx.tracker.counts;
  if (progress.resumeFrom) {
    counts.inserted = progress.resumeFrom.counts.inserted;
    counts.updated = progress.resumeFrom.counts.updated;
    counts.unchanged = progress.resumeFrom.counts.unchanged;
  }
  if (mode === 'insert') await refuseExistingKeys(ctx, spec, staged.source);
  ctx.tracker.stage('merging');
  const sql = mergeSql(spec, staged.source);
  for (let batch = progress.resumeFrom?.batchesDone ?? 0; batch < staged.batches; batch++) {
    checkCancelled(ctx.signal);
    const apply = async () => {
      const row = (await ctx.client.query<{ inserted: string; updated: string; total: string }>(sql, [batch])).rows[0];
      const inserted = Number(row?.inserted ?? 0);
      const updated = Number(row?.updated ?? 0);
      counts.inserted += inserted;
      counts.updated += updated;
      counts.unchanged += Number(row?.total ?? 0) - inserted - updated;
      if (!progress.inOneTransaction) await recordProgress(ctx, 'loading', progress.batchRows, batch + 1);
    };
    if (progress.inOneTransaction) await apply();
    else await inTransaction(ctx.client, apply);
    ctx.tracker.update();
  }
}

async function refuseExistingKeys(ctx: FileContext, spec: MergeSpec, winners: string): Promise<void> {
  const found = await ctx.client.query<Record<string, unknown>>(existingKeysSql(spec, winners));
  if (found.rows.length === 0) return;
  const first = found.rows[0] as Record<string, unknown>;
  const keys = found.rows.map((r) => `(${spec.key.map((k) => String(r[k])).join(', ')})`).join(', ');
  throw new KeyloadError(ErrorCodes.duplicateKey, `--mode insert: key(s) ${keys} already exist in ${displayName(ctx.plan.table)}`, {
    file: ctx.file.path,
    line: Number(first.line),
    hint: 'Use --mode upsert to update them or --mode ignore to skip them.',
  });
}

export async function recordProgress(ctx: FileContext, status: 'loading' | 'loaded', batchRows: number, batchesDone: number): Promise<void> {
  const { plan, file, tracker } = ctx;
  if (!file.info.sha256) return;
  await writeManifest(ctx.client, plan.options.manifestSchema, {
    sha256: file.info.sha256,
    targetTable: displayName(plan.table),
    path: file.path,
    sizeBytes: file.info.totalBytes,
    mtime: new Date(file.info.mtimeMs),
    status,
    mode: plan.options.mode,
    batchRows,
    batchesDone,
    counts: tracker.counts,
    runId: plan.runId,
    seconds: tracker.seconds,
  });
}
