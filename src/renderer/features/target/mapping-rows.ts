// The mapping grid's rows: one per distinct file column across the files, since the run's mapping
// is a single file column -> table column record that applies to every file.
import type { FileColumnInfo, FileInspection, MappingSuggestion } from '../../../shared/ipc/contract.ts';

export type Match = 'explicit' | 'exact' | 'normalized' | 'skipped' | 'unmatched' | 'new';

export interface MappingRow {
  source: string;
  sourceType: string;
  /** The table column it loads into; null: skipped. */
  target: string | null;
  match: Match;
  /** How many of the files have this column. */
  fileCount: number;
}

type Choices = Record<string, string | null>;

/** Distinct file columns in file order, with the type from the first file that has it. */
export function fileColumns(files: FileInspection[]): (FileColumnInfo & { fileCount: number })[] {
  const columns = new Map<string, FileColumnInfo & { fileCount: number }>();
  for (const file of files) {
    for (const column of file.columns) {
      const seen = columns.get(column.name);
      if (seen) seen.fileCount += 1;
      else columns.set(column.name, { ...column, fileCount: 1 });
    }
  }
  return [...columns.values()];
}

/** Into an existing table: the engine's suggestion, overridden by the user's choice while it re-suggests. */
export function existingTableRows(files: FileInspection[], suggestions: MappingSuggestion[], choices: Choices): MappingRow[] {
  const suggested = new Map<string, Pick<MappingRow, 'target' | 'match'>>();
  for (const suggestion of suggestions) {
    for (const { source, target, how } of suggestion.mapped) if (!suggested.has(source)) suggested.set(source, { target, match: how });
    for (const source of suggestion.skipped) if (!suggested.has(source)) suggested.set(source, { target: null, match: 'unmatched' });
  }
  return fileColumns(files).map(({ name, pgType, fileCount }) => {
    const base = { source: name, sourceType: pgType, fileCount };
    if (name in choices) {
      const target = choices[name] ?? null;
      return { ...base, target, match: target === null ? 'skipped' : 'explicit' };
    }
    return { ...base, ...(suggested.get(name) ?? { target: null, match: 'unmatched' }) };
  });
}

/** Into a new table: every file column becomes a column of the same name unless skipped. */
export function newTableRows(files: FileInspection[], choices: Choices): MappingRow[] {
  return fileColumns(files).map(({ name, pgType, fileCount }) => {
    const skipped = choices[name] === null;
    return { source: name, sourceType: pgType, fileCount, target: skipped ? null : name, match: skipped ? 'skipped' : 'new' };
  });
}

/** The mapping as the grid shows it, in the format of mapping profiles; columns still without a choice are left out. */
export function mappingOf(rows: MappingRow[]): Choices {
  return Object.fromEntries(rows.filter((row) => row.match !== 'unmatched').map((row) => [row.source, row.target]));
}
