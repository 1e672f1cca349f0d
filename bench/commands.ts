// The exact command lines compared: Keyload's CLI (load and preview), psql's \copy (plain, as an
// upsert script, and that script once per file in a loop), and pgloader. Each comes with a display
// form for the report, where the throw-away server's URL and the temp directory read as
// $DATABASE_URL and $BENCH_DIR.
import { spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const TABLE = 'bench_t';
export const CREATE_TABLE = `CREATE TABLE ${TABLE} (id bigint PRIMARY KEY, name text, city text, amount bigint, created_at timestamptz)`;

const KEYLOAD_BIN = fileURLToPath(new URL('../bin/keyload.js', import.meta.url));

export interface BenchPaths {
  url: string;
  /** Temp directory holding the data files, scripts and KEYLOAD_HOME. */
  dir: string;
  /** The psql program: the server's own major version where there is one. */
  psql: string;
}

/** Files given to a command, in order. */
export interface FileList {
  paths: string[];
  /** A shell pattern that expands to exactly these paths in this order: shown instead of a long list. */
  glob?: string;
}

export interface Tool {
  name: string;
  argv: string[];
  env: NodeJS.ProcessEnv;
  /** Shown in the report: the command, plus any script it runs. */
  display: string;
  /** Keyload's CLI: its progress lines give the stage split and its --json output the counts. */
  keyload?: boolean;
}

/** Double quotes where they suffice, so a displayed $BENCH_DIR still expands when pasted. */
function shellQuote(arg: string): string {
  if (/^[\w@%+=:,./-]+$/.test(arg)) return arg;
  const doubleQuotable = !/["`$]|\\[$`"\\]/.test(arg);
  return doubleQuotable ? `"${arg}"` : `'${arg.replaceAll("'", `'\\''`)}'`;
}

function show(paths: BenchPaths, text: string): string {
  return text.replaceAll(paths.url, '$DATABASE_URL').replaceAll(paths.dir, '$BENCH_DIR');
}

function showArgv(paths: BenchPaths, argv: string[]): string {
  return show(paths, argv.map(shellQuote).join(' '));
}

/** The files as a shell word list: their glob where they have one (the report stays readable with 1,000 files). */
function showFiles(paths: BenchPaths, files: FileList): string {
  return files.glob ? show(paths, files.glob) : showArgv(paths, files.paths);
}

/** psql with no ~/.psqlrc, stopping at the first error; UTF-8 whatever the machine's locale. */
function psql(paths: BenchPaths, args: string[]): { argv: string[]; env: NodeJS.ProcessEnv } {
  return { argv: [paths.psql, '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', paths.url, ...args], env: { ...process.env, PGCLIENTENCODING: 'UTF8' } };
}

export function psqlAppend(paths: BenchPaths, file: string): Tool {
  const { argv, env } = psql(paths, ['-c', `\\copy ${TABLE} FROM '${file}' CSV HEADER`]);
  return { name: 'psql \\copy', argv, env, display: showArgv(paths, argv) };
}

const UPSERT_SQL = `INSERT INTO ${TABLE} SELECT DISTINCT ON (id) * FROM s ORDER BY id
  ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, city = EXCLUDED.city, amount = EXCLUDED.amount, created_at = EXCLUDED.created_at;`;

/** Stage in a temp table, one INSERT ... ON CONFLICT; `source` is \\copy's source ('file' or pstdin). */
function upsertScript(source: string): string {
  return `BEGIN;
CREATE TEMP TABLE s (LIKE ${TABLE}) ON COMMIT DROP;
\\copy s FROM ${source} CSV HEADER
${UPSERT_SQL}
COMMIT;
`;
}

/** The hand-written upsert the issue compares against: stage in a temp table, one INSERT ... ON CONFLICT. */
export async function psqlUpsert(paths: BenchPaths, file: string): Promise<Tool> {
  const script = join(paths.dir, 'psql-upsert.sql');
  const text = upsertScript(`'${file}'`);
  await writeFile(script, text);
  const { argv, env } = psql(paths, ['-f', script]);
  return { name: 'psql upsert', argv, env, display: `${showArgv(paths, argv)}\n\n${show(paths, text)}` };
}

/**
 * The same upsert once per file, one psql process after another in file order (the loop stops at
 * the first failure): a later file's row wins, as in Keyload's default --conflict-policy last.
 */
export async function psqlUpsertLoop(paths: BenchPaths, files: FileList): Promise<Tool> {
  const script = join(paths.dir, 'psql-upsert-stdin.sql');
  const text = upsertScript('pstdin');
  await writeFile(script, text);
  const { argv: psqlArgv, env } = psql(paths, ['-f', script]);
  const loop = (list: string) => `for f in ${list}; do\n  ${psqlArgv.map(shellQuote).join(' ')} < "$f" || exit 1\ndone`;
  const shown = `${show(paths, loop(showFiles(paths, files)))}\n\n# ${show(paths, script)}:\n${show(paths, text)}`;
  return { name: 'psql loop', argv: ['sh', '-c', loop(files.paths.map(shellQuote).join(' '))], env, display: shown };
}

/**
 * For scale only: the same per-file upsert in `streams` concurrent loops (file i in loop i mod
 * streams). Which file's row wins a shared key then depends on timing, so its table is not checked.
 */
export async function psqlUpsertStreams(paths: BenchPaths, files: string[], streams: number): Promise<Tool> {
  const loops = await Promise.all(
    Array.from({ length: streams }, (_, s) => psqlUpsertLoop(paths, { paths: files.filter((_, i) => i % streams === s) })),
  );
  const script = [...loops.map((loop, s) => `(\n${loop.argv[2]}\n) & pid${s}=$!`), loops.map((_, s) => `wait $pid${s} || exit 1`).join('; ')].join('\n');
  return { name: `psql ${streams} loops`, argv: ['sh', '-c', script], env: loops[0]?.env ?? process.env, display: show(paths, script) };
}

export interface KeyloadOptions {
  command?: 'load' | 'preview';
  mode?: 'append' | 'upsert';
  /** Extra flags, e.g. ['--concurrency', '4']. */
  flags?: string[];
  /** The tool's name in the report (default: keyload). */
  name?: string;
}

/** The real CLI as a user runs it, with --json (the result, or the preview, on stdout). */
export function keyload(paths: BenchPaths, files: FileList, options: KeyloadOptions = {}): Tool {
  const { command = 'load', mode = 'upsert', flags = [], name = 'keyload' } = options;
  const args = [command, '--dsn', paths.url, '--table', TABLE, ...(mode === 'append' ? ['--mode', 'append'] : []), ...flags, '--json'];
  const argv = [process.execPath, KEYLOAD_BIN, ...args, ...files.paths];
  const env = { ...process.env, KEYLOAD_HOME: join(paths.dir, 'keyload-home') };
  const display = `KEYLOAD_HOME=$BENCH_DIR/keyload-home ${showArgv(paths, ['node', 'bin/keyload.js', ...args])} ${showFiles(paths, files)}`;
  return { name, argv, env, display, keyload: true };
}

export const hasPgloader = spawnSync('pgloader', ['--version']).status === 0;

/** pgloader with its defaults for CSV, told only the file's dialect and the target table. */
export async function pgloader(paths: BenchPaths, file: string): Promise<Tool> {
  const script = join(paths.dir, 'append.load');
  const text = `LOAD CSV
  FROM '${file}' (id, name, city, amount, created_at)
  INTO ${paths.url}?tablename=${TABLE} (id, name, city, amount, created_at)
  WITH skip header = 1, fields optionally enclosed by '"', fields escaped by double-quote, fields terminated by ',';
`;
  await writeFile(script, text);
  const argv = ['pgloader', '--root-dir', join(paths.dir, 'pgloader'), script];
  return { name: 'pgloader', argv, env: process.env, display: `${showArgv(paths, argv)}\n\n${show(paths, text)}` };
}
