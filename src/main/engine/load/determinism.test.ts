// Keyload's promise: whatever the concurrency, the table ends up exactly as loading the files one
// at a time in order would leave it. Random CSV and Parquet files with heavily overlapping keys and
// duplicates are loaded with random settings and compared with a plain TypeScript model. Insert
// mode gets its own cases, with fewer collisions, so that some files load and some fail.
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { ErrorCodes } from '../../../shared/errors.ts';
import { caseArb, insertCaseArb, writeGeneratedFile, type GeneratedFile, type Mode, type Policy, type Row, type Table } from '../../../../test/generated-files.ts';
import { useTestHarness } from '../../../../test/load-harness.ts';

type TestCase = typeof caseArb extends fc.Arbitrary<infer C> ? C : never;

/** One survivor per key of a file, by the policy. */
function survivorsOf(file: GeneratedFile, policy: Policy): Row[] {
  const survivors = new Map<number, Row>();
  for (const row of file.rows) {
    const held = survivors.get(row.k);
    const wins = !held || (policy === 'last' ? true : policy === 'first' ? false : row.v > held.v);
    if (wins) survivors.set(row.k, row);
  }
  return [...survivors.values()];
}

interface Serial {
  table: Table;
  /** Per file: whether loading it on its own failed (insert mode meeting a key that exists). */
  failed: boolean[];
}

/** Loading the files one at a time: per file one survivor per key, then the mode's rule. */
function model(initial: Table, files: GeneratedFile[], mode: Mode, policy: Policy): Serial {
  const table: Table = new Map([...initial].map(([k, r]) => [k, { ...r }]));
  const writtenByLoad = new Set<number>();
  const failed = files.map((file) => {
    const survivors = survivorsOf(file, policy);
    // Insert writes nothing of a file that holds a key the table already has.
    if (mode === 'insert' && survivors.some((row) => table.has(row.k))) return true;
    for (const row of survivors) {
      const stored = table.get(row.k);
      const next = { a: row.a, n: file.hasN ? row.n : (stored?.n ?? null), v: row.v };
      if (!stored) table.set(row.k, next);
      else if (mode === 'ignore') continue;
      else if (policy === 'first' && writtenByLoad.has(row.k)) continue;
      else if (policy === 'version' && !(row.v > stored.v)) continue;
      else table.set(row.k, next);
      writtenByLoad.add(row.k);
    }
    return false;
  });
  return { table, failed };
}

const t = useTestHarness();

let caseNumber = 0;
async function loadMatchesSerialModel(c: TestCase): Promise<void> {
  const table = `det_${++caseNumber}`;
  await t.db.query(`CREATE TABLE ${table} (k int PRIMARY KEY, a text, n int, v int NOT NULL)`);
  const initial: Table = new Map(c.initial.map((r) => [r.k, { a: r.a, n: r.n, v: r.v }]));
  for (const [k, r] of initial) await t.db.query(`INSERT INTO ${table} VALUES ($1, $2, $3, $4)`, [k, r.a, r.n, r.v]);
  const paths = await Promise.all(c.files.map((f, i) => writeGeneratedFile(t.h, `${table}_${i}`, f)));
  const result = await t.h.load({
    files: paths,
    table,
    mode: c.mode,
    concurrency: c.concurrency,
    internalConcurrency: c.internalConcurrency,
    batchSize: c.batchSize,
    ...(c.policy === 'version' ? { conflictPolicy: 'version', versionColumn: 'v' } : { conflictPolicy: c.policy }),
  });
  const expected = model(initial, c.files, c.mode, c.policy);
  // A file without rows is skipped as empty; insert fails a file with a key that exists.
  const outcome = (f: GeneratedFile, i: number) => (f.rows.length === 0 ? 'skipped' : expected.failed[i] ? `failed ${ErrorCodes.duplicateKey}` : 'loaded');
  expect(result.files.map((f) => (f.error ? `${f.status} ${f.error.code}` : f.status))).toEqual(c.files.map(outcome));
  const actual = await t.db.query<{ k: number; a: string | null; n: number | null; v: number }>(`SELECT k, a, n, v FROM ${table} ORDER BY k`);
  expect(actual).toEqual([...expected.table].sort(([x], [y]) => x - y).map(([k, r]) => ({ k, ...r })));
  expect(result.totals.read).toBe(c.files.reduce((n, f) => n + f.rows.length, 0));
  // Every row of a loaded file is accounted for; a failed file wrote nothing.
  result.files.forEach((f, i) => {
    const rows = c.files[i]?.rows.length ?? 0;
    const { inserted, updated, unchanged, collapsed, superseded } = f.counts;
    expect(inserted + updated + unchanged + collapsed + superseded).toBe(f.status === 'failed' ? 0 : rows);
  });
  await t.db.query(`DROP TABLE ${table}`);
}

test('any concurrency and batch size gives the table that loading the files one at a time gives', { timeout: 600_000 }, async () => {
  await fc.assert(fc.asyncProperty(caseArb, loadMatchesSerialModel), { numRuns: 40, timeout: 20_000 });
});

test('insert mode: whatever the concurrency, the same files fail and the table equals the one-by-one result', { timeout: 600_000 }, async () => {
  await fc.assert(fc.asyncProperty(insertCaseArb, loadMatchesSerialModel), { numRuns: 25, timeout: 20_000 });
});
