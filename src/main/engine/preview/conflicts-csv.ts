// The preview's conflicts export, for reading in a spreadsheet: one line per version of every
// conflicting key, plus the stored row for keys already in the table, then every value column.
import type { ConflictEntry } from '../../../shared/preview-types.ts';
import { CsvFileWriter, type CsvCell, type CsvRow } from '../output/csv-writer.ts';

/** What the export reads from a preview session. */
export interface ConflictSource {
  /** Key columns, then the other columns, in the order they are exported. */
  readonly valueColumns: string[];
  allConflicts(): AsyncIterable<ConflictEntry>;
}

const HEADER = ['kind', 'key', 'source', 'file', 'line', 'wins'];

/** Strings as they are, NULL as NULL, anything else (numbers, booleans, JSON) as JSON text. */
function cell(value: unknown): CsvCell {
  if (value === null || value === undefined) return null;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function entryRows(entry: ConflictEntry, columns: string[]): CsvRow[] {
  const key = Object.values(entry.key).map(String).join(', ');
  const rows: CsvRow[] = entry.versions.map((v) => [entry.kind, key, 'file', v.file, String(v.line), v.winner ? 'yes' : null, ...columns.map((c) => cell(v.values[c]))]);
  const stored = entry.stored;
  if (stored) {
    // The stored row wins when no file's version does (the policy keeps it).
    const storedWins = entry.versions.some((v) => v.winner) ? null : 'yes';
    rows.unshift([entry.kind, key, 'table', null, null, storedWins, ...columns.map((c) => cell(stored[c] ?? entry.key[c]))]);
  }
  return rows;
}

/** Writes every conflicting key with all its versions to `path`; returns the number of keys. */
export async function writeConflictsCsv(preview: ConflictSource, path: string): Promise<number> {
  const columns = preview.valueColumns;
  const writer = await CsvFileWriter.create(path, { escapeFormulas: true });
  let keys = 0;
  try {
    await writer.write([[...HEADER, ...columns]]);
    for await (const entry of preview.allConflicts()) {
      keys++;
      await writer.write(entryRows(entry, columns));
    }
  } finally {
    await writer.close();
  }
  return keys;
}
