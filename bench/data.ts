// The bench's data files in its temp directory, each generated the first time a case needs it.
import { mkdir, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { DataFile, DataName, DataSet } from './cases.ts';
import { OVERLAP_BLOCK_ROWS, writeBaseCsv, writeOverlappingCsvs, writeUpsertCsv } from './generate.ts';
import { csvToParquet } from './parquet.ts';

export const SEED = 20_240_601;
/** The ~1 GB file has this many times the base rows (15M rows at the default 1M). */
export const BIG_FACTOR = 15;
/** The parallel case: this many files of rows/4 rows each (8 x 250,000 at the default 1M). */
export const PARALLEL_FILES = 8;
/** The preview memory check: this many files of `rows` rows each (10 x 1M at the default). */
export const PREVIEW_BIG_FILES = 10;

export interface LocalDataSet extends DataSet {
  remove(name: DataName): Promise<void>;
}

function single(path: string, rows: number, bytes: number): DataFile {
  return { paths: [path], label: basename(path), rows, bytes };
}

function multi(paths: string[], rows: number, bytes: number[]): DataFile {
  const first = basename(paths[0] as string);
  const last = basename(paths[paths.length - 1] as string);
  return { paths, label: `${paths.length} files ${first} .. ${last}`, rows, bytes: bytes.reduce((a, b) => a + b, 0) };
}

/** `n` overlapping files (see writeOverlappingCsvs) with about `perFile` rows each, in `dir/sub`. */
async function overlapping(dir: string, sub: string, prefix: string, n: number, perFile: number): Promise<DataFile> {
  await mkdir(join(dir, sub), { recursive: true });
  const paths = Array.from({ length: n }, (_, i) => join(dir, sub, `${prefix}${String(i).padStart(String(n - 1).length, '0')}.csv`));
  const blocks = Math.max(1, Math.round((perFile * n) / OVERLAP_BLOCK_ROWS));
  const bytes = await writeOverlappingCsvs(paths, blocks, SEED);
  return multi(paths, blocks * OVERLAP_BLOCK_ROWS, bytes);
}

export function createDataSet(dir: string, rows: number, log: (line: string) => void): LocalDataSet {
  const made = new Map<DataName, Promise<DataFile>>();

  async function make(name: DataName): Promise<DataFile> {
    const started = performance.now();
    let file: DataFile;
    if (name === 'base') {
      const path = join(dir, 'base.csv');
      file = single(path, rows, await writeBaseCsv(path, rows, SEED));
    } else if (name === 'upsert') {
      const path = join(dir, 'upsert.csv');
      file = single(path, rows, await writeUpsertCsv(path, rows, SEED));
    } else if (name === 'upsert-parquet') {
      const csv = await dataFile('upsert');
      const path = join(dir, 'upsert.parquet');
      file = single(path, rows, await csvToParquet(csv.paths[0] as string, path));
    } else if (name === 'big') {
      const path = join(dir, 'big.csv');
      file = single(path, rows * BIG_FACTOR, await writeBaseCsv(path, rows * BIG_FACTOR, SEED));
    } else if (name === 'parallel') {
      file = await overlapping(dir, 'parallel', 'p', PARALLEL_FILES, rows / 4);
    } else if (name === 'parallel-parquet') {
      const csv = await dataFile('parallel');
      const paths = csv.paths.map((p) => p.replace(/\.csv$/, '.parquet'));
      const bytes: number[] = [];
      for (const [i, p] of csv.paths.entries()) bytes.push(await csvToParquet(p, paths[i] as string));
      file = multi(paths, csv.rows, bytes);
    } else {
      file = await overlapping(dir, 'preview-big', 'q', PREVIEW_BIG_FILES, rows);
    }
    log(`generated ${file.label}: ${file.rows.toLocaleString('en-US')} rows, ${(file.bytes / 1e6).toFixed(1)} MB in ${((performance.now() - started) / 1000).toFixed(1)} s`);
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
      if (!file) return;
      // A multi-file set has its own directory; remove all of it, even after a failed generation.
      if (name === 'preview-big') return rm(join(dir, 'preview-big'), { recursive: true, force: true });
      const paths = await file.then((f) => f.paths).catch(() => []);
      await Promise.all(paths.map((path) => rm(path, { force: true })));
    },
  };
}
