// The words the engine, the CLI, the desktop app and stored files share, each defined once: write
// modes, file orders, conflict policies, error handling, the CSV dialect choices (re-exported from
// dialect-choices.ts), and the defaults and bounds of the load options. Each closed set is a
// constant list (for help texts and selects), a zod schema built from it (for validation) and the
// type inferred from that. Environment-neutral: zod only, so the renderer may import it too.
import { z } from 'zod';
import type { Choice } from './dialect-choices.ts';

export * from './dialect-choices.ts';

/** A choice shown with a sentence that explains it. */
export interface Described {
  readonly label: string;
  readonly description: string;
}

/** Whether `value` is one of `choices`: narrows text from a select or the command line. */
export function isOneOf<T extends string>(choices: readonly T[], value: string): value is T {
  return choices.some((choice) => choice === value);
}

export const WRITE_MODES = ['upsert', 'insert', 'ignore', 'replace', 'append'] as const;
export const writeModeSchema = z.enum(WRITE_MODES);
export type WriteMode = z.infer<typeof writeModeSchema>;

/** The modes that match rows by a key; replace and append take every row as it is. */
export const KEYED_WRITE_MODES = ['upsert', 'insert', 'ignore'] as const satisfies readonly WriteMode[];

export const writeModeText: Record<WriteMode, Described> = {
  upsert: { label: 'Upsert', description: 'Inserts new keys and updates changed rows.' },
  insert: { label: 'Insert', description: 'Inserts rows; a key already in the table is an error.' },
  ignore: { label: 'Ignore', description: 'Inserts new keys and leaves existing rows alone.' },
  replace: { label: 'Replace', description: 'Empties the table and loads all files in one transaction.' },
  append: { label: 'Append', description: 'Inserts every row as it is; no key.' },
};

/** The order files load in, and so which file wins a repeated key. */
export const FILE_ORDERS = ['given', 'name', 'mtime'] as const;
export const fileOrderSchema = z.enum(FILE_ORDERS);
export type FileOrder = z.infer<typeof fileOrderSchema>;

/** Which version of a key wins among the loaded files. */
export const CONFLICT_POLICIES = ['last', 'first', 'version', 'error'] as const;
export const conflictPolicySchema = z.enum(CONFLICT_POLICIES);
export type ConflictPolicy = z.infer<typeof conflictPolicySchema>;

export const conflictPolicyText: Record<ConflictPolicy, Described> = {
  last: { label: 'Last occurrence wins', description: 'In file order, then row order.' },
  first: { label: 'First occurrence wins', description: 'In file order, then row order.' },
  version: { label: 'Highest version wins', description: 'The row with the highest value in the version column.' },
  error: { label: 'Refuse when files disagree', description: 'Nothing loads if two files give a key different values.' },
};

/** What a bad row does: go to the rejects CSV, or stop the file. */
export const ON_ERROR_CHOICES = ['reject', 'abort'] as const;
export const onErrorSchema = z.enum(ON_ERROR_CHOICES);
export type OnError = z.infer<typeof onErrorSchema>;

export const FILE_TYPES = ['csv', 'parquet'] as const;
export const fileTypeSchema = z.enum(FILE_TYPES);
export type FileType = z.infer<typeof fileTypeSchema>;

const fileTypeLabels: Record<FileType, string> = { csv: 'CSV', parquet: 'Parquet' };
export const FILE_TYPE_CHOICES: readonly Choice<FileType>[] = FILE_TYPES.map((value) => ({ id: value, label: fileTypeLabels[value], value }));

export const ENCODINGS = ['utf-8', 'utf-16le', 'utf-16be', 'windows-1252'] as const;
export const encodingSchema = z.enum(ENCODINGS);
export type Encoding = z.infer<typeof encodingSchema>;

const encodingLabels: Record<Encoding, string> = { 'utf-8': 'UTF-8', 'utf-16le': 'UTF-16 LE', 'utf-16be': 'UTF-16 BE', 'windows-1252': 'Windows-1252' };
export const ENCODING_CHOICES: readonly Choice<Encoding>[] = ENCODINGS.map((value) => ({ id: value, label: encodingLabels[value], value }));

export const LINE_ENDINGS = ['\n', '\r\n'] as const;
export type LineEnding = (typeof LINE_ENDINGS)[number];

export const HEADER_CHOICES = [
  { id: 'header', label: 'First row is the header', value: true },
  { id: 'no-header', label: 'No header row', value: false },
] as const satisfies readonly Choice<boolean>[];

/** Common spellings of NULL; any other text may be given. */
export const NULL_STRING_CHOICES = [
  { id: 'null', label: 'NULL', value: 'NULL' },
  { id: 'backslash-n', label: '\\N', value: '\\N' },
] as const satisfies readonly Choice<string>[];

/** Common date formats besides ISO; any pattern of YYYY MM DD HH mm ss SSS may be given. */
export const DATE_FORMAT_CHOICES = [
  { id: 'dmy', label: 'DD/MM/YYYY', value: 'DD/MM/YYYY' },
  { id: 'mdy', label: 'MM/DD/YYYY', value: 'MM/DD/YYYY' },
] as const satisfies readonly Choice<string>[];

/** What a load option is when it is not given. */
export const LOAD_DEFAULTS = {
  mode: 'upsert',
  order: 'given',
  onError: 'reject',
  /** Unless a version column is given, which means the version policy. */
  conflictPolicy: 'last',
  concurrency: 4,
  internalConcurrency: 2,
  batchSize: 50_000,
  maxRetries: 3,
  /** How long retries wait for a server that is unreachable or starting up. */
  retryWindowSeconds: 60,
  leaseSeconds: 60,
  manifestSchema: 'keyload',
} as const satisfies { mode: WriteMode; order: FileOrder; onError: OnError; conflictPolicy: ConflictPolicy } & Record<string, string | number>;

/** The whole numbers a load option accepts, inclusive. */
export const LOAD_BOUNDS = {
  /** Files staged at the same time. */
  concurrency: { min: 1, max: 64 },
  /** Connections per file while staging, and merge workers per file slot. */
  internalConcurrency: { min: 1, max: 16 },
  batchSize: { min: 1, max: 10_000_000 },
  maxRetries: { min: 0, max: 20 },
  retryWindowSeconds: { min: 0, max: 3_600 },
  leaseSeconds: { min: 2, max: 86_400 },
} as const satisfies Record<string, { min: number; max: number }>;

/** Runs' undo state is kept this long by default (7 days), and for the last UNDO_KEEP_RUNS runs of a table at most. */
export const UNDO_KEEP_DEFAULT_MS = 7 * 86_400_000;
export const UNDO_KEEP_RUNS = 20;

/** `lock_timeout` of Keyload's sessions, in ms, when one is set (none by default: locks are waited for). */
export const LOCK_TIMEOUT_BOUNDS_MS = { min: 1, max: 86_400_000 } as const;
