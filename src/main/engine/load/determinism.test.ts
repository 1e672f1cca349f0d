// Keyload's promise: whatever the concurrency, the table ends up exactly as loading the files one
// at a time in order would leave it. Random CSV and Parquet files with heavily overlapping keys and
// duplicates are loaded with random settings and compared with a plain TypeScript model.
import fc from 'fast-check';
import { parquetWriteFile } from 'hyparquet-writer';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../../test/database.ts';
import { createHarness, type Harness } from '../../../../test/load-harness.ts';

interface Row {
  k: number;
  a: string | null;
  n: number | null;
  v: number;
}
interface GeneratedFile {
  rows: Row[];
  format: 'csv' | 'parquet';
  /** Files may leave out column n: stored values then stay, inserts get NULL. */
  hasN: boolean;
}
type Policy = 'last' | 'first' | 'version';
type Mode = 'upsert' | 'ignore';
type Table = Map<number, { a: string | null; n: number | null; v: number }>;

/** Loading the files one at a time: per file one survivor per key, then the mode's rule. */
function model(initial: Table, files: GeneratedFile[], mode: Mode, policy: Policy): Table {
  const table: Table = new Map([...initial].map(([k, r]) => [k, { ...r }]));
  const writtenByLoad = new Set<number>();
  for (const file of files) {
    const survivors = new Map<number, Row>();
    for (const row of file.rows) {
      const held = survivors.get(row.k);
      const wins = !held || (policy === 'last' ? true : policy === 'first' ? false : row.v > held.v);
      if (wins) survivors.set(row.k, row);
    }
    for (const row of survivors.values()) {
      const stored = table.get(row.k);
      const next = { a: row.a, n: file.hasN ? row.n : (stored?.n ?? null), v: row.v };
      if (!stored) table.set(row.k, next);
      else if (mode === 'ignore') continue;
      else if (policy === 'first' && writtenByLoad.has(row.k)) continue;
      else if (policy === 'version' && !(row.v > stored.v)) continue;
      else table.set(row.k, next);
      writtenByLoad.add(row.k);
    }
  }
  return table;
}

function csvField(value: string | number | null): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\n\r]/.test(text) || text === '' ? `"${text.replaceAll('"', '""')}"` : text;
}

async function writeFile(h: Harness, name: string, file: GeneratedFile): Promise<string> {
  const columns = file.hasN ? (['k', 'a', 'n', 'v'] as const) : (['k', 'a', 'v'] as const);
  if (file.format === 'csv') {
    const lines = [columns.join(','), ...file.rows.map((r) => columns.map((c) => csvField(r[c])).join(','))];
    return h.file(`${name}.csv`, `${lines.join('\r\n')}\r\n`);
  }
  const path = `${h.dir}/${name}.parquet`;
  parquetWriteFile({
    filename: path,
    columnData: [
      { name: 'k', data: file.rows.map((r) => r.k), type: 'INT32', nullable: false },
      { name: 'a', data: file.rows.map((r) => r.a), type: 'STRING' },
      ...(file.hasN ? [{ name: 'n', data: file.rows.map((r) => r.n), type: 'INT32' as const }] : []),
      { name: 'v', data: file.rows.map((r) => r.v), type: 'INT32', nullable: false },
    ],
    rowGroupSize: 7,
  });
  return path;
}

const rowArb = fc.record({
  k: fc.integer({ min: 0, max: 24 }),
  a: fc.option(fc.string({ minLength: 1, maxLength: 6, unit: fc.constantFrom('x', 'y', ',', '"', 'é', '\n', ' ') }), { freq: 6 }),
  n: fc.option(fc.integer({ min: -1000, max: 1000 }), { freq: 5 }),
  v: fc.integer({ min: 0, max: 9 }),
});
const fileArb = fc.record({
  rows: fc.array(rowArb, { minLength: 0, maxLength: 40 }),
  format: fc.constantFrom('csv' as const, 'parquet' as const),
  hasN: fc.boolean().map((b) => b || Math.random() < 0.6),
});
const caseArb = fc.record({
  initial: fc.array(rowArb, { maxLength: 15 }),
  files: fc.array(fileArb, { minLength: 1, maxLength: 5 }),
  concurrency: fc.integer({ min: 1, max: 8 }),
  internalConcurrency: fc.integer({ min: 1, max: 3 }),
  batchSize: fc.integer({ min: 1, max: 30 }),
  mode: fc.constantFrom<Mode>('upsert', 'upsert', 'ignore'),
  policy: fc.constantFrom<Policy>('last', 'first', 'version'),
});

let db: TestDatabase;
let h: Harness;
beforeAll(async () => {
  db = await createTestDatabase();
  h = await createHarness(db);
});
afterAll(async () => {
  await h.close();
  await db.drop();
});

let caseNumber = 0;
test('any concurrency and batch size gives the table that loading the files one at a time gives', { timeout: 600_000 }, async () => {
  await fc.assert(
    fc.asyncProperty(caseArb, async (c) => {
      const table = `det_${++caseNumber}`;
      await db.query(`CREATE TABLE ${table} (k int PRIMARY KEY, a text, n int, v int NOT NULL)`);
      const initial: Table = new Map(c.initial.map((r) => [r.k, { a: r.a, n: r.n, v: r.v }]));
      for (const [k, r] of initial) await db.query(`INSERT INTO ${table} VALUES ($1, $2, $3, $4)`, [k, r.a, r.n, r.v]);
      const paths = await Promise.all(c.files.map((f, i) => writeFile(h, `${table}_${i}`, f)));
      const result = await h.load({
        files: paths,
        table,
        mode: c.mode,
        concurrency: c.concurrency,
        internalConcurrency: c.internalConcurrency,
        batchSize: c.batchSize,
        ...(c.policy === 'version' ? { conflictPolicy: 'version', versionColumn: 'v' } : { conflictPolicy: c.policy }),
      });
      expect(result.files.map((f) => f.error?.message ?? f.status)).toEqual(paths.map(() => 'loaded'));
      const expected = model(initial, c.files, c.mode, c.policy);
      const actual = await db.query<{ k: number; a: string | null; n: number | null; v: number }>(`SELECT k, a, n, v FROM ${table} ORDER BY k`);
      expect(actual).toEqual([...expected].sort(([x], [y]) => x - y).map(([k, r]) => ({ k, ...r })));
      const loadedRows = c.files.reduce((n, f) => n + f.rows.length, 0);
      const t = result.totals;
      expect(t.read).toBe(loadedRows);
      expect(t.inserted + t.updated + t.unchanged + t.collapsed).toBe(loadedRows);
      await db.query(`DROP TABLE ${table}`);
    }),
    { numRuns: 40, timeout: 20_000 },
  );
});
