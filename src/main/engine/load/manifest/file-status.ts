// Writes a file's manifest row from its current progress: "loading" before its data starts to
// land (so a killed run knows to resume it), "loaded" in the transaction that finishes it.
import type { PoolClient } from 'pg';
import { qualifiedName } from '../../sql/identifiers.ts';
import { fileKey, type FileContext } from '../file-context.ts';
import type { KeyBounds } from '../stage/unit-layout.ts';
import { clearProgress, writeManifest } from './manifest.ts';

export interface FileShape {
  batchRows: number;
  batchesDone: number;
  parts: number;
  bounds: KeyBounds | null;
}

export async function recordFile(ctx: FileContext, client: PoolClient, status: 'loading' | 'loaded', shape: FileShape): Promise<void> {
  const { plan } = ctx.run;
  const key = fileKey(ctx);
  await writeManifest(client, plan.options.manifestSchema, {
    ...key,
    ...shape,
    targetRelation: qualifiedName(plan.table),
    path: ctx.file.path,
    sizeBytes: ctx.file.info.totalBytes,
    mtime: new Date(ctx.file.info.mtimeMs),
    status,
    mode: plan.options.mode,
    counts: ctx.tracker.counts,
    runId: plan.runId,
    seconds: ctx.tracker.seconds,
  });
  if (status === 'loaded') await clearProgress(client, plan.options.manifestSchema, key);
}
