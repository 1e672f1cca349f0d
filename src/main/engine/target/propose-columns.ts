// The columns of a table to create from files: every file's columns (after the mapping), each with
// the widest type that fits most values sampled across all the files. The app shows this proposal
// before the table is created, and planning creates exactly it.
import { ErrorCodes, KeyloadError } from '../../../shared/errors.ts';
import type { ProposedColumn } from '../../../shared/ipc/contract.ts';
import { toErrorInfo } from '../error-info.ts';
import { proposeType, type TypeTally } from '../input/infer-types.ts';
import { mapLimit } from '../load/runtime/concurrency.ts';
import { openOptions, type FileOpenOptions } from '../load/open-options.ts';
import { ReaderClient } from '../reader/reader-client.ts';

/** Rows sampled per file. */
export const SAMPLE_ROWS = 10_000;

export interface ProposeOptions extends FileOpenOptions {
  /** File column -> table column; null leaves the file column out. */
  map?: Record<string, string | null>;
}

export interface FileSample {
  path: string;
  /** The file's schema declares its types (Parquet): its values are never outliers. */
  exact: boolean;
  columns: { name: string; tally: TypeTally }[];
}

/** Samples one file in a reader worker; an unreadable file is an error naming it and why. */
export async function sampleFile(path: string, options: ProposeOptions): Promise<FileSample> {
  const reader = new ReaderClient(path);
  try {
    const info = await reader.open(openOptions(options, path), false);
    const tallies = await reader.sample(SAMPLE_ROWS);
    return { path, exact: info.description.type === 'parquet', columns: info.columns.map((c, i) => ({ name: c.name, tally: tallies[i] ?? {} })) };
  } catch (error) {
    throw unreadable(path, error);
  } finally {
    await reader.close();
  }
}

export function unreadable(path: string, error: unknown): KeyloadError {
  const info = toErrorInfo(error, path);
  return new KeyloadError(info.code, `Cannot read ${path}: ${info.message}`, { file: path, line: info.line, column: info.column, hint: info.hint, cause: error });
}

/** One column per table column the files feed, in the order they first appear. */
export function proposeFromSamples(samples: FileSample[], map: Record<string, string | null> = {}): ProposedColumn[] {
  const merged = new Map<string, { files: number; guessed: TypeTally; exact: TypeTally }>();
  for (const sample of samples) {
    const seen = new Set<string>();
    for (const column of sample.columns) {
      const name = column.name in map ? map[column.name] : column.name;
      if (name === null || name === undefined || seen.has(name)) continue;
      seen.add(name);
      const entry = merged.get(name) ?? { files: 0, guessed: {}, exact: {} };
      entry.files += 1;
      const into = sample.exact ? entry.exact : entry.guessed;
      for (const [type, count] of Object.entries(column.tally)) into[type] = (into[type] ?? 0) + count;
      merged.set(name, entry);
    }
  }
  return [...merged].map(([name, { files, guessed, exact }]) => ({ name, files, ...proposeType(guessed, exact) }));
}

/** The proposed columns of a new table made from `paths`. */
export async function proposeColumns(paths: string[], options: ProposeOptions = {}): Promise<ProposedColumn[]> {
  if (paths.length === 0) throw new KeyloadError(ErrorCodes.usage, 'No files to propose columns from');
  const samples = await mapLimit(paths, 4, (path) => sampleFile(path, options));
  return proposeFromSamples(samples, options.map);
}
