// The proposal for a new table, from real CSV and Parquet files read in the reader workers.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parquetWriteFile } from 'hyparquet-writer';
import { beforeAll, expect, test } from 'vitest';
import { proposeColumns } from '../index.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'keyload-propose-'));
});

async function csvFile(name: string, lines: string[]): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, `${lines.join('\n')}\n`);
  return path;
}

test('every file counts: the widest type most values fit, with the outliers that would be rejected', async () => {
  const a = await csvFile('a.csv', ['id,amount,qty,code', ...Array.from({ length: 30 }, (_, i) => `${i},${i},${i === 4 ? 'n/a' : i},${i}`)]);
  const b = await csvFile('b.csv', ['id,amount,qty,when', ...Array.from({ length: 30 }, (_, i) => `${i + 30},${i}.25,${i},2024-03-0${(i % 9) + 1}`)]);
  const parquet = join(dir, 'c.parquet');
  parquetWriteFile({
    filename: parquet,
    columnData: [
      { name: 'id', data: [100, 101], type: 'INT32', nullable: false },
      { name: 'code', data: ['x', 'y'], type: 'STRING' },
    ],
  });
  expect(await proposeColumns([a, b, parquet])).toEqual([
    { name: 'id', pgType: 'bigint', files: 3, sampled: 62, outliers: 0 },
    { name: 'amount', pgType: 'numeric', files: 2, sampled: 60, outliers: 0 },
    { name: 'qty', pgType: 'bigint', files: 2, sampled: 60, outliers: 1 },
    // Parquet declares its types: its strings are never outliers, so the integers of a.csv become text.
    { name: 'code', pgType: 'text', files: 2, sampled: 32, outliers: 0 },
    { name: 'when', pgType: 'date', files: 1, sampled: 30, outliers: 0 },
  ]);
});

test('Parquet types join CSV types in the same lattice, and the mapping renames and skips columns', async () => {
  const parquet = join(dir, 'ints.parquet');
  parquetWriteFile({ filename: parquet, columnData: [{ name: 'n', data: [1, 2, 3], type: 'INT32', nullable: false }] });
  const decimals = await csvFile('decimals.csv', ['N2,skip', '1.5,a', '2.5,b']);
  expect(await proposeColumns([parquet])).toEqual([{ name: 'n', pgType: 'integer', files: 1, sampled: 3, outliers: 0 }]);
  expect(await proposeColumns([parquet, decimals], { map: { N2: 'n', skip: null } })).toEqual([{ name: 'n', pgType: 'numeric', files: 2, sampled: 5, outliers: 0 }]);
});

test('mostly junk is text, with no outliers', async () => {
  const path = await csvFile('junk.csv', ['v', '1', '2', 'x', 'y', 'z']);
  expect(await proposeColumns([path])).toEqual([{ name: 'v', pgType: 'text', files: 1, sampled: 5, outliers: 0 }]);
});

test('an unreadable file is an error that names it and says why', async () => {
  const broken = join(dir, 'broken.parquet');
  await writeFile(broken, 'PAR1 this is not a parquet file PAR1');
  const missing = join(dir, 'missing.csv');
  await expect(proposeColumns([missing])).rejects.toMatchObject({ code: 'KEYLOAD_FILE_NOT_FOUND', message: expect.stringContaining(`Cannot read ${missing}: `) });
  await expect(proposeColumns([broken])).rejects.toMatchObject({ location: { file: broken }, message: expect.stringMatching(/^Cannot read .*broken\.parquet: \S/) });
});
