// The bench's data files in its temp directory, each generated the first time a case needs it.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { DataFile, DataName, DataSet } from './cases.ts';
import { writeBaseCsv, writeUpsertCsv } from './generate.ts';
import { csvToParquet } from './parquet.ts';

export const SEED = 20_240_601;
/** The ~1 GB file has this many times the base rows (15M rows at the default 1M). */
export const BIG_FACTOR = 15;

export interface LocalDataSet extends DataSet {
  remove(name: DataName): Promise<void>;
}

export function createDataSet(dir: string, rows: number, log: (line: string) => void): LocalDataSet {
  const made = new Map<DataName, Promise<DataFile>>();

  async function make(name: DataName): Promise<DataFile> {
    const started = performance.now();
    let file: DataFile;
    if (name === 'base') {
      const path = join(dir, 'base.csv');
      file = { path, rows, bytes: await writeBaseCsv(path, rows, SEED) };
    } else if (name === 'upsert') {
      const path = join(dir, 'upsert.csv');
      file = { path, rows, bytes: await writeUpsertCsv(path, rows, SEED) };
    } else if (name === 'upsert-parquet') {
      const csv = await dataFile('upsert');
      const path = join(dir, 'upsert.parquet');
      file = { path, rows, bytes: await csvToParquet(csv.path, path) };
    } else {
      const path = join(dir, 'big.csv');
      file = { path, rows: rows * BIG_FACTOR, bytes: await writeBaseCsv(path, rows * BIG_FACTOR, SEED) };
    }
    log(`generated ${file.path}: ${file.rows.toLocaleString('en-US')} rows, ${(file.bytes / 1e6).toFixed(1)} MB in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    return file;
  }

  function dataFile(name: DataName): Promise<DataFile> {
    let file = made.get(name);
    if (!file) {
      file = make(name);
      made.set(name, file);
    }
    return file;
  }

  return {
    file: dataFile,
    async remove(name) {
      const file = made.get(name);
      made.delete(name);
      if (file) await rm((await file).path, { force: true });
    },
  };
}
