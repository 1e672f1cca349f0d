// `keyload load` arguments -> engine options. Anything malformed is a usage error (exit code 2).
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';
import { parseDuration } from '../../shared/duration.ts';
import { ErrorCodes, KeyloadError } from '../../shared/errors.ts';
import { csvOptionsSchema, type CsvOptions, type LoadOptionsInput } from '../../shared/load-options.ts';
import { mappingProfileSchema, parseMapArguments, type MappingProfile } from '../../shared/mapping-profile.ts';
import {
  CONFLICT_POLICIES,
  DATE_FORMAT_CHOICES,
  ENCODINGS,
  FILE_ORDERS,
  FILE_TYPES,
  isOneOf,
  LOAD_DEFAULTS,
  ON_ERROR_CHOICES,
  WRITE_MODES,
  type ConflictPolicy,
} from '../../shared/vocabulary.ts';
import { recordConverter } from '../engine/index.ts';
import { reportFormatOf } from '../report/write-reports.ts';

/** "a (default) | b | c": the choices as the help lists them; `note` follows "default" on the default one. */
function choiceList(choices: readonly string[], byDefault?: string, note = ''): string {
  return choices.map((choice) => (choice === byDefault ? `${choice} (default${note})` : choice)).join(' | ');
}

/** The version policy is given with its column. */
const policyArgument = (policy: ConflictPolicy): string => (policy === 'version' ? 'version:<column>' : policy);

export const loadUsage = `Usage: keyload load --table [schema.]table [options] <files or directories...>

Connection (first that is set): --dsn URL or 'host=... dbname=...', DATABASE_URL, PG* variables, else the local database.

  --table NAME            target table (required)
  --key a,b               conflict key (default: the primary key); needs a unique index
  --mode MODE             ${choiceList(WRITE_MODES, LOAD_DEFAULTS.mode)}
  --create-table          create a missing table from the files' columns and types
  --map SRC=DST           map a file column to a table column; SRC= skips it (repeatable)
  --mapping-file PATH     mapping JSON saved by the desktop app
  --ignore-extra-columns  skip file columns that match no table column
  --touch-column COL      set COL to now() on every insert and real update
  --version-column COL    update only when the incoming COL is newer than the stored one
  --file-type TYPE        ${choiceList(FILE_TYPES)} (default: detected from the content)

  --order ORDER           ${choiceList(FILE_ORDERS, LOAD_DEFAULTS.order)}: later files win
  --conflict-policy P     ${choiceList(CONFLICT_POLICIES.map(policyArgument), policyArgument(LOAD_DEFAULTS.conflictPolicy))}: which
                          version of a key wins among the files (error: refuse to load
                          when files disagree on a key's values)
  --concurrency N         files staged at once (default ${LOAD_DEFAULTS.concurrency})
  --internal-concurrency N  connections per file and merge workers per file slot (default ${LOAD_DEFAULTS.internalConcurrency})
  --disable-internal-parallelism  same as --internal-concurrency 1
  --claim                 share the files with other keyload processes (any machine) through
                          the manifest: each file is loaded exactly once
  --lease-seconds N       a claimed file whose claimer stops renewing for N seconds is taken
                          over by another process (default ${LOAD_DEFAULTS.leaseSeconds})
  --batch-size N          rows per committed sub-batch (default ${LOAD_DEFAULTS.batchSize})
  --atomic-file           load each file in one transaction
  --max-retries N         retries of transient errors (default ${LOAD_DEFAULTS.maxRetries})
  --stall-timeout S       fail a file whose reading makes no progress for S seconds (default 60)
  --max-decompressed SIZE cap on a gzip file's decompressed size, e.g. 500G (default 100G)
  --retry-window T        while the server is unreachable or restarting, keep retrying for T
                          (e.g. 90s, 5min; default ${LOAD_DEFAULTS.retryWindowSeconds}s; 0: only --max-retries)
  --lock-timeout T        give up when a statement waits longer than T (e.g. 500ms, 10s) for a
                          lock another session holds; the error names the table and the holder
                          (default: wait; waits over a second are shown with their holder)
  --on-error MODE         ${choiceList(ON_ERROR_CHOICES, LOAD_DEFAULTS.onError, ': bad rows go to a rejects CSV')}
  --rejects-dir DIR       where rejects CSVs go (default: the run's report directory)
  --manifest-schema NAME  schema of keyload_manifest (default ${LOAD_DEFAULTS.manifestSchema})
  --force                 reload files the manifest says are already loaded
  --undo                  keep what keyload undo needs to take this run back (upsert, insert,
                          ignore, replace; costs some time and space, docs/undo.md)
  --no-undo               keep none (the default in the CLI; the app keeps it)
  --undo-keep T           how long runs' undo state is kept, e.g. 7d, 12h (default 7d; the
                          last 20 runs of a table at most), pruned as a run starts
  --dry-run               plan and validate, write nothing
  --report PATH           also write the run's report to PATH; the format comes from the
                          extension: .html, .json, .csv or .md (repeatable)
  --json                  print the result as JSON on stdout

CSV (for every file; a mapping file's "csv" section sets them too, these flags win):
  --delimiter C           any single character, or tab (default: sniffed among , ; tab |)
  --quote C               quote character (default: sniffed, " or ')
  --escape C              inside quotes, C before a quote or C makes it literal, e.g. \\
                          (default: the quote, i.e. doubled quotes)
  --null S                an unquoted field equal to S is NULL, e.g. NULL or \\N
                          (an empty unquoted field always is)
  --date-format F         ISO (default) | ${DATE_FORMAT_CHOICES.map((choice) => choice.value).join(' | ')} | a pattern of YYYY MM DD
                          HH mm ss SSS: such dates load as ISO; a value shaped like a
                          date that is none (31/02/2024) is a rejected row
  --time-zone Z           zone for timestamps written without one: Europe/Berlin, UTC, +02:00
  --decimal-comma         numbers are written 1.234,56
  --trim                  drop whitespace around unquoted fields
  --encoding E            ${ENCODINGS.join(' | ')} (default: detected; a UTF-8 file with
                          stray bytes fails instead of being guessed)

Exit codes: 0 all loaded, 3 loaded with rejected rows, 1 failed, 2 usage error.`;

export interface LoadCommand {
  options: LoadOptionsInput;
  dsn: string | undefined;
  json: boolean;
  /** Where to write the run's report, besides the run's own report.json. */
  reports: string[];
}

function usage(message: string): KeyloadError {
  return new KeyloadError(ErrorCodes.usage, message, { hint: 'Run keyload load --help for the options.' });
}

function integer(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw usage(`${flag} expects a whole number, got ${JSON.stringify(value)}`);
  return Number(value);
}

const SIZE_UNITS: Record<string, number> = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4 };

/** A size in bytes: 123, 500M, 100G, 2T (binary units; KB, MiB and the like read the same). */
function byteSize(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const match = /^(\d+(?:\.\d+)?)\s*([KMGT]?)(?:i?B)?$/i.exec(value.trim());
  const unit = SIZE_UNITS[match?.[2]?.toUpperCase() ?? ''];
  if (!match || unit === undefined || Number(match[1]) <= 0) throw usage(`${flag} expects a size such as 500M or 100G, got ${JSON.stringify(value)}`);
  return Math.floor(Number(match[1]) * unit);
}

function duration(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const ms = parseDuration(value);
  if (ms === null) throw usage(`${flag} expects a duration such as 500ms, 30s or 2min, got ${JSON.stringify(value)}`);
  return ms;
}

function oneOf<T extends string>(value: string | undefined, flag: string, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!isOneOf(allowed, value)) throw usage(`${flag} must be one of ${allowed.join(', ')}; got ${JSON.stringify(value)}`);
  return value;
}

async function readMappingFile(path: string): Promise<MappingProfile> {
  const text = await readFile(path, 'utf8').catch(() => {
    throw usage(`Cannot read mapping file ${path}`);
  });
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw usage(`Mapping file ${path} is not valid JSON`);
  }
  const profile = mappingProfileSchema.safeParse(json);
  if (!profile.success) throw usage(`Mapping file ${path}: ${profile.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`);
  return profile.data;
}

/** The CSV options of the mapping file, overridden by the flags; checked here so a typo fails before any file is read. */
function csvOptions(fromProfile: CsvOptions, v: Record<string, string | boolean | string[] | undefined>): CsvOptions {
  const text = (flag: string): string | undefined => {
    const value = v[flag];
    return typeof value === 'string' ? value : undefined;
  };
  const delimiter = text('delimiter');
  const flags = {
    delimiter: delimiter === 'tab' || delimiter === '\\t' ? '\t' : delimiter,
    quote: text('quote'),
    escape: text('escape'),
    nullString: text('null'),
    dateFormat: text('date-format'),
    timeZone: text('time-zone'),
    decimalComma: v['decimal-comma'] === true ? true : undefined,
    trim: v.trim === true ? true : undefined,
    encoding: text('encoding'),
  };
  const merged = { ...fromProfile, ...Object.fromEntries(Object.entries(flags).filter(([, value]) => value !== undefined)) };
  const parsed = csvOptionsSchema.safeParse(merged);
  if (!parsed.success) throw usage(`CSV options: ${parsed.error.issues.map((i) => `${flagName(i.path.join('.'))} ${i.message}`).join('; ')}`);
  // Building the converter checks the date format and time zone before any file is read.
  recordConverter(parsed.data);
  return parsed.data;
}

const flagNames: Record<string, string> = { nullString: '--null', dateFormat: '--date-format', timeZone: '--time-zone', decimalComma: '--decimal-comma' };

function flagName(field: string): string {
  return flagNames[field] ?? `--${field}`;
}

/** Every flag `keyload load` accepts (the help above describes each). */
export const loadArgOptions = {
  dsn: { type: 'string' },
  table: { type: 'string' },
  key: { type: 'string' },
  mode: { type: 'string' },
  'create-table': { type: 'boolean' },
  map: { type: 'string', multiple: true },
  report: { type: 'string', multiple: true },
  'mapping-file': { type: 'string' },
  'ignore-extra-columns': { type: 'boolean' },
  'touch-column': { type: 'string' },
  'version-column': { type: 'string' },
  'file-type': { type: 'string' },
  delimiter: { type: 'string' },
  quote: { type: 'string' },
  escape: { type: 'string' },
  null: { type: 'string' },
  'date-format': { type: 'string' },
  'time-zone': { type: 'string' },
  'decimal-comma': { type: 'boolean' },
  trim: { type: 'boolean' },
  encoding: { type: 'string' },
  'stall-timeout': { type: 'string' },
  'max-decompressed': { type: 'string' },
  order: { type: 'string' },
  'conflict-policy': { type: 'string' },
  concurrency: { type: 'string' },
  'internal-concurrency': { type: 'string' },
  'disable-internal-parallelism': { type: 'boolean' },
  claim: { type: 'boolean' },
  'lease-seconds': { type: 'string' },
  'batch-size': { type: 'string' },
  'atomic-file': { type: 'boolean' },
  'max-retries': { type: 'string' },
  'retry-window': { type: 'string' },
  'lock-timeout': { type: 'string' },
  'on-error': { type: 'string' },
  'rejects-dir': { type: 'string' },
  'manifest-schema': { type: 'string' },
  force: { type: 'boolean' },
  'dry-run': { type: 'boolean' },
  // --no-undo too (allowNegative).
  undo: { type: 'boolean' },
  'undo-keep': { type: 'string' },
  json: { type: 'boolean' },
} as const satisfies ParseArgsOptionsConfig;

/** The policies named on their own; `version` comes with its column (version:<column>). */
const plainPolicies = CONFLICT_POLICIES.filter((policy) => policy !== 'version');

export async function parseLoadArgs(argv: string[]): Promise<LoadCommand> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      allowNegative: true,
      options: loadArgOptions,
    });
  } catch (error) {
    throw usage((error as Error).message);
  }
  const v = parsed.values;
  if (!v.table) throw usage('--table is required');
  if (parsed.positionals.length === 0) throw usage('Name at least one file or directory to load');
  const profile = v['mapping-file'] ? await readMappingFile(v['mapping-file']) : undefined;
  let map: Record<string, string | null> = profile?.columns ?? {};
  try {
    map = { ...map, ...parseMapArguments(v.map ?? []) };
  } catch (error) {
    throw usage((error as Error).message);
  }
  const options: LoadOptionsInput = {
    files: parsed.positionals,
    table: v.table,
    map,
    createTable: v['create-table'] ?? false,
    ignoreExtraColumns: v['ignore-extra-columns'] ?? false,
    atomicFile: v['atomic-file'] ?? false,
    force: v.force ?? false,
    dryRun: v['dry-run'] ?? false,
  };
  const csv = csvOptions(profile?.csv ?? {}, v);
  if (Object.keys(csv).length > 0) options.csv = csv;
  const key = v.key?.split(',').map((k) => k.trim()).filter(Boolean);
  if (key?.length) options.key = key;
  const mode = oneOf(v.mode, '--mode', WRITE_MODES);
  if (mode) options.mode = mode;
  const fileType = oneOf(v['file-type'], '--file-type', FILE_TYPES);
  if (fileType) options.fileType = fileType;
  const order = oneOf(v.order, '--order', FILE_ORDERS);
  if (order) options.order = order;
  const onError = oneOf(v['on-error'], '--on-error', ON_ERROR_CHOICES);
  if (onError) options.onError = onError;
  const policy = v['conflict-policy'];
  if (policy !== undefined) {
    const version = /^version:(.+)$/.exec(policy);
    if (version?.[1]) {
      options.conflictPolicy = 'version';
      options.versionColumn = version[1];
    } else {
      const plain = oneOf(policy, '--conflict-policy', plainPolicies);
      if (plain) options.conflictPolicy = plain;
    }
  }
  const concurrency = integer(v.concurrency, '--concurrency');
  if (concurrency !== undefined) options.concurrency = concurrency;
  const internal = integer(v['internal-concurrency'], '--internal-concurrency');
  if (internal !== undefined) options.internalConcurrency = internal;
  if (v['disable-internal-parallelism']) options.disableInternalParallelism = true;
  if (v.claim) options.claim = true;
  const lease = integer(v['lease-seconds'], '--lease-seconds');
  if (lease !== undefined) options.leaseSeconds = lease;
  const batchSize = integer(v['batch-size'], '--batch-size');
  if (batchSize !== undefined) options.batchSize = batchSize;
  const maxRetries = integer(v['max-retries'], '--max-retries');
  if (maxRetries !== undefined) options.maxRetries = maxRetries;
  const stallTimeout = v['stall-timeout'];
  if (stallTimeout !== undefined) {
    if (!/^\d+(\.\d+)?$/.test(stallTimeout) || Number(stallTimeout) <= 0) throw usage(`--stall-timeout expects seconds, got ${JSON.stringify(stallTimeout)}`);
    options.stallTimeoutSeconds = Number(stallTimeout);
  }
  const maxDecompressed = byteSize(v['max-decompressed'], '--max-decompressed');
  if (maxDecompressed !== undefined) options.maxDecompressedBytes = maxDecompressed;
  const retryWindow = duration(v['retry-window'], '--retry-window');
  if (retryWindow !== undefined) options.retryWindowSeconds = Math.ceil(retryWindow / 1000);
  const lockTimeout = duration(v['lock-timeout'], '--lock-timeout');
  if (lockTimeout !== undefined) options.lockTimeoutMs = lockTimeout;
  if (v['touch-column']) options.touchColumn = v['touch-column'];
  if (v['version-column']) {
    if (options.versionColumn && options.versionColumn !== v['version-column']) throw usage('--version-column and --conflict-policy version:<column> name different columns');
    options.versionColumn = v['version-column'];
  }
  if (v.undo !== undefined) options.undo = v.undo;
  const undoKeep = duration(v['undo-keep'], '--undo-keep');
  if (undoKeep !== undefined) options.undoKeepMs = undoKeep;
  if (v['rejects-dir']) options.rejectsDir = v['rejects-dir'];
  if (v['manifest-schema']) options.manifestSchema = v['manifest-schema'];
  const reports = (v.report ?? []).map((path) => resolve(path));
  for (const path of reports) reportFormatOf(path);
  return { options, dsn: v.dsn, json: v.json ?? false, reports };
}
