// A reader worker's failures reach the engine with their code intact: the worker turns them into
// ErrorInfo with the engine's one toErrorInfo, so a SQLSTATE or a KEYLOAD_* code, hint and line survive.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCodes, KeyloadError } from '../../../shared/errors.ts';
import { closeReaderPool } from './reader-pool.ts';
import { ReaderClient } from './reader-client.ts';
import { errorReply } from './reader-worker.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'keyload-reader-errors-'));
});
afterAll(async () => {
  await closeReaderPool();
  await rm(dir, { recursive: true, force: true });
});

describe('reader worker errors', () => {
  it('keep a SQLSTATE code, with the detail as the hint', () => {
    const error = new pg.DatabaseError('invalid input syntax for type integer: "x"', 0, 'error');
    error.code = '22P02';
    error.detail = 'The value came from column id.';
    expect(errorReply(7, error)).toEqual({
      seq: 7,
      type: 'error',
      error: { code: '22P02', message: 'invalid input syntax for type integer: "x"', hint: 'The value came from column id.' },
    });
  });

  it('keep a KeyloadError\'s code, hint and location; anything else is KEYLOAD_INTERNAL', () => {
    const refused = new KeyloadError(ErrorCodes.fileCorrupt, 'Unterminated quoted field', { file: '/data/a.csv', line: 3, hint: 'Check the quotes.' });
    expect(errorReply(1, refused)).toMatchObject({
      seq: 1,
      type: 'error',
      error: { code: ErrorCodes.fileCorrupt, message: 'Unterminated quoted field', file: '/data/a.csv', line: 3, hint: 'Check the quotes.' },
    });
    expect(errorReply(2, new RangeError('out of range'))).toEqual({ seq: 2, type: 'error', error: { code: ErrorCodes.internal, message: 'out of range' } });
  });

  it('arrive at the reader client as a KeyloadError with code, hint and file', async () => {
    const path = join(dir, 'archive.csv');
    await writeFile(path, Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0]));
    const reader = new ReaderClient(path);
    const failure: unknown = await reader.open({}, true).then(
      () => null,
      (error: unknown) => error,
    );
    await reader.close();
    expect(failure).toBeInstanceOf(KeyloadError);
    expect(failure instanceof KeyloadError && failure.toInfo()).toMatchObject({
      code: ErrorCodes.fileUnsupported,
      message: expect.stringContaining('zip archive'),
      hint: expect.stringContaining('Decompress it'),
      file: path,
    });
  });
});
