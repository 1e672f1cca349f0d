// Reads a rejects file back (the first rows and how many there are), for the app's rejects viewer.
import { createReadStream } from 'node:fs';
import { ErrorCodes, KeyloadError } from '../../../../shared/errors.ts';
import type { RejectsPage } from '../../../../shared/ipc/contract.ts';
import { CsvParser } from '../../input/csv-parser.ts';
import type { SourceRow } from '../../input/source.ts';

export const REJECTS_PAGE_ROWS = 1_000;

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
