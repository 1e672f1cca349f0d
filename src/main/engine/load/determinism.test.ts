// Keyload's promise: whatever the concurrency, the table ends up exactly as loading the files one
// at a time in order would leave it. Random CSV and Parquet files with heavily overlapping keys and
// duplicates are loaded with random settings and compared with a plain TypeScript model.
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { caseArb, writeGeneratedFile, type GeneratedFile, type Mode, type Policy, type Row, type Table } from '../../../../test/generated-files.ts';
import { useTestHarness } from '../../../../test/load-harness.ts';

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

const t = useTestHarness();

let caseNumber = 0;
test('any concurrency and batch size gives the table that loading the files one at a time gives', { timeout: 600_000 }, async () => {
  await fc.assert(
    fc.asyncProperty(caseArb, async (c) => {
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
      // A file without rows is skipped as empty.
      expect(result.files.map((f) => f.error?.message ?? f.status)).toEqual(c.files.map((f) => (f.rows.length === 0 ? 'skipped' : 'loaded')));
      const expected = model(initial, c.files, c.mode, c.policy);
      const actual = await t.db.query<{ k: number; a: string | null; n: number | null; v: number }>(`SELECT k, a, n, v FROM ${table} ORDER BY k`);
      expect(actual).toEqual([...expected].sort(([x], [y]) => x - y).map(([k, r]) => ({ k, ...r })));
      const loadedRows = c.files.reduce((n, f) => n + f.rows.length, 0);
      const totals = result.totals;
      expect(totals.read).toBe(loadedRows);
      expect(totals.inserted + totals.updated + totals.unchanged + totals.collapsed + totals.superseded).toBe(loadedRows);
      await t.db.query(`DROP TABLE ${table}`);
    }),
    { numRuns: 40, timeout: 20_000 },
  );
});
