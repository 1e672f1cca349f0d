// Issue 11's most serious case: p1..p4 with overlapping keys, p1 fails for good on a transient error
// (its connection is terminated while it merges, with no retries) while p2..p4 load; then a plain
// re-run. The table must equal loading p1..p4 one by one, in order, computed here independently.
import { beforeEach, expect, test } from 'vitest';
import { useTestHarness } from '../../../../test/load-harness.ts';

const t = useTestHarness();
beforeEach(async () => {
  await t.db.query('DROP TABLE IF EXISTS t; DROP TABLE IF EXISTS fault; DROP SCHEMA IF EXISTS keyload CASCADE');
});

/** p1 alone holds this key: merging it kills p1's connection while the fault is on. */
const FAULT_KEY = 999_999;

type Row = Record<string, string | number | null>;
interface Case {
  name: string;
  mode: 'upsert' | 'ignore';
  atomicFile: boolean;
  /** Each file's columns besides id, in file order. */
  columns: string[][];
}

const cases: Case[] = [
  { name: 'upsert, every file the same columns', mode: 'upsert', atomicFile: false, columns: [['a', 'b'], ['a', 'b'], ['a', 'b'], ['a', 'b']] },
  { name: 'upsert, files with different columns', mode: 'upsert', atomicFile: false, columns: [['a', 'b'], ['a'], ['b'], ['a', 'b']] },
  { name: 'ignore', mode: 'ignore', atomicFile: false, columns: [['a', 'b'], ['a', 'b'], ['a'], ['a', 'b']] },
  { name: 'upsert --atomic-file', mode: 'upsert', atomicFile: true, columns: [['a', 'b'], ['a', 'b'], ['a', 'b'], ['a', 'b']] },
  { name: 'ignore --atomic-file', mode: 'ignore', atomicFile: true, columns: [['a', 'b'], ['a', 'b'], ['a', 'b'], ['a', 'b']] },
];

/** Overlapping key ranges: p1 0-599 (+ the fault key), p2 300-899, p3 150-449 and 700-999, p4 500-1199. */
const keyRanges: [number, number][][] = [[[0, 600]], [[300, 900]], [[150, 450], [700, 1000]], [[500, 1200]]];

function fileRows(index: number, columns: string[]): Row[] {
  const ids = (keyRanges[index] ?? []).flatMap(([from, to]) => Array.from({ length: to - from }, (_, i) => from + i));
  if (index === 0) ids.push(FAULT_KEY);
  return ids.map((id) => ({ id, ...Object.fromEntries(columns.map((c) => [c, `p${index + 1}-${c}-${id}`])) }));
}

function toCsv(columns: string[], rows: Row[]): string {
  return `${['id', ...columns].join(',')}\n${rows.map((r) => ['id', ...columns].map((c) => r[c]).join(',')).join('\n')}\n`;
}

/** The table after loading the files one by one, in order: upsert writes the file's columns, ignore keeps the first row. */
function serialOrder(mode: Case['mode'], files: { columns: string[]; rows: Row[] }[]): Row[] {
  const table = new Map<number, Row>();
  for (const { columns, rows } of files) {
    for (const row of rows) {
      const id = Number(row.id);
      const stored = table.get(id);
      if (stored && mode === 'ignore') continue;
      const next: Row = stored ?? { id, a: null, b: null };
      for (const c of columns) next[c] = row[c] ?? null;
      table.set(id, next);
    }
  }
  return [...table.values()].sort((x, y) => Number(x.id) - Number(y.id));
}

for (const c of cases) {
  test(`${c.name}: after p1 fails for good and a plain re-run, the table is the serial-order result`, async () => {
    await t.db.query('CREATE TABLE t (id int PRIMARY KEY, a text, b text)');
    // The fault: while on, writing p1's own key terminates the writing backend (a transient 57P01).
    await t.db.query(`CREATE TABLE fault (armed boolean NOT NULL); INSERT INTO fault VALUES (true);
      CREATE OR REPLACE FUNCTION kill_p1() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.id = ${FAULT_KEY} AND (SELECT armed FROM fault) THEN PERFORM pg_terminate_backend(pg_backend_pid()); END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER kill_p1 BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION kill_p1();`);
    const files = c.columns.map((columns, i) => ({ columns, rows: fileRows(i, columns) }));
    const paths = await Promise.all(files.map((f, i) => t.h.file(`${c.name.replace(/\W+/g, '-')}-p${i + 1}.csv`, toCsv(f.columns, f.rows))));
    const options = { files: paths, table: 't', mode: c.mode, atomicFile: c.atomicFile, concurrency: 2, maxRetries: 0, retryWindowSeconds: 0 };

    const first = await t.h.load(options);
    expect(first.files[0]?.status).toMatch(/^(failed|partly-loaded)$/);
    expect(first.files.slice(1).map((f) => f.status)).toEqual(['loaded', 'loaded', 'loaded']);

    await t.db.query('UPDATE fault SET armed = false');
    const second = await t.h.load(options);
    expect(second.files.map((f) => f.status)).toEqual(['loaded', 'loaded', 'loaded', 'loaded']);
    const table = await t.db.query<Row>('SELECT id, a, b FROM t ORDER BY id');
    const expected = serialOrder(c.mode, files);
    expect(table.length).toBe(expected.length);
    expect(table.filter((row, i) => JSON.stringify(row) !== JSON.stringify(expected[i])).slice(0, 5)).toEqual([]);

    // Recorded loaded now: a third run skips them all.
    const third = await t.h.load(options);
    expect(third.files.map((f) => f.skipReason)).toEqual(['already loaded', 'already loaded', 'already loaded', 'already loaded']);
  });
}
