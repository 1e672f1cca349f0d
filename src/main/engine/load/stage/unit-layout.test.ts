// Key ranges for the merge units, sampled from a real table: ascending, of about equal size, in the
// order (and collation) of the target's own key, and none for an empty table.
import pg from 'pg';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../../../test/database.ts';
import { rangeLayout } from './unit-layout.ts';

let db: TestDatabase;
let client: pg.Client;
beforeAll(async () => {
  db = await createTestDatabase();
  client = new pg.Client({ connectionString: db.url });
  await client.connect();
});
afterAll(async () => {
  await client.end();
  await db.drop();
});

/** How many of `keys` each range of `bounds` holds (a key belongs to the last bound at or below it). */
function unitSizes<T>(keys: T[], bounds: T[], below: (a: T, b: T) => boolean): number[] {
  const sizes = Array.from({ length: bounds.length + 1 }, () => 0);
  for (const key of keys) {
    let unit = 0;
    while (unit < bounds.length && !below(key, bounds[unit] as T)) unit++;
    sizes[unit] = (sizes[unit] ?? 0) + 1;
  }
  return sizes;
}

test('an empty table has no ranges', async () => {
  await client.query('CREATE TABLE empty_t (id int PRIMARY KEY)');
  expect(await rangeLayout(client, 'empty_t', ['id'], 8)).toBeNull();
});

test('a table of many rows gets the units wanted, in ascending ranges of about equal size', async () => {
  await client.query('CREATE TABLE big_t (id bigint PRIMARY KEY, pad text); INSERT INTO big_t SELECT g * 3, repeat($$x$$, 50) FROM generate_series(1, 200000) g');
  const layout = await rangeLayout(client, 'big_t', ['id'], 16);
  expect(layout?.parts).toBe(16);
  const bounds = (layout?.bounds ?? []).map(([b]) => Number(b));
  expect(bounds).toEqual([...bounds].sort((a, b) => a - b));
  expect(new Set(bounds).size).toBe(bounds.length);
  const sizes = unitSizes(Array.from({ length: 200_000 }, (_, i) => (i + 1) * 3), bounds, (a, b) => a < b);
  // A sample of pages, not of rows: equal within a factor, not exactly.
  expect(Math.max(...sizes)).toBeLessThan(3 * (200_000 / 16));
  expect(Math.min(...sizes)).toBeGreaterThan(200_000 / 16 / 3);
});

test('a small table gets as many ranges as it has rows, a composite key one text per column', async () => {
  await client.query(`CREATE TABLE pair_t (a text, b int, PRIMARY KEY (a, b)); INSERT INTO pair_t VALUES ('x', 2), ('x', 1), ('y', 0)`);
  const layout = await rangeLayout(client, 'pair_t', ['a', 'b'], 8);
  expect(layout).toEqual({ parts: 3, bounds: [['x', '2'], ['y', '0']] });
});

test('text keys range in the column collation, so the bounds ascend as the staging partitions order them', async () => {
  await client.query(`CREATE TABLE c_t (name text COLLATE "C" PRIMARY KEY); INSERT INTO c_t SELECT w FROM unnest(ARRAY['b', 'B', 'a', 'A', 'c', 'C', '_', 'z']) w`);
  const layout = await rangeLayout(client, 'c_t', ['name'], 4);
  // Byte order: upper case, then '_', then lower case; two keys a unit.
  expect(layout?.bounds).toEqual([['C'], ['a'], ['c']]);
  expect(layout?.parts).toBe(4);
});
