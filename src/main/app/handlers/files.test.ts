// files.preview as the main side serves it: the contract's input check, then the reader workers.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { ErrorCodes } from '../../../shared/errors.ts';
import { handlers } from '../../../shared/ipc/contract.ts';
import { closeReaderPool } from '../../engine/reader/reader-pool.ts';
import { fileHandlers } from './files.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'keyload-files-'));
});
afterAll(async () => {
  await closeReaderPool();
  await rm(dir, { recursive: true, force: true });
});

const preview = fileHandlers()['files.preview'];

test('files.preview reads the first rows with the overrides, and describes the format as files.inspect does', async () => {
  const path = join(dir, 'pipes.csv');
  await writeFile(path, 'id|name\n1|\\N\n2|b\n');
  const input = handlers['files.preview'].input.parse({ path, overrides: { delimiter: '|', nullString: '\\N', escape: '\\' } });
  expect(await preview(input)).toEqual({
    path,
    format: 'CSV, pipe-separated, utf-8, \\ escapes, header row, LF',
    columns: [
      { name: 'id', pgType: 'bigint' },
      { name: 'name', pgType: 'text' },
    ],
    rows: [
      ['1', null],
      ['2', 'b'],
    ],
    lines: [2, 3],
    invalidCells: [],
    error: null,
  });
});

test('a file that cannot be previewed is an error in the reply, not a failed request', async () => {
  const missing = join(dir, 'gone.csv');
  const reply = await preview(handlers['files.preview'].input.parse({ path: missing }));
  expect(reply).toMatchObject({ path: missing, rows: [], columns: [], error: { code: ErrorCodes.fileNotFound, file: missing } });
});

test('the contract refuses options that cannot work before any file is read', () => {
  const parse = (overrides: unknown) => handlers['files.preview'].input.safeParse({ path: '/x.csv', overrides }).success;
  expect(parse({ delimiter: '#', escape: '\\', nullString: 'NULL', dateFormat: 'DD/MM/YYYY', timeZone: 'UTC', decimalComma: true, trim: true })).toBe(true);
  expect(parse({ delimiter: ';;' })).toBe(false);
  expect(parse({ escape: '\n' })).toBe(false);
});
