import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCodes, KeyloadError } from '../../../shared/errors.ts';
import { detectFileType, openFileBytes, readError, type GzipLimits } from './detect.ts';
import { READER_LIMITS } from './source.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'keyload-detect-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function file(name: string, content: string | Uint8Array): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

async function failure(promise: Promise<unknown>): Promise<KeyloadError> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof KeyloadError)) throw new Error(`expected a KeyloadError, got ${String(error)}`);
  return error;
}

const parquetBytes = Buffer.concat([Buffer.from('PAR1'), Buffer.from([1, 2, 3, 0, 0xff]), Buffer.from('PAR1')]);

describe('detectFileType', () => {
  it('detects Parquet by its magic, whatever the file is called', async () => {
    expect(await detectFileType(await file('x.csv', parquetBytes))).toEqual({ type: 'parquet', gzip: false });
    expect(await detectFileType(await file('data', parquetBytes))).toEqual({ type: 'parquet', gzip: false });
  });

  it('takes anything else as text', async () => {
    expect(await detectFileType(await file('x.parquet', 'id,name\n1,a\n'))).toEqual({ type: 'csv', gzip: false });
    expect(await detectFileType(await file('short.txt', 'P'))).toEqual({ type: 'csv', gzip: false });
  });

  it('detects gzip by its magic and reads gzip as text', async () => {
    expect(await detectFileType(await file('x.bin', gzipSync('id,name\n1,a\n')))).toEqual({ type: 'csv', gzip: true });
  });

  it('refuses Parquet inside gzip, which cannot be read in bounded memory', async () => {
    const path = await file('x.parquet.gz', gzipSync(parquetBytes));
    const error = await failure(detectFileType(path));
    expect(error.code).toBe(ErrorCodes.fileUnsupported);
    expect(error.location.file).toBe(path);
    expect(error.message).toMatch(/Parquet inside gzip/);
    expect((await failure(detectFileType(await file('y.gz', gzipSync('a,b\n')), 'parquet'))).code).toBe(ErrorCodes.fileUnsupported);
  });

  it('lets an override choose the type, but still detects gzip', async () => {
    expect(await detectFileType(await file('p.csv', parquetBytes), 'csv')).toEqual({ type: 'csv', gzip: false });
    expect(await detectFileType(await file('t.parquet', 'a,b\n'), 'parquet')).toEqual({ type: 'parquet', gzip: false });
    expect(await detectFileType(await file('t.csv.gz', gzipSync('a,b\n')), 'csv')).toEqual({ type: 'csv', gzip: true });
  });

  it('fails clearly on a missing file, a directory, an empty file and an empty gzip', async () => {
    const missing = join(dir, 'missing.csv');
    const notFound = await failure(detectFileType(missing));
    expect([notFound.code, notFound.location.file, notFound.message]).toEqual([ErrorCodes.fileNotFound, missing, 'File not found.']);

    const folder = join(dir, 'folder.csv');
    await mkdir(folder);
    expect(await failure(detectFileType(folder))).toMatchObject({ code: ErrorCodes.fileNotFound, message: 'This is a directory, not a file.' });

    const empty = await failure(detectFileType(await file('empty.csv', '')));
    expect([empty.code, empty.message]).toEqual([ErrorCodes.fileCorrupt, 'The file is empty.']);
    expect((await failure(detectFileType(await file('empty.gz', gzipSync(''))))).message).toMatch(/empty after gzip decompression/);
  });

  it('maps read failures to clear errors', () => {
    const fsError = (code: string): Error => Object.assign(new Error(`${code}: boom`), { code });
    expect(readError('f.csv', fsError('EACCES'))).toMatchObject({ code: ErrorCodes.fileNotFound, message: 'Permission denied: the file cannot be read.' });
    expect(readError('f.csv', fsError('EIO'))).toMatchObject({ code: ErrorCodes.fileNotFound, message: 'The file cannot be read: EIO: boom.' });
    expect(readError('f.csv', fsError('Z_DATA_ERROR'))).toMatchObject({ code: ErrorCodes.fileCorrupt, location: { file: 'f.csv' } });
  });

  it('fails clearly on an unreadable file', async ({ skip }) => {
    if (process.getuid?.() === 0) skip('root can read any file');
    const path = await file('secret.csv', 'a,b\n');
    await chmod(path, 0o000);
    expect(await failure(detectFileType(path))).toMatchObject({ code: ErrorCodes.fileNotFound, message: 'Permission denied: the file cannot be read.' });
  });

  it('fails clearly on a corrupt gzip header and on compressed formats it cannot read', async () => {
    const corrupt = await failure(detectFileType(await file('bad.gz', Buffer.from([0x1f, 0x8b, 0x08, 0xff, 0xff, 0xff, 0xff]))));
    expect(corrupt.code).toBe(ErrorCodes.fileCorrupt);
    const zip = await failure(detectFileType(await file('book.xlsx', Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00]))));
    expect([zip.code, zip.message]).toEqual([ErrorCodes.fileUnsupported, 'The file is a zip archive (or an Excel workbook), which is not supported.']);
  });
});

describe('openFileBytes', () => {
  it('streams gunzipped content and counts compressed bytes read', async () => {
    const text = 'line of text\n'.repeat(50_000);
    const compressed = gzipSync(text);
    const bytes = openFileBytes(await file('big.gz', compressed), true);
    const parts: Uint8Array[] = [];
    for await (const chunk of bytes.chunks) parts.push(chunk);
    expect(Buffer.concat(parts).toString()).toBe(text);
    expect(bytes.bytesRead()).toBe(compressed.length);
  });

  it('reports a truncated gzip stream as corrupt, naming the file', async () => {
    const compressed = gzipSync('x,y\n'.repeat(10_000));
    const path = await file('truncated.gz', compressed.subarray(0, compressed.length - 20));
    const bytes = openFileBytes(path, true);
    const error = await failure(
      (async () => {
        for await (const _chunk of bytes.chunks);
      })(),
    );
    expect([error.code, error.location.file]).toEqual([ErrorCodes.fileCorrupt, path]);
    expect(error.message).toMatch(/^The gzip data is corrupt: /);
  });

  it('stops a gzip bomb by its ratio, and any gzip file past the size cap, naming the file', async () => {
    const drain = async (path: string, limits?: GzipLimits) => {
      const bytes = openFileBytes(path, true, limits);
      return failure(
        (async () => {
          for await (const _chunk of bytes.chunks);
        })(),
      );
    };
    // 64 MiB of zeros compress about 1030:1, deflate's limit; no CSV comes close.
    const bomb = await file('bomb.csv.gz', gzipSync(Buffer.alloc(64 * 1024 * 1024), { level: 9 }));
    const ratio = await drain(bomb);
    expect([ratio.code, ratio.location.file]).toEqual([ErrorCodes.decompressionLimit, bomb]);
    expect(ratio.message).toMatch(/^The gzip data expands more than 1000:1 \(.+ from .+\), which no real CSV file does/);

    const csv = await file('capped.csv.gz', gzipSync('id,name\n'.repeat(100_000)));
    const size = await drain(csv, { ...READER_LIMITS, maxDecompressedBytes: 100_000 });
    expect([size.code, size.location.file, size.message]).toEqual([
      ErrorCodes.decompressionLimit,
      csv,
      'The gzip data expands to more than 97.7 KB, the cap on decompressed size.',
    ]);
    expect(size.hint).toMatch(/--max-decompressed/);
  });
});
