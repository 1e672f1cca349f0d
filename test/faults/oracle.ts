// The fault suite's oracle, independent of Keyload's code: the files' generated rows go into a
// source table with plain INSERTs, and the reference table is built by loading them one file at a
// time, in order, with one plain `INSERT ... ON CONFLICT` per file. After a run, the target's
// digest is compared with the reference's, and the traces a dead run could leave are looked for.
import type pg from 'pg';
import type { FaultMode, FaultPolicy, FaultRow } from './scenario.ts';

export interface FaultDb {
  query<T extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params?: unknown[]): Promise<T[]>;
}

export interface Tables {
  target: string;
  /** oracle.src_<n>: every generated row with its file and ordinal. */
  source: string;
  /** oracle.ref_<n>: the serial-order result. */
  reference: string;
}

const COLUMNS = 'k int, a text, n int, v int NOT NULL';

export function tablesFor(n: number): Tables {
  return { target: `f_${n}`, source: `oracle.src_${n}`, reference: `oracle.ref_${n}` };
}

async function insertRows(db: FaultDb, table: string, rows: FaultRow[], file?: number): Promise<void> {
  // Bounded chunks keep each statement's parameters small.
  for (let at = 0; at < rows.length; at += 20_000) {
    const chunk = rows.slice(at, at + 20_000);
    const columns = [chunk.map((r) => r.k), chunk.map((r) => r.a), chunk.map((r) => r.n), chunk.map((r) => r.v)];
    if (file === undefined) {
      await db.query(`INSERT INTO ${table} (k, a, n, v) SELECT * FROM unnest($1::int[], $2::text[], $3::int[], $4::int[])`, columns);
    } else {
      const ordinals = chunk.map((_, i) => at + i);
      await db.query(`INSERT INTO ${table} (file, ord, k, a, n, v) SELECT $5::int, * FROM unnest($6::int[], $1::int[], $2::text[], $3::int[], $4::int[])`, [...columns, file, ordinals]);
    }
  }
}

/** Within one file, which row of a key survives under the policy. */
const survivorOrder: Record<FaultPolicy, string> = {
  last: 'k, ord DESC',
  first: 'k, ord',
  version: 'k, v DESC, ord',
};

/** What a file's surviving row does to a key the table already holds, serially. */
function conflictAction(mode: FaultMode, policy: FaultPolicy, source: string, file: number): string {
  if (mode === 'ignore') return 'ON CONFLICT (k) DO NOTHING';
  const update = 'ON CONFLICT (k) DO UPDATE SET a = EXCLUDED.a, n = EXCLUDED.n, v = EXCLUDED.v';
  // `first`: a key an earlier file of the load wrote stays; stored rows are overwritten.
  if (policy === 'first') return `${update} WHERE NOT EXISTS (SELECT 1 FROM ${source} s WHERE s.file < ${file} AND s.k = r.k)`;
  // `version`: only a strictly newer version replaces the stored row.
  if (policy === 'version') return `${update} WHERE EXCLUDED.v > r.v`;
  return update;
}

/** Creates the target with its initial rows, and the reference table as a serial load leaves it. */
export async function prepareTables(db: FaultDb, t: Tables, mode: FaultMode, policy: FaultPolicy, initial: FaultRow[], files: FaultRow[][]): Promise<void> {
  const key = mode === 'append' ? '' : ', PRIMARY KEY (k)';
  await db.query('CREATE SCHEMA IF NOT EXISTS oracle');
  await db.query(`CREATE TABLE ${t.target} (${COLUMNS}${key})`);
  await db.query(`CREATE TABLE ${t.reference} (${COLUMNS}${key})`);
  await db.query(`CREATE TABLE ${t.source} (file int NOT NULL, ord int NOT NULL, ${COLUMNS})`);
  await insertRows(db, t.target, initial);
  await insertRows(db, t.reference, initial);
  for (const [file, rows] of files.entries()) await insertRows(db, t.source, rows, file);
  await db.query(`CREATE INDEX ON ${t.source} (file, k)`);
  for (let file = 0; file < files.length; file++) {
    if (mode === 'append') {
      await db.query(`INSERT INTO ${t.reference} SELECT k, a, n, v FROM ${t.source} WHERE file = ${file}`);
      continue;
    }
    await db.query(`INSERT INTO ${t.reference} AS r
      SELECT DISTINCT ON (k) k, a, n, v FROM ${t.source} WHERE file = ${file} ORDER BY ${survivorOrder[policy]}
      ${conflictAction(mode, policy, t.source, file)}`);
  }
}

const digestSql = (table: string) =>
  `SELECT count(*)::int AS rows, md5(COALESCE(string_agg(concat_ws('|', k, a, n, v), ',' ORDER BY k, a, n, v), '')) AS digest FROM ${table}`;

/** Differences between the target and the reference, as a sentence; null when they are equal. */
export async function tableDifference(db: FaultDb, t: Tables): Promise<string | null> {
  const [actual] = await db.query<{ rows: number; digest: string }>(digestSql(t.target));
  const [expected] = await db.query<{ rows: number; digest: string }>(digestSql(t.reference));
  if (actual?.digest === expected?.digest) return null;
  const sample = (from: string, minus: string) => db.query(`SELECT k, a, n, v FROM (SELECT k, a, n, v FROM ${from} EXCEPT ALL SELECT k, a, n, v FROM ${minus}) d ORDER BY k LIMIT 5`);
  const count = async (from: string, minus: string) =>
    (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM (SELECT k, a, n, v FROM ${from} EXCEPT ALL SELECT k, a, n, v FROM ${minus}) d`))[0]?.n;
  return [
    `table ${actual?.rows} rows digest ${actual?.digest}, serial order ${expected?.rows} rows digest ${expected?.digest}`,
    `${await count(t.target, t.reference)} rows only in the table, e.g. ${JSON.stringify(await sample(t.target, t.reference))}`,
    `${await count(t.reference, t.target)} rows only in the serial result, e.g. ${JSON.stringify(await sample(t.reference, t.target))}`,
  ].join('; ');
}

/** Files a run reported loaded whose rows are not all in the table (keys for keyed modes, rows for append). */
export async function loadedButMissing(db: FaultDb, t: Tables, mode: FaultMode, loadedFiles: number[]): Promise<string[]> {
  const problems: string[] = [];
  for (const file of loadedFiles) {
    const sql =
      mode === 'append'
        ? `SELECT count(*)::int AS n FROM (SELECT k, a, n, v FROM ${t.source} WHERE file = $1 EXCEPT ALL SELECT k, a, n, v FROM ${t.target}) d`
        : `SELECT count(*)::int AS n FROM ${t.source} s WHERE file = $1 AND NOT EXISTS (SELECT 1 FROM ${t.target} x WHERE x.k = s.k)`;
    const [missing] = await db.query<{ n: number }>(sql, [file]);
    if (missing && missing.n > 0) problems.push(`file ${file} reported loaded but ${missing.n} of its ${mode === 'append' ? 'rows' : 'rows\' keys'} are not in the table`);
  }
  return problems;
}

/** Manifest rows of the scenario's files not `loaded`, and Keyload staging tables still in its schema. */
export async function tracesLeft(db: FaultDb, paths: string[]): Promise<string[]> {
  const manifest = await db.query<{ path: string; status: string }>(`SELECT path, status FROM keyload.keyload_manifest WHERE path = ANY($1) AND status <> 'loaded'`, [paths]);
  const staging = await db.query<{ relname: string }>(
    `SELECT c.relname FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace WHERE s.nspname = 'keyload' AND c.relname LIKE 's\\_%' AND c.relkind IN ('r', 'p')`,
  );
  return [
    ...manifest.map((m) => `manifest row of ${m.path} is still '${m.status}'`),
    ...(staging.length > 0 ? [`staging tables left: ${staging.map((s) => s.relname).join(', ')}`] : []),
  ];
}

export async function dropTables(db: FaultDb, t: Tables): Promise<void> {
  await db.query(`DROP TABLE IF EXISTS ${t.target}, ${t.source}, ${t.reference}`);
}

/** The table's rows, in key order, as one hash. */
export async function tableDigest(db: FaultDb, table: string): Promise<string> {
  const rows = await db.query<{ digest: string | null }>(`SELECT md5(string_agg(t::text, '|' ORDER BY t::text)) AS digest FROM ${table} t`);
  return rows[0]?.digest ?? 'empty';
}
