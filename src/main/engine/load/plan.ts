// Planning reads everything a load depends on and validates it, writing nothing: the files'
// formats and columns (in reader workers), the target table, the key, each file's column mapping,
// and which files the manifest says are already loaded. `--dry-run` stops here.
import { randomUUID } from 'node:crypto';
import { stat } from 'node:fs/promises';
import pg from 'pg';
import { ErrorCodes, KeyloadError, type ErrorInfo } from '../../../shared/errors.ts';
import type { ProposedColumn } from '../../../shared/ipc/contract.ts';
import { loadOptionsSchema, type LoadOptions, type LoadOptionsInput } from '../../../shared/load-options.ts';
import { KEYED_WRITE_MODES, LOAD_DEFAULTS, type WriteMode } from '../../../shared/vocabulary.ts';
import { toErrorInfo } from '../error-info.ts';
import type { FileInfo } from '../reader/protocol.ts';
import { ReaderClient } from '../reader/reader-client.ts';
import { displayName, parseTableName, quoteIdent, qualifiedName, type TableName } from '../sql/identifiers.ts';
import { introspectTable, type TargetTable } from '../target/introspect.ts';
import { resolveKey } from '../target/key.ts';
import { mapColumns, MAX_TABLE_COLUMNS, tooManyColumnsError, type ColumnMapping } from '../target/mapping.ts';
import { proposeFromSamples, sampleFile, unreadable, type FileSample } from '../target/propose-columns.ts';
import { mapLimit } from './runtime/concurrency.ts';
import { listFiles } from './file-list.ts';
import { openOptions } from './open-options.ts';
import { readManifest } from './manifest/manifest.ts';
import { staleNotice } from './manifest/table-identity.ts';
import { fitBudget, freeConnections, localServerCores, type PoolBudget } from './runtime/pool-budget.ts';
import { acquireClient } from './runtime/pool-client.ts';
import { openPool, type ConnectionConfig } from './runtime/pool.ts';
import { retryMessage, withRetry } from './runtime/retry.ts';
import type { UnitLayout } from './stage/unit-layout.ts';
import { validationSupport, type ValidationSupport } from './stage/validation.ts';

export interface PlannedFile {
  path: string;
  /** Position in load order: later files win over earlier ones. */
  rank: number;
  info: FileInfo | null;
  mapping: ColumnMapping | null;
  /** Set when the file cannot be loaded; the run reports it as failed and goes on. */
  error: ErrorInfo | null;
  /** The file is empty (0 bytes): it is skipped. */
  empty: boolean;
  alreadyLoaded: boolean;
  /** The units an interrupted earlier run merged this file in; it resumes with the same. */
  resumeLayout: UnitLayout | null;
}

export interface LoadPlan {
  runId: string;
  connection: ConnectionConfig;
  options: LoadOptions;
  /** Concurrency that fits the server's free connections. */
  budget: PoolBudget;
  support: ValidationSupport;
  /** Merge units wanted: hash partitions of the key, or about as many key ranges (run.ts). */
  partitions: number;
  /** The units a resumed file was merged in: the run keeps them. */
  resumedLayout: UnitLayout | null;
  table: TableName;
  target: TargetTable;
  /** CREATE TABLE to run first (--create-table and the table does not exist). */
  createTableSql: string | null;
  key: string[] | null;
  files: PlannedFile[];
  notices: string[];
}

const keyedModes: ReadonlySet<WriteMode> = new Set(KEYED_WRITE_MODES);

async function readInfo(path: string, options: LoadOptions): Promise<FileInfo> {
  const reader = new ReaderClient(path);
  try {
    return await reader.open(openOptions(options, path), true);
  } finally {
    await reader.close();
  }
}

/** The table to create: the proposed columns (with the caller's types), the key NOT NULL and primary. */
function tableFromColumns(table: TableName, columns: ProposedColumn[], key: string[] | null): TargetTable {
  return {
    ...table,
    referenced: false,
    rowTriggers: false,
    columns: columns.map((c) => ({
      name: c.name,
      type: c.pgType,
      notNull: key?.includes(c.name) ?? false,
      hasDefault: false,
      generated: false,
      identityAlways: false,
      comparable: true,
      fromSequence: false,
      collation: null,
    })),
    uniqueKeys: key ? [{ name: `${table.name}_pkey`, columns: key, primary: true }] : [],
  };
}

export function tableExistsError(table: TableName): KeyloadError {
  return new KeyloadError(ErrorCodes.tableExists, `Table ${displayName(table)} already exists: choose it as the target instead of creating a new table`, {
    hint: 'Load into it without creating a table, or name a new table.',
  });
}

/**
 * The columns of the table to create, from every readable file: the proposal, then the caller's
 * column types, each checked by the server (an unknown type is its error, named to the column).
 */
async function newTableColumns(client: pg.PoolClient, table: TableName, samples: FileSample[], options: LoadOptions): Promise<ProposedColumn[]> {
  const columns = proposeFromSamples(samples, options.map);
  if (columns.length > MAX_TABLE_COLUMNS) throw tooManyColumnsError(columns.length, `The new table ${displayName(table)}`, samples.length === 1 ? samples[0]?.path : undefined);
  const names = new Set(columns.map((c) => c.name));
  const unknown = Object.keys(options.columnTypes).filter((name) => !names.has(name));
  if (unknown.length > 0) {
    throw new KeyloadError(ErrorCodes.usage, `Column types are given for ${unknown.map((n) => `"${n}"`).join(', ')}, which no file has`, {
      hint: `The columns of ${displayName(table)} would be: ${[...names].join(', ')}.`,
    });
  }
  for (const [name, type] of Object.entries(options.columnTypes)) {
    // regtype input parses exactly one type name (with modifiers), so the name is safe to use in DDL.
    await client.query('SELECT $1::regtype', [type]).catch((error: unknown) => {
      const info = toErrorInfo(error);
      throw new KeyloadError(info.code, `Column "${name}": ${info.message}`, { column: name, cause: error });
    });
  }
  return columns.map((c) => {
    const pgType = options.columnTypes[c.name];
    return pgType ? { ...c, pgType } : c;
  });
}

function createTableSql(target: TargetTable, key: string[] | null): string {
  const columns = target.columns.map((c) => `${quoteIdent(c.name)} ${c.type}`);
  if (key) columns.push(`PRIMARY KEY (${key.map(quoteIdent).join(', ')})`);
  return `CREATE TABLE ${qualifiedName(target)} (${columns.join(', ')})`;
}

/** Checks that a file's mapping can be written in this mode; returns a reason when it cannot. */
function mappingProblem(mapping: ColumnMapping, target: TargetTable, key: string[] | null, options: LoadOptions): string | null {
  const mapped = new Set(mapping.mapped.map((m) => m.target));
  if (mapped.size === 0) return 'no file column matches a table column';
  const missingKey = key?.filter((k) => !mapped.has(k)) ?? [];
  if (missingKey.length > 0) return `the file has no column for key column(s) ${missingKey.join(', ')}`;
  const required = target.columns.filter((c) => c.notNull && !c.hasDefault && !c.generated && !mapped.has(c.name) && c.name !== options.touchColumn);
  if (required.length > 0 && options.mode !== 'ignore') {
    return `table column(s) ${required.map((c) => c.name).join(', ')} are NOT NULL without a default, and the file has no column for them`;
  }
  if (options.touchColumn && mapped.has(options.touchColumn)) return `the touch column ${options.touchColumn} is also mapped from the file`;
  if (options.versionColumn && !mapped.has(options.versionColumn)) return `the file has no column for the version column ${options.versionColumn}`;
  return null;
}

function checkColumnOption(target: TargetTable, name: string | undefined, role: string, flag: string): void {
  if (name && !target.columns.some((c) => c.name === name)) {
    throw new KeyloadError(ErrorCodes.usage, `The ${role} ${name} is not a column of ${displayName(target)}`, { hint: `Name an existing column with ${flag}.` });
  }
}

/** A file as planning first reads it: its info, or why it could not be read (`cause`, the original error). */
interface ReadFile {
  path: string;
  info: FileInfo | null;
  error: ErrorInfo | null;
  empty: boolean;
  cause?: unknown;
}

/**
 * Samples every readable file for a new table's types. A file that cannot be sampled fails alone;
 * with no file left, the error names the first file and why it could not be read.
 */
async function sampleReadable(infos: ReadFile[], options: LoadOptions, table: TableName): Promise<FileSample[]> {
  const sampled = await mapLimit(infos, 4, async (entry) => {
    if (!entry.info) return entry.error ? unreadable(entry.path, entry.cause) : null;
    try {
      return await sampleFile(entry.path, options);
    } catch (error) {
      const failure = error instanceof KeyloadError ? error : unreadable(entry.path, error);
      entry.info = null;
      entry.error = failure.toInfo();
      return failure;
    }
  });
  const samples = sampled.filter((s): s is FileSample => s !== null && !(s instanceof KeyloadError));
  const firstFailure = sampled.find((s): s is KeyloadError => s instanceof KeyloadError);
  if (samples.length > 0) return samples;
  if (!firstFailure) throw new KeyloadError(ErrorCodes.usage, `Cannot create ${displayName(table)}: every file is empty`);
  throw new KeyloadError(firstFailure.code, `Cannot create ${displayName(table)}: ${firstFailure.message}`, { ...firstFailure.location, hint: firstFailure.hint, cause: firstFailure });
}

/**
 * Enough partitions for every merge worker, and about one --batch-size of rows per partition of the
 * largest file (from its size, at a conservative 64 bytes a row), as a power of two up to 256.
 */
export function partitionCount(workers: number, largestFileBytes: number, batchSize: number): number {
  const wanted = Math.max(workers, Math.ceil(largestFileBytes / 64 / batchSize));
  return Math.min(256, 2 ** Math.ceil(Math.log2(Math.max(1, wanted))));
}

/**
 * Plans the load. A server that is unreachable or restarting is waited for like during the run
 * (--retry-window); planning then starts over, files included. `onNotice` hears about the retries.
 * `runId` is the caller's name for the run (the app's, so its history, report and manifest rows
 * agree); a new one by default.
 */
export async function planLoad(connection: ConnectionConfig, input: LoadOptionsInput, onNotice: (message: string) => void = () => {}, runId: string = randomUUID()): Promise<LoadPlan> {
  const policy = { maxRetries: input.maxRetries ?? LOAD_DEFAULTS.maxRetries, retryWindowSeconds: input.retryWindowSeconds ?? LOAD_DEFAULTS.retryWindowSeconds };
  return withRetry(
    policy,
    async () => {
      const pool = openPool(connection, 2);
      try {
        return await planWith(pool, connection, input, runId);
      } finally {
        await pool.end();
      }
    },
    (error, retry) => onNotice(retryMessage('Planning', error, retry, policy)),
  );
}

async function planWith(pool: pg.Pool, connection: ConnectionConfig, input: LoadOptionsInput, runId: string): Promise<LoadPlan> {
  const parsed = loadOptionsSchema.safeParse(input);
  if (!parsed.success) throw new KeyloadError(ErrorCodes.usage, parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  const options = parsed.data;
  if (options.mode === 'append' && options.touchColumn) {
    throw new KeyloadError(ErrorCodes.usage, 'A touch column is not available when appending', { hint: 'Drop --touch-column, or give the column DEFAULT now() instead.' });
  }
  const table = parseTableName(options.table);
  const paths = await listFiles(options.files, options.order);
  if (paths.length === 0) throw new KeyloadError(ErrorCodes.usage, 'No files to load: the directories given are empty');

  // The files are opened (sniffed, hashed) in reader workers while the server is asked about the table.
  const reading: Promise<ReadFile[]> = Promise.all(
    paths.map(async (path): Promise<ReadFile> => {
      try {
        return { path, info: await readInfo(path, options), error: null, empty: false };
      } catch (error) {
        const empty = await stat(path).then((s) => s.isFile() && s.size === 0, () => false);
        return { path, info: null, error: empty ? null : toErrorInfo(error, path), empty, cause: error };
      }
    }),
  );

  const notices: string[] = [];
  const { client, release } = await acquireClient(pool);
  try {
    let target = await introspectTable(client, table);
    const free = await freeConnections(client);
    const serverCores = await localServerCores(client);
    const support = await validationSupport(client);
    const infos = await reading;
    let createSql: string | null = null;
    let key: string[] | null;
    if (target && options.createTable && options.tableMustBeNew) throw tableExistsError(table);
    if (!target) {
      if (!options.createTable) {
        throw new KeyloadError(ErrorCodes.tableNotFound, `Table ${displayName(table)} does not exist`, { hint: 'Pass --create-table to create it from the files.' });
      }
      key = options.key ?? null;
      if (!key && keyedModes.has(options.mode)) {
        throw new KeyloadError(ErrorCodes.keyMissing, `A new table loaded with ${options.mode} needs key columns`, { hint: 'Name the key columns, e.g. --key id, or use --mode append.' });
      }
      const samples = await sampleReadable(infos, options, table);
      const proposed = await newTableColumns(client, table, samples, options);
      const columns = new Set(proposed.map((c) => c.name));
      const unknown = key?.filter((k) => !columns.has(k)) ?? [];
      if (unknown.length > 0) throw new KeyloadError(ErrorCodes.keyMissing, `Key column(s) ${unknown.join(', ')} are in none of the files`);
      target = tableFromColumns(table, proposed, key);
      createSql = createTableSql(target, key);
      notices.push(`Table ${displayName(table)} will be created from ${samples.length === 1 ? samples[0]?.path : `${samples.length} files`}`);
    } else if (keyedModes.has(options.mode)) {
      key = resolveKey(target, options.key);
    } else if (options.mode === 'replace' && (options.key || target.uniqueKeys.some((k) => k.primary))) {
      key = resolveKey(target, options.key);
    } else {
      key = null;
      if (options.key) notices.push(`Key columns are not used when the mode is ${options.mode}`);
    }
    if (!createSql && Object.keys(options.columnTypes).length > 0) notices.push(`Column types are only used to create a table; ${displayName(table)} exists`);
    checkColumnOption(target, options.touchColumn, 'touch column', '--touch-column');
    checkColumnOption(target, options.versionColumn, 'version column', '--version-column');

    const files: PlannedFile[] = [];
    for (const [rank, entry] of infos.entries()) {
      const file: PlannedFile = { path: entry.path, rank, info: entry.info, mapping: null, error: entry.error, empty: entry.empty, alreadyLoaded: false, resumeLayout: null };
      files.push(file);
      if (!file.info) continue;
      try {
        file.mapping = mapColumns(file.info.columns.map((c) => c.name), target.columns, { explicit: options.map, ignoreExtraColumns: options.ignoreExtraColumns, file: file.path });
        const problem = mappingProblem(file.mapping, target, key, options);
        if (problem) throw new KeyloadError(ErrorCodes.mapping, `Cannot load into ${displayName(table)}: ${problem}`, { file: file.path });
      } catch (error) {
        file.error = toErrorInfo(error, file.path);
        continue;
      }
      if (file.info.sha256 && !options.force && options.mode !== 'replace' && !createSql) {
        const record = await readManifest(client, options.manifestSchema, file.info.sha256, table);
        if (record?.stale) notices.push(staleNotice(file.path, table, record.status, record.recordedAt, record.stale));
        const state = record?.stale ? null : record;
        file.alreadyLoaded = state?.status === 'loaded';
        if (state?.status === 'loading' && state.mode === options.mode) file.resumeLayout = { parts: state.parts, bounds: state.bounds };
      }
    }
    const readable = files.filter((f) => f.info);
    const unknownSources = Object.keys(options.map).filter((name) => readable.length > 0 && !readable.some((f) => f.info?.columns.some((c) => c.name === name)));
    if (unknownSources.length > 0) {
      throw new KeyloadError(ErrorCodes.mapping, `The column mapping names file column(s) ${unknownSources.map((n) => `"${n}"`).join(', ')}, which no file has`, {
        hint: 'Check the names given with --map or in the mapping file.',
      });
    }
    const internal = options.disableInternalParallelism ? 1 : options.internalConcurrency;
    const budget = fitBudget({ concurrency: options.concurrency, internalConcurrency: internal }, free, serverCores);
    if (budget.notice) notices.push(budget.notice);
    const largest = Math.max(0, ...files.map((f) => f.info?.totalBytes ?? 0));
    const resumedLayout = files.find((f) => f.resumeLayout !== null && !f.alreadyLoaded)?.resumeLayout ?? null;
    const partitions = partitionCount(budget.concurrency * budget.internalConcurrency, largest, options.batchSize);
    return { runId, connection, options, budget, support, partitions, resumedLayout, table, target, createTableSql: createSql, key, files, notices };
  } finally {
    release(false);
  }
}
