// `keyload clean`: drops the staging tables of dead runs (what a run's start would drop), reports
// their size, and lists the files dead runs left partly loaded, which a re-run resumes.
import { openPool, type ConnectionConfig } from '../runtime/pool.ts';
import { readLoadingFiles, type LoadingFile } from '../manifest/manifest.ts';
import { acquireClient } from '../runtime/pool-client.ts';
import { whileRunDead } from '../runtime/run-locks.ts';
import { runTag } from '../stage/stage.ts';
import { dropDeadStaging, type StagingGroup } from './leftovers.ts';

export interface CleanReport {
  schema: string;
  dryRun: boolean;
  /** Dead runs' staging tables: dropped, or (dry run) to drop. */
  dead: StagingGroup[];
  /** Live runs' staging tables, left alone. */
  live: StagingGroup[];
  /** Files that dead runs left partly loaded. */
  interrupted: LoadingFile[];
}

export async function cleanLeftovers(connection: ConnectionConfig, options: { schema: string; dryRun: boolean }): Promise<CleanReport> {
  const pool = openPool(connection, 1);
  const held = await acquireClient(pool);
  try {
    const staging = await dropDeadStaging(held.client, options.schema, { dryRun: options.dryRun });
    const interrupted: LoadingFile[] = [];
    for (const file of await readLoadingFiles(held.client, options.schema)) {
      if (await whileRunDead(held.client, runTag(file.runId), () => Promise.resolve())) interrupted.push(file);
    }
    return { schema: options.schema, dryRun: options.dryRun, ...staging, interrupted };
  } finally {
    held.release(true);
    await pool.end();
  }
}
