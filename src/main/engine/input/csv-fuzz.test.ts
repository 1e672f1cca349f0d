// Fuzzing the CSV and gzip readers through the real reader worker, as a load reads a file: random
// bytes, and valid CSV (plain or gzip) with bit flips, truncation, inserted quotes, CR and NUL, and
// repeated bytes. Every input must end with rows or with a clear error of a known code. A hang or a
// spin would trip the stall watchdog (KEYLOAD_READER_STALLED), a crash or runaway memory in the
// worker would surface as KEYLOAD_INTERNAL: both fail the property. fast-check prints the seed.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCodes, KeyloadError, type ErrorCode } from '../../../shared/errors.ts';
import { closeReaderPool } from '../reader/reader-pool.ts';
import { ReaderClient } from '../reader/reader-client.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'keyload-fuzz-'));
});
afterAll(async () => {
  await closeReaderPool();
  await rm(dir, { recursive: true, force: true });
});

/** The ways a hostile or damaged file may fail; anything else is a reader bug. */
const FILE_ERRORS: readonly ErrorCode[] = [ErrorCodes.fileCorrupt, ErrorCodes.fileUnsupported, ErrorCodes.encoding, ErrorCodes.decompressionLimit];

const field = fc.oneof(
  fc.integer().map(String),
  fc.string({ unit: 'grapheme', maxLength: 12 }),
  fc.constantFrom('', 'NULL', '2024-01-31', '-1.5', 'a,b', 'say "hi"', 'two\nlines', 'café'),
);
const quoted = (value: string): string => (/[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);
const validCsv = fc
  .integer({ min: 1, max: 6 })
  .chain((columns) => fc.array(fc.array(field, { minLength: columns, maxLength: columns }), { minLength: 1, maxLength: 40 }))
  .map((records) => Buffer.from(records.map((record) => record.map(quoted).join(',')).join('\n') + '\n'));

type Mutation =
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'insert'; at: number; text: string }
  | { kind: 'repeat'; at: number; length: number; times: number }
  | { kind: 'set'; at: number; value: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.constantFrom('"', "'", '\r', '\0', '\n', '\r\n', '""', ',', '\uFEFF') }),
  fc.record({ kind: fc.constant('repeat' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 8 }), times: fc.integer({ min: 2, max: 5000 }) }),
  fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
);

function mutate(bytes: Buffer, change: Mutation): Buffer {
  const at = change.at % (bytes.length + 1);
  switch (change.kind) {
    case 'flip': {
      const out = Buffer.from(bytes);
      if (at < out.length) out[at] = (out[at] ?? 0) ^ (1 << change.bit);
      return out;
    }
    case 'truncate':
      return bytes.subarray(0, at);
    case 'insert':
      return Buffer.concat([bytes.subarray(0, at), Buffer.from(change.text), bytes.subarray(at)]);
    case 'repeat': {
      const piece = bytes.subarray(at, at + change.length);
      return Buffer.concat([bytes.subarray(0, at), ...new Array<Buffer>(change.times).fill(piece), bytes.subarray(at)]);
    }
    case 'set': {
      const out = Buffer.from(bytes);
      if (at < out.length) out[at] = change.value;
      return out;
    }
  }
}

let files = 0;

/** Reads the file to its end in a reader worker; the rows read, or the error it failed with. */
async function readThroughWorker(content: Uint8Array): Promise<{ rows: number } | { error: KeyloadError }> {
  const path = join(dir, `input-${++files}`);
  await writeFile(path, content);
  const reader = new ReaderClient(path);
  try {
    const info = await reader.open({ limits: { stallTimeoutMs: 10_000 } }, false);
    const indexes = info.columns.map((_, i) => i);
    let rows = 0;
    for (let batch = await reader.pull(indexes, 500, true); batch; batch = await reader.pull(indexes, 500, true)) rows += batch.rows + batch.rejects.length;
    return { rows };
  } catch (error) {
    if (error instanceof KeyloadError) return { error };
    throw error;
  } finally {
    await reader.close();
    await rm(path, { force: true });
  }
}

function expectCleanEnd(outcome: { rows: number } | { error: KeyloadError }): void {
  if ('rows' in outcome) return;
  const { code, message, location } = outcome.error;
  expect(FILE_ERRORS, `${code}: ${message}`).toContain(code);
  expect(location.file).toBeDefined();
  expect(message).not.toContain('\n');
  expect(message.length).toBeLessThan(400);
}

describe('CSV and gzip readers under fuzzing', () => {
  it('end with rows or a clear file error on random bytes', { timeout: 300_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 4096 }), fc.boolean(), async (bytes, gzip) => {
        expectCleanEnd(await readThroughWorker(gzip ? gzipSync(bytes) : bytes));
      }),
      { numRuns: 60 },
    );
  });

  it('end with rows or a clear file error on mutated CSV, plain and gzip', { timeout: 300_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(validCsv, fc.array(mutation, { minLength: 1, maxLength: 4 }), fc.constantFrom('plain', 'gzip', 'mutated gzip'), async (csv, changes, form) => {
        const apply = (bytes: Buffer) => changes.reduce(mutate, bytes);
        const content = form === 'plain' ? apply(csv) : form === 'gzip' ? gzipSync(apply(csv)) : apply(gzipSync(csv));
        if (content.length === 0) return; // an empty file has its own test
        expectCleanEnd(await readThroughWorker(content));
      }),
      { numRuns: 150 },
    );
  });
});
