// The bench's data files in its temp directory, each generated the first time a case needs it.
import { link, mkdir, rm, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { DataFile, DataName, DataSet } from './cases.ts';
import { OVERLAP_BLOCK_ROWS, manyFiles, writeBaseCsv, writeOverlappingCsvs, writeStripedCsvs, writeUpsertCsv } from './generate.ts';
import { csvToParquet } from './parquet.ts';

export const SEED = 20_240_601;
/** The ~1 GB file has this many times the base rows (15M rows at the default 1M). */
export const BIG_FACTOR = 15;
/** The parallel case: this many files of rows/4 rows each (8 x 250,000 at the default 1M). */
export const PARALLEL_FILES = 8;
/** The preview memory check: this many files of `rows` rows each (10 x 1M at the default). */
export const PREVIEW_BIG_FILES = 10;
/** The upsert-10m case: this many times the base and upsert rows (10M into 10M at the default). */
export const UPSERT_10M_FACTOR = 10;
/** The small-files case: `rows` rows in files of 1,000 (see manyFiles), at most this many (1,000 at the default). */
export const SMALL_FILES_MAX = 1000;
/** The mixed case: `rows` rows in at most this many files (100 x 10,000 at the default), every other one Parquet. */
export const MIXED_FILES_MAX = 100;

/** Multi-file sets with their own directory under the bench's, removed whole. */
const DIRECTORIES: Partial<Record<DataName, string>> = { 'preview-big': 'preview-big', 'small-files': 'small-files', mixed: 'mixed', 'mixed-csv': 'mixed-csv' };

export interface LocalDataSet extends DataSet {
  remove(name: DataName): Promise<void>;
}

function single(path: string, rows: number, bytes: number): DataFile {
  return { paths: [path], label: basename(path), rows, bytes };
}

function multi(paths: string[], rows: number, bytes: number[], glob?: string): DataFile {
  const first = basename(paths[0] as string);
  const last = basename(paths[paths.length - 1] as string);
  return { paths, label: `${paths.length} files ${first} .. ${last}`, rows, bytes: bytes.reduce((a, b) => a + b, 0), ...(glob ? { glob } : {}) };
}

/** `count` zero-padded file names `prefix<i>.csv` in `dir/sub`, which is created. */
async function numberedPaths(dir: string, sub: string, prefix: string, count: number): Promise<string[]> {
  await mkdir(join(dir, sub), { recursive: true });
  return Array.from({ length: count }, (_, i) => join(dir, sub, `${prefix}${String(i).padStart(String(count - 1).length, '0')}.csv`));
}

/**
 * `rows` rows in many small striped files (see manyFiles, writeStripedCsvs) in `dir/sub`, from id
 * rows/2 on, so about two thirds of their keys are in the base table.
 */
async function striped(dir: string, sub: string, prefix: string, rows: number, maxFiles: number): Promise<DataFile> {
  const { files, rowsPerFile } = manyFiles(rows, maxFiles);
  const paths = await numberedPaths(dir, sub, prefix, files);
  const bytes = await writeStripedCsvs(paths, rowsPerFile, Math.floor(rows / 2), SEED);
  return multi(paths, files * rowsPerFile, bytes, join(dir, sub, `${prefix}*.csv`));
}

/**
 * The mixed set in `dir/mixed`: the CSV files at even positions (hard links to `csv`'s) and Parquet
 * versions of the odd ones, so the formats alternate in file order and `mixed/*` lists them in it.
 */
async function mixed(dir: string, csv: DataFile): Promise<DataFile> {
  await mkdir(join(dir, 'mixed'), { recursive: true });
  const paths: string[] = [];
  for (const [i, source] of csv.paths.entries()) {
    const path = join(dir, 'mixed', `${basename(source, '.csv')}.${i % 2 === 0 ? 'csv' : 'parquet'}`);
    if (i % 2 === 0) await link(source, path);
    else await csvToParquet(source, path);
    paths.push(path);
  }
  const bytes = await Promise.all(paths.map(async (path) => (await stat(path)).size));
  return multi(paths, csv.rows, bytes, join(dir, 'mixed', '*'));
}

/** `n` overlapping files (see writeOverlappingCsvs) with about `perFile` rows each, in `dir/sub`. */
async function overlapping(dir: string, sub: string, prefix: string, n: number, perFile: number): Promise<DataFile> {
  const paths = await numberedPaths(dir, sub, prefix, n);
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
    } else if (name === 'preview-big') {
      file = await overlapping(dir, 'preview-big', 'q', PREVIEW_BIG_FILES, rows);
    } else if (name === 'base-10m') {
      const path = join(dir, 'base-10m.csv');
      file = single(path, rows * UPSERT_10M_FACTOR, await writeBaseCsv(path, rows * UPSERT_10M_FACTOR, SEED));
    } else if (name === 'upsert-10m') {
      const path = join(dir, 'upsert-10m.csv');
      file = single(path, rows * UPSERT_10M_FACTOR, await writeUpsertCsv(path, rows * UPSERT_10M_FACTOR, SEED));
    } else if (name === 'small-files') {
      file = await striped(dir, 'small-files', 's', rows, SMALL_FILES_MAX);
    } else if (name === 'mixed-csv') {
      file = await striped(dir, 'mixed-csv', 'm', rows, MIXED_FILES_MAX);
    } else {
      file = await mixed(dir, await dataFile('mixed-csv'));
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
      const sub = DIRECTORIES[name];
      if (sub) return rm(join(dir, sub), { recursive: true, force: true });
      const paths = await file.then((f) => f.paths).catch(() => []);
      await Promise.all(paths.map((path) => rm(path, { force: true })));
    },
  };
}
