// A run's rejects files, for the app's rejects viewer and downloads. Only a path that run's result
// names is ever opened: the renderer (or a page on the web host) cannot read any other file.
import { createReadStream } from 'node:fs';
import { ErrorCodes, KeyloadError } from '../../shared/errors.ts';
import type { RejectsPage } from '../../shared/ipc/contract.ts';
import { CsvParser } from '../engine/input/csv-parser.ts';
import type { SourceRow } from '../engine/input/source.ts';
import type { RunHistory } from '../store/run-history.ts';

export const REJECTS_PAGE_ROWS = 1_000;

/** `path` when it is a rejects file of run `runId`, else a usage error naming neither file contents nor other runs. */
export function rejectsFileOf(history: RunHistory, runId: string, path: string): string {
  const run = history.get(runId);
  if (!run) throw new KeyloadError(ErrorCodes.usage, `There is no run ${runId} in the history.`);
  const belongs = run.result?.files.some((file) => file.rejectsFile === path) ?? false;
  if (!belongs) throw new KeyloadError(ErrorCodes.usage, `${path} is not a rejects file of this run.`, { file: path });
  return path;
}

/** The header and first `limit` rows of a rejects file, and how many rows it holds in all (streamed, so any size). */
export async function readRejectsFile(path: string, limit = REJECTS_PAGE_ROWS): Promise<RejectsPage> {
  // The engine writes its rejects with its own CSV writer: comma-separated, double quotes, UTF-8.
  const parser = new CsvParser({ delimiter: ',', quote: '"', file: path });
  let columns: string[] | null = null;
  const rows: (string | null)[][] = [];
  let total = 0;
  const out: SourceRow[] = [];
  const take = () => {
    for (const row of out) {
      if (!columns) columns = row.values.map((value) => value ?? '');
      else {
        total += 1;
        if (rows.length < limit) rows.push(row.values);
      }
    }
    out.length = 0;
  };
  try {
    for await (const chunk of createReadStream(path, { encoding: 'utf8' })) {
      parser.push(String(chunk), out);
      take();
    }
  } catch (error) {
    if (error instanceof KeyloadError) throw error;
    throw new KeyloadError(ErrorCodes.fileNotFound, `Could not read the rejects file ${path}: ${(error as Error).message}`, { file: path, cause: error });
  }
  parser.finish(out);
  take();
  return { path, columns: columns ?? [], rows, total, truncated: total > rows.length };
}
