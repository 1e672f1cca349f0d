// What stops the draft from running, as reasons the user can act on. One function, so that the
// Target screen's Continue and the Run screen's Start can never disagree.
import type { TableInfo } from '../../../shared/ipc/contract.ts';
import { parseTableName } from '../../../shared/table-name.ts';
import type { Draft } from '../../draft/draft-state.ts';
import { fileName } from '../../ui/format.ts';
import type { MappingRow } from './mapping-rows.ts';

/** What the draft is checked against, read through the connection; undefined: still being read. */
export interface TargetFacts {
  /** The connection's name when its password still has to be typed. */
  passwordFor: string | null;
  /** Every table of the database, "schema.name". */
  existingTables: ReadonlySet<string> | undefined;
  /** The chosen existing table; null: it does not exist (any more). */
  table: TableInfo | null | undefined;
  /** The mapping grid's rows. */
  mapping: MappingRow[] | undefined;
  /** Files the engine cannot map (an ambiguous name, two columns onto one). */
  fileProblems: { path: string; message: string }[];
}

export const noKeyReason = 'This table has no primary key or unique index: choose Append, or add a key to the table.';

/** What the draft itself lacks, without asking the database. */
export function draftBasics(draft: Draft): string[] {
  const { target } = draft;
  const table = target.createTable ? target.newTable.trim() : (target.table ?? '');
  const keyed = target.mode !== 'append';
  return [
    draft.files.length === 0 && 'Add files on the Files screen.',
    draft.files.length > 0 && draft.files.every((file) => file.error) && 'None of the files can be read: fix or replace them on the Files screen.',
    !table && (target.createTable ? 'Name the new table on the Target screen.' : 'Choose a table on the Target screen.'),
    target.createTable && keyed && target.key.length === 0 && 'Choose the key columns of the new table.',
    keyed && target.conflictPolicy === 'version' && !target.versionColumn && 'Choose the version column.',
    ...Object.entries(target.columnTypes).flatMap(([column, type]) => (type.trim() === '' ? [`Give a type for column ${column} of the new table.`] : [])),
  ].filter((reason) => reason !== false);
}

/** Everything that stops the draft from running: the basics, then what the database says about it. */
export function draftBlockers(draft: Draft, facts: TargetFacts): string[] {
  const basics = draftBasics(draft);
  if (facts.passwordFor !== null) return [...basics, `Enter the password for ${facts.passwordFor} on the Target screen.`];
  const { target } = draft;
  const reasons = [...basics];
  if (target.createTable) reasons.push(...newTableReasons(target.newTable, facts.existingTables));
  else if (target.table) reasons.push(...existingTableReasons(draft, facts.table));
  if (draft.files.length === 0 || (!target.createTable && !facts.table)) return reasons;
  if (!facts.mapping) return [...reasons, 'Matching the file columns to the table…'];
  reasons.push(...facts.fileProblems.map(({ path, message }) => `${fileName(path)} cannot be mapped: ${message}`));
  reasons.push(...mappingReasons(draft, facts.mapping, facts.table ?? null));
  return reasons;
}

function newTableReasons(name: string, existing: ReadonlySet<string> | undefined): string[] {
  if (name.trim() === '') return [];
  const parsed = parsedName(name);
  if ('error' in parsed) return [parsed.error];
  const table = parsed.name;
  if (!existing) return [`Checking whether ${table} already exists…`];
  return existing.has(table) ? [`A table named ${table} already exists: choose it as an existing table, or give the new table another name.`] : [];
}

/** "schema.name" as the engine reads the typed name, or why it cannot be read. */
export function parsedName(name: string): { name: string } | { error: string } {
  try {
    const { schema, name: table } = parseTableName(name);
    return { name: `${schema}.${table}` };
  } catch (error) {
    return { error: `The table name cannot be read: ${error instanceof Error ? error.message : String(error)}.` };
  }
}

function existingTableReasons(draft: Draft, table: TableInfo | null | undefined): string[] {
  if (table === undefined) return [`Reading ${draft.target.table}…`];
  if (table === null) return [`${draft.target.table} no longer exists: choose another table.`];
  const keyed = draft.target.mode !== 'append' && draft.target.mode !== 'replace';
  if (keyed && table.uniqueKeys.length === 0) return [noKeyReason];
  if (keyed && draft.target.key.length === 0 && !table.uniqueKeys.some((key) => key.primary)) return ['Choose the key of the table.'];
  return [];
}

/** The mapping applies to every file: what each file then loads, and what it leaves out. */
function mappingReasons(draft: Draft, rows: MappingRow[], table: TableInfo | null): string[] {
  const reasons: string[] = [];
  const unresolved = rows.filter((row) => row.match === 'unmatched').map((row) => row.source);
  if (unresolved.length > 0) {
    reasons.push(`${count(unresolved.length, 'file column matches', 'file columns match')} no table column (${unresolved.join(', ')}): choose a table column or Skip for each.`);
  }
  const targetOf = new Map(rows.map((row) => [row.source, row.target]));
  const key = effectiveKey(draft, table);
  const sources = new Set(rows.map((row) => row.source));
  for (const column of key) {
    if (draft.target.createTable && !sources.has(column)) reasons.push(`Key column ${column} is in none of the files: choose another key.`);
    else if (draft.target.createTable && targetOf.get(column) === null) reasons.push(`Key column ${column} is skipped in the mapping.`);
  }
  const required = table?.columns.filter((column) => column.notNull && !column.hasDefault && !column.generated).map((column) => column.name) ?? [];
  for (const file of draft.files.filter((candidate) => !candidate.error)) {
    const loaded = new Set(file.columns.flatMap((column) => targetOf.get(column.name) ?? []));
    const name = fileName(file.path);
    if (loaded.size === 0) {
      reasons.push(`No column of ${name} would be loaded: map its columns, or remove it on the Files screen.`);
      continue;
    }
    // A new table's key column that no file has, or that is skipped, is reported once, above.
    const missingKey = key.filter((column) => !loaded.has(column) && (!draft.target.createTable || (sources.has(column) && targetOf.get(column) !== null)));
    if (missingKey.length > 0) reasons.push(`${name} has no column for key ${missingKey.join(', ')}.`);
    const missingRequired = draft.target.mode === 'ignore' ? [] : required.filter((column) => !loaded.has(column) && !key.includes(column));
    if (missingRequired.length > 0) reasons.push(`${name} has no column for ${missingRequired.join(', ')}, which the table requires (NOT NULL, no default).`);
  }
  return reasons;
}

/** The key the run will use: the chosen one, else the table's primary key; none for append. */
function effectiveKey(draft: Draft, table: TableInfo | null): string[] {
  const { target } = draft;
  if (target.mode === 'append') return [];
  if (target.key.length > 0) return target.key;
  if (target.mode === 'replace') return [];
  return table?.uniqueKeys.find((key) => key.primary)?.columns ?? [];
}

function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}
