// The exact command lines compared: Keyload's CLI, psql's \copy (plain and as an upsert script),
// and pgloader. Each comes with a display form for the report, where the throw-away server's URL
// and the temp directory read as $DATABASE_URL and $BENCH_DIR.
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
}

export interface Tool {
  name: string;
  argv: string[];
  env: NodeJS.ProcessEnv;
  /** Shown in the report: the command, plus any script it runs. */
  display: string;
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

/** psql with no ~/.psqlrc, stopping at the first error; UTF-8 whatever the machine's locale. */
function psql(paths: BenchPaths, args: string[]): { argv: string[]; env: NodeJS.ProcessEnv } {
  return { argv: ['psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', paths.url, ...args], env: { ...process.env, PGCLIENTENCODING: 'UTF8' } };
}

export function psqlAppend(paths: BenchPaths, file: string): Tool {
  const { argv, env } = psql(paths, ['-c', `\\copy ${TABLE} FROM '${file}' CSV HEADER`]);
  return { name: 'psql \\copy', argv, env, display: showArgv(paths, argv) };
}

/** The hand-written upsert the issue compares against: stage in a temp table, one INSERT ... ON CONFLICT. */
export async function psqlUpsert(paths: BenchPaths, file: string): Promise<Tool> {
  const script = join(paths.dir, 'psql-upsert.sql');
  const text = `BEGIN;
CREATE TEMP TABLE s (LIKE ${TABLE}) ON COMMIT DROP;
\\copy s FROM '${file}' CSV HEADER
INSERT INTO ${TABLE} SELECT DISTINCT ON (id) * FROM s ORDER BY id
  ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, city = EXCLUDED.city, amount = EXCLUDED.amount, created_at = EXCLUDED.created_at;
COMMIT;
`;
  await writeFile(script, text);
  const { argv, env } = psql(paths, ['-f', script]);
  return { name: 'psql upsert', argv, env, display: `${showArgv(paths, argv)}\n\n${show(paths, text)}` };
}

export function keyload(paths: BenchPaths, file: string, mode: 'append' | 'upsert'): Tool {
  const args = ['load', '--dsn', paths.url, '--table', TABLE, ...(mode === 'append' ? ['--mode', 'append'] : []), '--json', file];
  const argv = [process.execPath, KEYLOAD_BIN, ...args];
  const env = { ...process.env, KEYLOAD_HOME: join(paths.dir, 'keyload-home') };
  return { name: 'keyload', argv, env, display: `KEYLOAD_HOME=$BENCH_DIR/keyload-home ${showArgv(paths, ['node', 'bin/keyload.js', ...args])}` };
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
