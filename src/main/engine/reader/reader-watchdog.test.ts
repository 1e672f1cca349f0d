// The stall watchdog with a reader that really stalls: the file is replaced by a FIFO that never
// gets a writer, so the worker's next read blocks in open(2) forever, as on a hung network share.
import { execFileSync } from 'node:child_process';
import { closeSync, constants, openSync } from 'node:fs';
import { mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCodes, KeyloadError } from '../../../shared/errors.ts';
import { closeReaderPool } from './reader-pool.ts';
import { ReaderClient } from './reader-client.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'keyload-watchdog-'));
});
afterAll(async () => {
  await closeReaderPool();
  await rm(dir, { recursive: true, force: true });
});

/** Lets the blocked open(2) return (a writer appears), so no thread of the pool stays stuck. */
function releaseFifo(path: string): void {
  try {
    closeSync(openSync(path, constants.O_WRONLY | constants.O_NONBLOCK));
  } catch {
    // ENXIO: nobody is waiting on it any more.
  }
}

describe('reader stall watchdog', () => {
  it('fails a file whose reading makes no progress, naming the file, and frees the worker', { timeout: 30_000 }, async () => {
    const path = join(dir, 'stalls.csv');
    await writeFile(path, 'id,name\n1,a\n2,b\n');
    const reader = new ReaderClient(path);
    try {
      await reader.open({ limits: { stallTimeoutMs: 2000 } }, false);
      await unlink(path);
      execFileSync('mkfifo', [path]);
      const failure: unknown = await reader.pull([0, 1], 100, false).then(
        () => null,
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(KeyloadError);
      expect(failure instanceof KeyloadError && failure.toInfo()).toMatchObject({
        code: ErrorCodes.readerStalled,
        message: 'Reading stalled: no bytes read and no rows produced for 2 s.',
        file: path,
        hint: expect.stringContaining('--stall-timeout'),
      });
    } finally {
      await reader.close();
      releaseFifo(path);
    }
    // The pool goes on serving other files.
    const next = join(dir, 'fine.csv');
    await writeFile(next, 'id\n1\n');
    const healthy = new ReaderClient(next);
    try {
      expect((await healthy.open({ limits: { stallTimeoutMs: 10_000 } }, false)).columns.map((c) => c.name)).toEqual(['id']);
    } finally {
      await healthy.close();
    }
  });
});
