// Matches file columns to table columns: explicit mapping first (user intent wins), then exact
// names, then names compared without case, spaces and punctuation ("Customer ID" -> customer_id).
import { ErrorCodes, KeyloadError } from '../../../shared/errors.ts';
import type { TargetColumn } from './introspect.ts';

export interface MappedColumn {
  /** Index of the column in the file. */
  sourceIndex: number;
  source: string;
  target: string;
  how: 'explicit' | 'exact' | 'normalized';
}

export interface ColumnMapping {
  mapped: MappedColumn[];
  /** File columns left out: skipped explicitly, or extra and ignored. */
  skipped: string[];
  /** Table columns the file does not provide: keep their default on insert, untouched on update. */
  unfilled: string[];
}

export interface MappingOptions {
  explicit: Record<string, string | null>;
  ignoreExtraColumns: boolean;
  file: string;
}

/** PostgreSQL's limit on the columns of a table. */
export const MAX_TABLE_COLUMNS = 1600;

const LISTED_NAMES = 10;

/** The first names of a long list and a count of the rest, so that an error stays one readable line. */
export function nameList(names: readonly string[]): string {
  const listed = names.slice(0, LISTED_NAMES).map((n) => `"${n}"`).join(', ');
  const rest = names.length - LISTED_NAMES;
  return rest > 0 ? `${listed} and ${rest.toLocaleString('en-US')} more` : listed;
}

/** A file or table with more columns than PostgreSQL allows: the limit and the count, not the names. */
export function tooManyColumnsError(count: number, what: string, file?: string): KeyloadError {
  return new KeyloadError(
    ErrorCodes.tooManyColumns,
    `${what} has ${count.toLocaleString('en-US')} columns; a PostgreSQL table holds at most ${MAX_TABLE_COLUMNS.toLocaleString('en-US')}.`,
    { ...(file ? { file } : {}), hint: 'Load a subset: skip columns with --map src=, or map the ones you need and pass --ignore-extra-columns.' },
  );
}

export function normalizeName(name: string): string {
  return name.normalize('NFKC').toLowerCase().replace(/[\s\p{P}\p{S}]+/gu, '');
}

export function mapColumns(sourceColumns: string[], table: TargetColumn[], options: MappingOptions): ColumnMapping {
  const writable = new Map(table.filter((c) => !c.generated).map((c) => [c.name, c]));
  const generated = new Set(table.filter((c) => c.generated).map((c) => c.name));
  const taken = new Set<string>();
  const mapped: MappedColumn[] = [];
  const skipped: string[] = [];
  const unmatched: string[] = [];
  const fail = (message: string, hint?: string) => new KeyloadError(ErrorCodes.mapping, message, { file: options.file, hint });

  const claim = (sourceIndex: number, source: string, target: string, how: MappedColumn['how']) => {
    if (taken.has(target)) throw fail(`File columns map to table column "${target}" more than once`, 'Use --map to say which file column feeds it.');
    taken.add(target);
    mapped.push({ sourceIndex, source, target, how });
  };

  const pending: { index: number; name: string }[] = [];
  sourceColumns.forEach((name, index) => {
    if (!(name in options.explicit)) return pending.push({ index, name });
    const target = options.explicit[name];
    if (target === null || target === undefined) return skipped.push(name);
    if (generated.has(target)) throw fail(`Table column "${target}" is generated and cannot be loaded`);
    if (!writable.has(target)) throw fail(`The column mapping names table column "${target}", which does not exist`, 'Check the names given with --map or in the mapping file.');
    claim(index, name, target, 'explicit');
  });

  const byNormalized = new Map<string, string[]>();
  for (const column of writable.keys()) {
    const key = normalizeName(column);
    byNormalized.set(key, [...(byNormalized.get(key) ?? []), column]);
  }
  const exactRound = pending.filter(({ index, name }) => {
    if (!writable.has(name) || taken.has(name)) return true;
    claim(index, name, name, 'exact');
    return false;
  });
  for (const { index, name } of exactRound) {
    const candidates = (byNormalized.get(normalizeName(name)) ?? []).filter((c) => !taken.has(c));
    if (candidates.length === 1 && candidates[0]) claim(index, name, candidates[0], 'normalized');
    else if (candidates.length > 1) throw fail(`File column "${name}" matches several table columns: ${candidates.join(', ')}`, 'Use --map to choose one.');
    else unmatched.push(name);
  }

  if (unmatched.length > 0 && !options.ignoreExtraColumns) {
    if (sourceColumns.length > MAX_TABLE_COLUMNS) throw tooManyColumnsError(sourceColumns.length, 'The file', options.file);
    throw fail(`File columns ${nameList(unmatched)} match no table column`, 'Map them with --map src=dst, skip them with --map src=, or pass --ignore-extra-columns.');
  }
  skipped.push(...unmatched);
  const unfilled = [...writable.keys()].filter((c) => !taken.has(c));
  return { mapped, skipped, unfilled };
}
