// The bench's numbers mean something only if its data is what the report says: N rows, a 50%
// overlap of which half changed, and the same bytes for the same seed.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HEADER, manyFiles, writeBaseCsv, writeOverlappingCsvs, writeStripedCsvs, writeUpsertCsv } from './generate.ts';

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

  it('writes overlapping files: equal sizes, ascending unique ids, 30% of keys in 2+ files with differing values', async () => {
    for (const n of [8, 10]) {
      const blocks = 100;
      const paths = Array.from({ length: n }, (_, i) => join(dir, `o${i}.csv`));
      const sizes = await writeOverlappingCsvs(paths, blocks, SEED);
      const files = await Promise.all(paths.map(linesById));
      const versions = new Map<number, string[]>();
      for (const [i, rows] of files.entries()) {
        expect(rows.size).toBe((blocks * 40) / n); // no id twice in a file
        const ids = [...rows.keys()];
        expect(ids).toEqual([...ids].sort((a, b) => a - b));
        expect(sizes[i]).toBe((await readFile(paths[i] as string)).length);
        for (const [id, line] of rows) versions.set(id, [...(versions.get(id) ?? []), line]);
      }
      expect(versions.size).toBe(blocks * 30);
      const copies = [...versions.values()].map((lines) => lines.length);
      expect(copies.filter((c) => c === 2).length).toBe(blocks * 8);
      expect(copies.filter((c) => c === 3).length).toBe(blocks);
      expect(copies.filter((c) => c >= 2).length / versions.size).toBe(0.3);
      for (const lines of versions.values()) expect(new Set(lines).size).toBe(lines.length);
      // Every pair of files shares some keys.
      for (let a = 0; a < n; a++) for (let b = a + 1; b < n; b++) expect([...(files[a] as Map<number, string>).keys()].some((id) => (files[b] as Map<number, string>).has(id))).toBe(true);
    }
  });

  it('writes many striped files: N rows each, ascending unique ids from the first id, 30% of keys in 2+ consecutive files', async () => {
    const [n, perFile, first] = [50, 80, 1000];
    const paths = Array.from({ length: n }, (_, i) => join(dir, `s${i}.csv`));
    const sizes = await writeStripedCsvs(paths, perFile, first, SEED);
    const files = await Promise.all(paths.map(linesById));
    const holders = new Map<number, number[]>();
    const lines = new Map<number, string[]>();
    for (const [i, rows] of files.entries()) {
      expect(rows.size).toBe(perFile); // no id twice in a file
      const ids = [...rows.keys()];
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
      expect(sizes[i]).toBe((await readFile(paths[i] as string)).length);
      for (const [id, line] of rows) {
        holders.set(id, [...(holders.get(id) ?? []), i]);
        lines.set(id, [...(lines.get(id) ?? []), line]);
      }
    }
    const keys = (n * perFile * 30) / 40;
    expect(Math.min(...holders.keys())).toBe(first);
    expect(Math.max(...holders.keys())).toBe(first + keys - 1);
    expect(holders.size).toBe(keys);
    const shared = [...holders.values()].filter((h) => h.length >= 2);
    expect(shared.length / keys).toBe(0.3);
    // Copies sit in consecutive files (wrapping from the last to the first) and differ in value.
    const consecutive = (h: number[]) => h.some((start) => h.every((_, k) => h.includes((start + k) % n)));
    for (const h of shared) expect(consecutive(h), `files ${h.join(', ')}`).toBe(true);
    for (const l of lines.values()) expect(new Set(l).size).toBe(l.length);
  });

  it('splits rows into 1,000-row files, the count scaling with the rows between 3 and the maximum', () => {
    expect(manyFiles(1_000_000, 1000)).toEqual({ files: 1000, rowsPerFile: 1000 });
    expect(manyFiles(1_000_000, 100)).toEqual({ files: 100, rowsPerFile: 10_000 });
    expect(manyFiles(20_000, 1000)).toEqual({ files: 20, rowsPerFile: 1000 });
    expect(manyFiles(2_000_000, 1000)).toEqual({ files: 1000, rowsPerFile: 2000 });
    expect(manyFiles(1000, 1000)).toEqual({ files: 3, rowsPerFile: 333 });
  });
});
