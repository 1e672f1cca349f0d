// The bench's numbers mean something only if its data is what the report says: N rows, a 50%
// overlap of which half changed, and the same bytes for the same seed.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HEADER, writeBaseCsv, writeUpsertCsv } from './generate.ts';

const ROWS = 2000;
const SEED = 7;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'keyload-bench-gen-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** Data lines by id (the id is never quoted, so it is everything before the first comma). */
async function linesById(path: string): Promise<Map<number, string>> {
  const [header, ...lines] = (await readFile(path, 'utf8')).split('\n');
  expect(header).toBe(HEADER);
  expect(lines.pop()).toBe(''); // the file ends with a newline
  return new Map(lines.map((line) => [Number(line.slice(0, line.indexOf(','))), line]));
}

describe('bench data generator', () => {
  it('writes N rows with ids 0..N-1 and returns the file size', async () => {
    const path = join(dir, 'base.csv');
    const bytes = await writeBaseCsv(path, ROWS, SEED);
    const rows = await linesById(path);
    expect(rows.size).toBe(ROWS);
    expect(Math.min(...rows.keys())).toBe(0);
    expect(Math.max(...rows.keys())).toBe(ROWS - 1);
    expect(bytes).toBe((await readFile(path)).length);
  });

  it('writes an upsert file whose rows half overlap the base, and half of the overlap changed', async () => {
    await writeBaseCsv(join(dir, 'base.csv'), ROWS, SEED);
    await writeUpsertCsv(join(dir, 'upsert.csv'), ROWS, SEED);
    const base = await linesById(join(dir, 'base.csv'));
    const upsert = await linesById(join(dir, 'upsert.csv'));
    expect(upsert.size).toBe(ROWS);
    const overlap = [...upsert.keys()].filter((id) => base.has(id));
    expect(overlap.length / ROWS).toBe(0.5);
    const changed = overlap.filter((id) => upsert.get(id) !== base.get(id));
    expect(changed.length / overlap.length).toBe(0.5);
  });

  it('is deterministic for a seed and differs across seeds', async () => {
    const [a, b, c] = [join(dir, 'a.csv'), join(dir, 'b.csv'), join(dir, 'c.csv')];
    await writeUpsertCsv(a, ROWS, SEED);
    await writeUpsertCsv(b, ROWS, SEED);
    await writeUpsertCsv(c, ROWS, SEED + 1);
    expect((await readFile(a)).equals(await readFile(b))).toBe(true);
    expect((await readFile(a)).equals(await readFile(c))).toBe(false);
  });
});
