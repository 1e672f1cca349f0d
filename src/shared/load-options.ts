// Load options as every front end (CLI, IPC, job files) passes them; validated once, here.
import { z } from 'zod';
import {
  conflictPolicySchema,
  encodingSchema,
  fileOrderSchema,
  fileTypeSchema,
  LOAD_BOUNDS,
  LOAD_DEFAULTS,
  LOCK_TIMEOUT_BOUNDS_MS,
  UNDO_KEEP_DEFAULT_MS,
  onErrorSchema,
  writeModeSchema,
} from './vocabulary.ts';

/** The fields, shared with job files (src/shared/job.ts). */
// One character that can separate, quote or escape CSV fields: never a line break.
const csvCharacter = z
  .string()
  .length(1, 'must be a single character')
  .refine((c) => c !== '\n' && c !== '\r', 'cannot be a line break');

/**
 * How CSV text is read beyond the sniffed dialect: the CLI's options for all files (`csv`), the
 * mapping file's `csv` section, and (with the fields below) each file's overrides in the app.
 */
export const csvOptionsSchema = z.object({
  /** Any single character; sniffed among , ; tab | when unset. */
  delimiter: csvCharacter.optional(),
  /** Sniffed between " and ' when unset. */
  quote: csvCharacter.optional(),
  /** Inside quoted fields, makes the next quote (or escape) character literal; default: the quote (doubled quotes). */
  escape: csvCharacter.optional(),
  /** An unquoted field equal to this is NULL (an empty unquoted field always is). */
  nullString: z.string().max(100).optional(),
  /** 'ISO' (the default: values pass as they are), or a pattern of YYYY MM DD HH mm ss SSS and literals, e.g. DD/MM/YYYY. */
  dateFormat: z.string().min(1).max(100).optional(),
  /** IANA zone (Europe/Berlin) or offset (+02:00) for timestamps written without one. */
  timeZone: z.string().min(1).max(100).optional(),
  /** Numbers are written 1.234,56: comma decimals, dot thousands. */
  decimalComma: z.boolean().optional(),
  /** Whitespace around unquoted fields (and outside quotes) is dropped. */
  trim: z.boolean().optional(),
  /** Read the text in this encoding instead of detecting it (detection refuses to guess on mixed bytes). */
  encoding: encodingSchema.optional(),
});

export type CsvOptions = z.infer<typeof csvOptionsSchema>;

/** What the desktop app lets an analyst override per file when the sniffed format is wrong. */
export const fileOverridesSchema = csvOptionsSchema.extend({
  fileType: fileTypeSchema.optional(),
  hasHeader: z.boolean().optional(),
});

export type FileOverrides = z.infer<typeof fileOverridesSchema>;

/** A whole-number option within its bounds, its default when not given. */
function boundedSetting(name: keyof typeof LOAD_BOUNDS) {
  const { min, max } = LOAD_BOUNDS[name];
  return z.number().int().min(min).max(max).default(LOAD_DEFAULTS[name]);
}

export const loadOptionsShape = {
  files: z.array(z.string().min(1)).min(1),
  table: z.string().min(1),
  key: z.array(z.string().min(1)).optional(),
  mode: writeModeSchema.default(LOAD_DEFAULTS.mode),
  fileType: fileTypeSchema.optional(),
  /** Per file path: format and dialect overrides (the desktop app's Files screen). */
  fileOverrides: z.record(z.string(), fileOverridesSchema).default({}),
  /** CSV options for every file (the CLI's --delimiter, --null, ...); a file's own overrides win. */
  csv: csvOptionsSchema.default({}),
  batchSize: boundedSetting('batchSize'),
  maxRetries: boundedSetting('maxRetries'),
  /** While the server is unreachable or starting up, retries go on for this long (--max-retries bounds the other transient errors). */
  retryWindowSeconds: boundedSetting('retryWindowSeconds'),
  /** Fail a statement that waits longer than this for a lock (the sessions' lock_timeout); none by default. */
  lockTimeoutMs: z.number().int().min(LOCK_TIMEOUT_BOUNDS_MS.min).max(LOCK_TIMEOUT_BOUNDS_MS.max).optional(),
  /** File column -> table column; null skips the file column. */
  map: z.record(z.string(), z.string().nullable()).default({}),
  createTable: z.boolean().default(false),
  /**
   * With createTable: the table must not exist yet (the app's "Create new table"); an existing one is
   * an error that names it instead of being loaded into. The CLI's --create-table creates it only if missing.
   */
  tableMustBeNew: z.boolean().default(false),
  /** --create-table: column -> PostgreSQL type, over the types inferred across all files. */
  columnTypes: z.record(z.string(), z.string().min(1)).default({}),
  order: fileOrderSchema.default(LOAD_DEFAULTS.order),
  onError: onErrorSchema.default(LOAD_DEFAULTS.onError),
  /** Where rejects CSVs go; default: the run's report directory. */
  rejectsDir: z.string().optional(),
  force: z.boolean().default(false),
  dryRun: z.boolean().default(false),
  atomicFile: z.boolean().default(false),
  touchColumn: z.string().optional(),
  versionColumn: z.string().optional(),
  ignoreExtraColumns: z.boolean().default(false),
  manifestSchema: z.string().min(1).default(LOAD_DEFAULTS.manifestSchema),
  /** Files staged at the same time. */
  concurrency: boundedSetting('concurrency'),
  /** Connections per file while staging, and merge workers per file slot. */
  internalConcurrency: boundedSetting('internalConcurrency'),
  disableInternalParallelism: z.boolean().default(false),
  /**
   * Which version of a key wins among the loaded files: the last or first occurrence in (file order,
   * row order), the highest --version-column (`version`), or none (`error`: refuse to load when files
   * disagree on a key's values).
   */
  conflictPolicy: conflictPolicySchema.optional(),
  /** Share the files with other Keyload processes through the manifest: each file loads once. */
  claim: z.boolean().default(false),
  /** How long a claimed file stays reserved without a heartbeat before another process takes it over. */
  leaseSeconds: boundedSetting('leaseSeconds'),
  /** A reader with no progress (no bytes, no rows) for this long fails its file; default 60 (READER_LIMITS). */
  stallTimeoutSeconds: z.number().positive().max(86_400).optional(),
  /** Cap on one gzip file's decompressed bytes; default 100 GiB (READER_LIMITS). */
  maxDecompressedBytes: z.number().int().positive().optional(),
  /**
   * Keep what undoing the run needs (docs/undo.md). Absent means the caller's default: on in the
   * app, off in the CLI (--undo).
   */
  undo: z.boolean().optional(),
  /** How long runs' undo state is kept (the last 20 runs per table at most); pruned as a run starts. */
  undoKeepMs: z.number().int().positive().default(UNDO_KEEP_DEFAULT_MS),
};

export const loadOptionsSchema = z
  .object(loadOptionsShape)
  // --version-column alone means the version policy.
  .transform((options) => ({ ...options, conflictPolicy: options.conflictPolicy ?? (options.versionColumn ? 'version' : LOAD_DEFAULTS.conflictPolicy) }))
  .superRefine((options, context) => {
    if ((options.conflictPolicy === 'version') !== Boolean(options.versionColumn)) {
      context.addIssue({ code: 'custom', path: ['conflictPolicy'], message: 'the version policy needs a version column: --conflict-policy version:<column>' });
    }
  });

export type LoadOptionsInput = z.input<typeof loadOptionsSchema>;
export type LoadOptions = z.output<typeof loadOptionsSchema>;
