// The one contract between the renderer and the main side, served both by Electron IPC (through the
// preload) and by the localhost web host. Each request is name -> input (a zod schema, validated by
// the main side) -> output; each pushed event is name -> payload. Nothing else crosses.
import { z } from 'zod';
import { sslModes } from '../connection-string.ts';
import type { ErrorInfo } from '../errors.ts';
import { fileOverridesSchema, loadOptionsShape } from '../load-options.ts';
import type { FileProgress, LoadEvent, LoadResult, PoolSample } from '../load-types.ts';
import { mappingProfileSchema, type MappingProfile } from '../mapping-profile.ts';
import type { ConflictPage, PreviewSummary } from '../preview-types.ts';
import { REPORT_FORMATS, type RunReport } from '../report-types.ts';
import type { UndoOutcome } from '../undo-types.ts';
import { conflictPolicySchema } from '../vocabulary.ts';
import { handlerNames, type HandlerName } from './handler-names.ts';

export const connectionInput = z.object({
  name: z.string().min(1).max(200),
  host: z.string().min(1).max(255),
  port: z.number().int().min(1).max(65535),
  database: z.string().min(1).max(63),
  user: z.string().min(1).max(63),
  sslMode: z.enum(sslModes),
});

const connectionRef = z.object({
  connectionId: z.string().min(1),
  /** Asked for each time when it is not stored. */
  password: z.string().optional(),
});

/** Load options from the renderer: the engine's own schema, minus what the app decides (CSV options come per file, in fileOverrides). */
export const runOptionsSchema = z.object(loadOptionsShape).omit({ rejectsDir: true, manifestSchema: true, csv: true });

export interface ConnectionInfo extends z.infer<typeof connectionInput> {
  id: string;
  /** The built-in local database (embedded PostgreSQL). */
  builtin: boolean;
  /** A password is stored (encrypted with the OS keychain); false means "ask each time". */
  hasPassword: boolean;
  /**
   * Where the password is kept: encrypted by the OS keychain, or (without one, as on the web host)
   * in the main side's memory until Keyload closes, never on disk; null: none, it is asked for.
   */
  passwordStore: 'keychain' | 'session' | null;
}

/** The built-in local database: where its data lives, and whether it has been started yet. */
export interface LocalDatabaseInfo {
  /** 'starting' while the first request to it waits for the server. */
  state: 'not started' | 'starting' | 'ready' | 'failed';
  /** PostgreSQL's data directory; null when it cannot be told. */
  dataDir: string | null;
}

export interface FileColumnInfo {
  name: string;
  pgType: string;
}

export interface FileInspection {
  path: string;
  sizeBytes: number;
  /** Data rows: exact for Parquet, estimated for CSV, null when unknown (gzip). */
  rowEstimate: number | null;
  /** "csv, ',' separated, UTF-8, header" / "parquet, zstd, 4 row groups" */
  format: string;
  type: 'csv' | 'parquet' | null;
  columns: FileColumnInfo[];
  error: ErrorInfo | null;
}

/** A file's first rows as the loader would parse them, for the Files screen's row preview. */
export interface FilePreview {
  path: string;
  /** The same description as FileInspection.format. */
  format: string;
  /** Columns with the type detected for each. */
  columns: FileColumnInfo[];
  /** The first rows (at most 100): each cell as text, null for NULL. */
  rows: (string | null)[][];
  /** Each row's line in the file (CSV) or its row number (Parquet), 1-based. */
  lines: number[];
  /** Cells the detected column type would reject: indexes into rows and columns, and why. */
  invalidCells: { row: number; column: number; reason: string }[];
  error: ErrorInfo | null;
}

/** One column of a table to be created, with the type inferred across all the files. */
export interface ProposedColumn {
  name: string;
  /** The widest type that fits most sampled values across all files. */
  pgType: string;
  /** How many of the files have this column. */
  files: number;
  /** Sampled non-null values, and those among them that do not fit pgType (they go to the rejects). */
  sampled: number;
  outliers: number;
}

export interface TableRef {
  schema: string;
  name: string;
}

/** A table as the table picker lists it. */
export interface TableSummary extends TableRef {
  /** The planner's estimate (pg_class.reltuples); null until the table was first vacuumed or analysed. */
  rowEstimate: number | null;
  columns: { name: string; type: string }[];
}

export interface TableInfo extends TableRef {
  columns: { name: string; type: string; notNull: boolean; hasDefault: boolean; generated: boolean }[];
  uniqueKeys: { name: string; columns: string[]; primary: boolean }[];
}

export interface MappingSuggestion {
  path: string;
  mapped: { source: string; target: string; how: 'explicit' | 'exact' | 'normalized' }[];
  skipped: string[];
  /** Source and target types that look incompatible: "text -> integer". */
  warnings: string[];
  error: ErrorInfo | null;
}

export interface RunSummary {
  runId: string;
  startedAt: string;
  finishedAt: string | null;
  status: 'running' | 'loaded' | 'loaded with rejects' | 'partly loaded' | 'failed' | 'cancelled';
  /** Started from the app or from the keyload command line. */
  source: 'app' | 'cli';
  connectionName: string;
  table: string;
  mode: string;
  files: number;
  totals: LoadResult['totals'] | null;
  seconds: number | null;
  /** When the run was undone; null while it stands. */
  undoneAt: string | null;
}

export interface RunDetail extends RunSummary {
  connectionId: string;
  options: z.infer<typeof runOptionsSchema>;
  result: LoadResult | null;
  error: ErrorInfo | null;
  reportDir: string;
}

/** A run still going on the main side, for a renderer that (re)attaches to it. */
export interface ActiveRun {
  runId: string;
  startedAt: string;
  connectionId: string;
  connectionName: string;
  table: string;
  options: z.infer<typeof runOptionsSchema>;
  /** The latest progress of each file, in load order. */
  files: FileProgress[];
  notices: string[];
}

/** The first rejected rows of one file of a run, read from its rejects file. */
export interface RejectsPage {
  path: string;
  /** The rejects file's header: line, column, reason, then the input file's own columns. */
  columns: string[];
  /** At most the first 1,000 rejected rows, in line order; null is an empty (NULL) value. */
  rows: (string | null)[][];
  /** Rejected rows in the whole file. */
  total: number;
  truncated: boolean;
}

export interface SystemInfo {
  cores: number;
  /** Where the app runs: the desktop shell, or a browser on the localhost web host. */
  host: 'electron' | 'web';
  /** Whether passwords can be stored (an OS keychain is available; never on the web host). */
  canStorePasswords: boolean;
}

export interface ConnectionTest {
  serverVersion: string;
  freeConnections: number;
  /** Concurrency x internal concurrency that fits the free connections and the cores. */
  recommended: { concurrency: number; internalConcurrency: number };
}

/** Declares a request: its input schema now, its output type as a type argument. */
function handler<O>() {
  return <I extends z.ZodType>(input: I) => ({ input, output: undefined as unknown as O });
}

const empty = z.object({});
const connectionSave = connectionInput.extend({ id: z.string().optional(), password: z.string().optional() });
const idInput = z.object({ id: z.string().min(1) });
const filesInput = z.object({
  paths: z.array(z.string().min(1)).min(1).max(10_000),
  /** Per file path: the format and dialect to use instead of the sniffed ones. */
  overrides: z.record(z.string(), fileOverridesSchema).default({}),
});
const previewInput = z.object({ path: z.string().min(1), overrides: fileOverridesSchema.default({}) });
const tableInput = connectionRef.extend({ table: z.string().min(1) });
const suggestInput = tableInput.extend({
  files: z.array(z.string().min(1)).min(1),
  map: z.record(z.string(), z.string().nullable()).default({}),
  overrides: z.record(z.string(), fileOverridesSchema).default({}),
});
const profileInput = z.object({ name: z.string().min(1).max(200), profile: mappingProfileSchema });
const runStart = connectionRef.extend({ options: runOptionsSchema });
const runIdInput = z.object({ runId: z.string().min(1) });
/** A rejects file of one run; the main side serves only files that run wrote. */
const rejectsInput = runIdInput.extend({ path: z.string().min(1) });
const reportInput = runIdInput.extend({ format: z.enum(REPORT_FORMATS) });
const undoInput = runIdInput.extend({ password: z.string().optional(), dryRun: z.boolean(), force: z.boolean().default(false), chain: z.boolean().default(false) });
/** A conflict preview, named by the renderer so its progress events can be told apart from the start. */
const previewIdInput = z.object({ previewId: z.string().min(1).max(100) });
const previewOpen = runStart.extend(previewIdInput.shape);
const previewRerank = previewIdInput.extend({
  conflictPolicy: conflictPolicySchema.optional(),
  /** Every file's path once, in the order the user arranged them. */
  files: z.array(z.string().min(1)).max(100_000).optional(),
});
const previewConflicts = previewIdInput.extend({
  kind: z.enum(['duplicate', 'cross-file', 'target', 'rejected']).optional(),
  files: z.tuple([z.string().min(1), z.string().min(1)]).optional(),
  column: z.string().min(1).optional(),
  key: z.string().max(200).optional(),
  offset: z.number().int().min(0).default(0),
  limit: z.number().int().min(1).max(1000).default(50),
});
const runsQuery = z.object({
  search: z.string().max(200).optional(),
  limit: z.number().int().min(1).max(500).default(100),
  offset: z.number().int().min(0).default(0),
});

export const handlers = {
  'system.info': handler<SystemInfo>()(empty),
  'connections.list': handler<ConnectionInfo[]>()(empty),
  'connections.save': handler<ConnectionInfo>()(connectionSave),
  'connections.remove': handler<void>()(idInput),
  'connections.test': handler<ConnectionTest>()(connectionRef),
  'connections.local': handler<LocalDatabaseInfo>()(empty),
  'files.inspect': handler<FileInspection[]>()(filesInput),
  'files.preview': handler<FilePreview>()(previewInput),
  'files.proposeColumns': handler<ProposedColumn[]>()(filesInput),
  'tables.list': handler<TableSummary[]>()(connectionRef),
  'tables.describe': handler<TableInfo | null>()(tableInput),
  'mapping.suggest': handler<MappingSuggestion[]>()(suggestInput),
  'profiles.list': handler<{ name: string; profile: MappingProfile }[]>()(empty),
  'profiles.save': handler<void>()(profileInput),
  'runs.start': handler<{ runId: string }>()(runStart),
  /** The engine's dry run of these options: what each file would do, writing nothing and kept out of the history. */
  'runs.check': handler<LoadResult>()(runStart),
  'runs.cancel': handler<void>()(runIdInput),
  'runs.active': handler<ActiveRun[]>()(empty),
  'runs.list': handler<RunSummary[]>()(runsQuery),
  'runs.get': handler<RunDetail | null>()(runIdInput),
  'runs.rejects': handler<RejectsPage>()(rejectsInput),
  /** Desktop only: show the rejects file in the OS file manager. */
  'runs.revealRejects': handler<void>()(rejectsInput),
  /** Desktop only: copy the rejects file where the user chooses; null when they cancel. */
  'runs.saveRejects': handler<{ savedTo: string | null }>()(rejectsInput),
  /** A finished run's report (runs/<run id>/report.json); null while it runs, or for runs from before reports. */
  'runs.report': handler<RunReport | null>()(runIdInput),
  /** Asks where to save the run's report in `format` (the desktop app); the web host downloads it instead. */
  'runs.saveReport': handler<{ savedTo: string | null }>()(reportInput),
  /** Undoes a run of the history on its connection (docs/undo.md); dryRun says what it would do. */
  'runs.undo': handler<UndoOutcome>()(undoInput),
  /** Stages the files as the load would and analyses the conflicts, writing nothing to the table; progress comes as preview.event. */
  'preview.open': handler<PreviewSummary>()(previewOpen),
  /** The open preview re-ranked under another policy or file order, without reading the files again. */
  'preview.summary': handler<PreviewSummary>()(previewRerank),
  'preview.conflicts': handler<ConflictPage>()(previewConflicts),
  /** Cancels a preview still staging, or drops an open one's staging tables. */
  'preview.close': handler<void>()(previewIdInput),
  /** Desktop only: writes every conflict to a CSV file where the user chooses; null when they cancel. */
  'preview.saveConflicts': handler<{ savedTo: string | null }>()(previewIdInput),
} as const satisfies { [N in HandlerName]: { input: z.ZodType; output: unknown } };
export type HandlerInput<N extends HandlerName> = z.input<(typeof handlers)[N]['input']>;
export type HandlerOutput<N extends HandlerName> = (typeof handlers)[N]['output'];

export interface EventMap {
  /** Progress of a run: the engine's events, throttled per file. */
  'run.event': { runId: string; event: LoadEvent };
  /** Live pool usage of a run. */
  'run.pool': { runId: string; sample: PoolSample };
  /** A run ended (loaded, partly loaded, failed or cancelled); its detail is in history. */
  'run.finished': { runId: string; status: RunSummary['status'] };
  /** Staging progress of a conflict preview: the engine's events. */
  'preview.event': { previewId: string; event: LoadEvent };
}
export type EventName = keyof EventMap;

/** What the renderer sees: one typed function per request, one subscription for events. */
export type KeyloadApi = {
  [N in HandlerName]: (input: HandlerInput<N>) => Promise<HandlerOutput<N>>;
} & {
  on<E extends EventName>(event: E, listener: (payload: EventMap[E]) => void): () => void;
};

/** A dropped or picked file, as far as the shared code needs to know it. */
export interface DroppedFile {
  readonly name: string;
}

/** What the Electron preload exposes as window.keyload: the contract, plus where a dropped file is on disk. */
export type DesktopApi = KeyloadApi & {
  /** The filesystem path of a dropped or picked file ('' when it has none). */
  pathForFile(file: DroppedFile): string;
};

export { handlerNames, type HandlerName };
