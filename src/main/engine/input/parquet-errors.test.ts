// Corrupt, truncated and unsupported Parquet files fail with one clear KeyloadError line naming the
// file and the reason: never a crash, a hang or a raw stack trace.
import { readFile, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ErrorCodes, KeyloadError, formatError } from '../../../shared/errors.ts';
import { openDuck, readAll, sqlPath, tempDir, type Duck } from '../../../../test/fixtures/parquet-helpers.ts';
import { text, writeParquetFixture } from '../../../../test/fixtures/parquet-writer.ts';

let duck: Duck;
let dir: Awaited<ReturnType<typeof tempDir>>;

beforeAll(async () => {
  duck = await openDuck();
  dir = await tempDir();
});

afterAll(async () => {
  duck?.close();
  await dir?.remove();
});

async function readError(path: string): Promise<KeyloadError> {
  try {
    await readAll(path);
  } catch (error) {
    if (error instanceof KeyloadError) return error;
    throw new Error(`expected a KeyloadError, got: ${String(error)}`, { cause: error });
  }
  throw new Error('expected the read to fail');
}

function expectOneLine(error: KeyloadError, path: string): string {
  const line = formatError(error.toInfo());
  expect(line).toContain(path);
  expect(line).not.toContain('\n');
  expect(line).not.toMatch(/\bat .*\.(js|ts):\d+/);
  return line;
}

async function fixture(name: string, options = ''): Promise<string> {
  const path = dir.file(name);
  await duck.run(`COPY (SELECT i::BIGINT AS id, md5(i::VARCHAR) AS note, 'k' || (i % 5) AS k, [i, i + 1] AS pair
    FROM range(3000) t(i)) TO ${sqlPath(path)} (FORMAT parquet, ROW_GROUP_SIZE 1024${options})`);
  return path;
}

/** Byte range of the first data page of a column in a row group (from DuckDB's metadata). */
async function chunkRange(path: string, column: string, group: number): Promise<{ start: number; size: number }> {
  const rows = await duck.query(`SELECT data_page_offset, dictionary_page_offset, total_compressed_size
    FROM parquet_metadata(${sqlPath(path)}) WHERE path_in_schema = '${column}' AND row_group_id = ${group}`);
  const row = rows[0] as Record<string, unknown>;
  return { start: Number(row.data_page_offset), size: Number(row.total_compressed_size) };
}

async function rowGroups(path: string): Promise<number> {
  const rows = await duck.query(`SELECT num_row_groups FROM parquet_file_metadata(${sqlPath(path)})`);
  return Number(rows[0]?.num_row_groups);
}

describe('file level', () => {
  test('missing file, and a directory', async () => {
    const error = await readError(dir.file('nope.parquet'));
    expect(error.code).toBe(ErrorCodes.fileNotFound);
    const directory = await readError(dir.path);
    expect(directory.code).toBe(ErrorCodes.fileNotFound);
    expect(expectOneLine(directory, dir.path)).toMatch(/Cannot read the file \(EISDIR\)/);
  });

  test('a file cut in half: footer is corrupt or the file is truncated', async () => {
    const path = await fixture('whole.parquet');
    const bytes = await readFile(path);
    const cut = dir.file('half.parquet');
    await writeFile(cut, bytes.subarray(0, bytes.length >> 1));
    const error = await readError(cut);
    expect(error.code).toBe(ErrorCodes.fileCorrupt);
    expect(expectOneLine(error, cut)).toMatch(/Parquet footer is corrupt or the file is truncated/);
  });

  test('a file cut just before its last bytes', async () => {
    const path = await fixture('whole2.parquet');
    const bytes = await readFile(path);
    for (const keep of [bytes.length - 1, bytes.length - 5, 7, 4]) {
      const cut = dir.file(`cut-${keep}.parquet`);
      await writeFile(cut, bytes.subarray(0, keep));
      const error = await readError(cut);
      expect(error.code).toBe(ErrorCodes.fileCorrupt);
      expectOneLine(error, cut);
    }
  });

  test('garbage after PAR1', async () => {
    const garbage = Buffer.alloc(4096);
    for (let i = 0; i < garbage.length; i++) garbage[i] = (i * 7919 + 13) % 251;
    const plain = dir.file('garbage.parquet');
    await writeFile(plain, Buffer.concat([Buffer.from('PAR1'), garbage]));
    let error = await readError(plain);
    expect(error.code).toBe(ErrorCodes.fileCorrupt);
    expect(expectOneLine(error, plain)).toMatch(/Parquet footer is corrupt or the file is truncated/);

    // Garbage that even ends in a plausible footer length and PAR1.
    const tail = Buffer.alloc(8);
    tail.writeUInt32LE(1000, 0);
    tail.write('PAR1', 4);
    const framed = dir.file('garbage-framed.parquet');
    await writeFile(framed, Buffer.concat([Buffer.from('PAR1'), garbage, tail]));
    error = await readError(framed);
    expect(error.code).toBe(ErrorCodes.fileCorrupt);
    expect(expectOneLine(error, framed)).toMatch(/Parquet footer is corrupt or the file is truncated/);
  });

  test('not a Parquet file at all, and an empty file', async () => {
    const csv = dir.file('data.csv');
    await writeFile(csv, 'id,name\n1,a\n');
    let error = await readError(csv);
    expect(error.code).toBe(ErrorCodes.fileUnsupported);
    expect(expectOneLine(error, csv)).toMatch(/Not a Parquet file/);

    const empty = dir.file('empty.parquet');
    await writeFile(empty, '');
    error = await readError(empty);
    expect(error.code).toBe(ErrorCodes.fileUnsupported);
  });

  test('an encrypted footer is unsupported', async () => {
    const path = await fixture('to-encrypt.parquet');
    const bytes = Buffer.from(await readFile(path));
    bytes.write('PARE', bytes.length - 4);
    const encrypted = dir.file('encrypted.parquet');
    await writeFile(encrypted, bytes);
    const error = await readError(encrypted);
    expect(error.code).toBe(ErrorCodes.fileUnsupported);
    expect(expectOneLine(error, encrypted)).toMatch(/Encrypted/);
  });
});

describe('page level', () => {
  test('a page that fails to decompress names the row group and column', async () => {
    const path = await fixture('zstd.parquet', ', COMPRESSION zstd');
    const groups = await rowGroups(path);
    expect(groups).toBeGreaterThan(1);
    const { start, size } = await chunkRange(path, 'note', 1);
    const bytes = Buffer.from(await readFile(path));
    // Break the zstd frame magic of the page's compressed data.
    const magic = bytes.subarray(start, start + size).indexOf(Buffer.from([0x28, 0xb5, 0x2f, 0xfd]));
    expect(magic).toBeGreaterThan(0);
    bytes.fill(0, start + magic, start + magic + 4);
    const bad = dir.file('zstd-bad.parquet');
    await writeFile(bad, bytes);
    const error = await readError(bad);
    expect(error.code).toBe(ErrorCodes.fileCorrupt);
    const line = expectOneLine(error, bad);
    expect(line).toContain(`row group 2 of ${groups}, column "note"`);
    // The error points at the first row of the slice being read.
    const firstRows = await duck.query(`SELECT row_group_num_rows FROM parquet_metadata(${sqlPath(path)}) WHERE row_group_id = 0 LIMIT 1`);
    expect(error.location.line).toBe(Number(firstRows[0]?.row_group_num_rows) + 1);
  });

  test('a corrupt page header', async () => {
    const path = await fixture('snappy.parquet');
    const groups = await rowGroups(path);
    const { start } = await chunkRange(path, 'id', 0);
    const bytes = Buffer.from(await readFile(path));
    bytes.fill(0xff, start, start + 12);
    const bad = dir.file('header-bad.parquet');
    await writeFile(bad, bytes);
    const error = await readError(bad);
    expect(error.code).toBe(ErrorCodes.fileCorrupt);
    expect(expectOneLine(error, bad)).toContain(`row group 1 of ${groups}, column "id"`);
  });

  test('random damage anywhere never crashes or hangs', async () => {
    const sources = [
      await fixture('fuzz-plain.parquet', ', COMPRESSION uncompressed'),
      await fixture('fuzz-snappy.parquet'),
      await fixture('fuzz-v2.parquet', ', COMPRESSION uncompressed, PARQUET_VERSION V2'),
    ];
    let seed = 42;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const outcomes = new Map<string, number>();
    for (const source of sources) {
      const original = await readFile(source);
      for (let round = 0; round < 60; round++) {
        const bytes = Buffer.from(original);
        const damage = 1 + Math.floor(random() * 8);
        for (let i = 0; i < damage; i++) {
          bytes[4 + Math.floor(random() * (bytes.length - 12))] = Math.floor(random() * 256);
        }
        const path = dir.file(`fuzz-${round}.parquet`);
        await writeFile(path, bytes);
        try {
          await readAll(path);
          outcomes.set('ok', (outcomes.get('ok') ?? 0) + 1);
        } catch (error) {
          if (!(error instanceof KeyloadError)) throw new Error(`round ${round}: ${String(error)}`, { cause: error });
          expect([ErrorCodes.fileCorrupt, ErrorCodes.fileUnsupported]).toContain(error.code);
          expectOneLine(error, path);
          outcomes.set(error.code, (outcomes.get(error.code) ?? 0) + 1);
        }
      }
    }
    expect(outcomes.get(ErrorCodes.fileCorrupt)).toBeGreaterThan(0);
  }, 120_000);
});

describe('unsupported features', () => {
  test('an unsupported codec names the column', async () => {
    const path = dir.file('lzo.parquet');
    await writeParquetFixture(path, [{ name: 'payload', type: 'BYTE_ARRAY', converted: 'UTF8', values: [text('a')] }], {
      codec: 'LZO',
    });
    const error = await readError(path);
    expect(error.code).toBe(ErrorCodes.fileUnsupported);
    expect(expectOneLine(error, path)).toMatch(/column "payload": LZO compression is not supported/);
  });

  test('an unsupported logical type names the column', async () => {
    const path = dir.file('variant.parquet');
    await writeParquetFixture(path, [
      { name: 'ok', type: 'INT32', values: [1] },
      { name: 'v', type: 'BYTE_ARRAY', logical: { type: 'VARIANT' }, values: [text('x')] },
    ]);
    const error = await readError(path);
    expect(error.code).toBe(ErrorCodes.fileUnsupported);
    expect(expectOneLine(error, path)).toMatch(/column "v": the VARIANT logical type is not supported/);
  });

  test('an annotation on the wrong physical type names the column', async () => {
    const path = dir.file('bad-date.parquet');
    await writeParquetFixture(path, [{ name: 'when', type: 'DOUBLE', converted: 'DATE', values: [1.5] }]);
    const error = await readError(path);
    expect(error.code).toBe(ErrorCodes.fileUnsupported);
    expect(expectOneLine(error, path)).toMatch(/column "when": DATE on DOUBLE is not supported/);
  });
});
