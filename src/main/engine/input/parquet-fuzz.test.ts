// Fuzz of the Parquet reader: random bytes, and valid files from DuckDB and hyparquet-writer with
// bytes flipped, overwritten, cut or spliced (the footer and page headers most of all). Every input
// must end, within a time bound, with rows or with a KeyloadError that has a file-level code and
// names the file: no other exception, no hang, no heap beyond the worker's limit. Each read runs in
// a worker thread so a spinning read can be timed out and terminated; fast-check prints the seed
// of a failure (replay with { seed, path }).
import fc from 'fast-check';
import { parquetWriteFile } from 'hyparquet-writer';
import { readFile, writeFile } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openDuck, sqlPath, tempDir } from '../../../../test/fixtures/parquet-helpers.ts';
import type { FuzzOutcome } from '../../../../test/fixtures/parquet-fuzz-worker.ts';
import { ErrorCodes } from '../../../shared/errors.ts';

/** Generous: a valid read of these files takes milliseconds; only a hang gets near it. */
const READ_TIME_BOUND_MS = 20_000;
/** Enough rows to show that reading works; a corrupt row count could otherwise ask for billions. */
const MAX_ROWS = 50_000;
const RUNS = 300;
const FILE_CODES: string[] = [ErrorCodes.fileCorrupt, ErrorCodes.fileUnsupported];

let dir: Awaited<ReturnType<typeof tempDir>>;
const seeds: Uint8Array[] = [];

beforeAll(async () => {
  dir = await tempDir();
  const duck = await openDuck();
  try {
    const writes = [
      ['flat-snappy', `(FORMAT parquet)`],
      ['flat-zstd-v2', `(FORMAT parquet, COMPRESSION zstd, PARQUET_VERSION V2)`],
      ['flat-gzip-groups', `(FORMAT parquet, COMPRESSION gzip, ROW_GROUP_SIZE 64)`],
    ];
    for (const [name, options] of writes) {
      await duck.run(`COPY (SELECT i::BIGINT AS id, 'n' || (i % 13) AS cat, CASE WHEN i % 3 = 0 THEN NULL ELSE i / 7 END::DECIMAL(9,2) AS amount,
          TIMESTAMP '2024-01-01' + INTERVAL (i) MINUTE AS ts FROM range(300) t(i)) TO ${sqlPath(dir.file(`${name}.parquet`))} ${options}`);
    }
    await duck.run(`COPY (SELECT [i, NULL] AS l, {'a': i, 'b': [{'c': 'x' || i}]} AS s, MAP {'k': i} AS m FROM range(50) t(i))
      TO ${sqlPath(dir.file('nested.parquet'))} (FORMAT parquet)`);
  } finally {
    duck.close();
  }
  parquetWriteFile({
    filename: dir.file('hyw-required.parquet'),
    schema: [
      { name: 'root', num_children: 2 },
      { name: 'p', repetition_type: 'REQUIRED', num_children: 1 },
      { name: 'x', type: 'INT32', repetition_type: 'REQUIRED' },
      { name: 'l', repetition_type: 'REQUIRED', converted_type: 'LIST', num_children: 1 },
      { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
      { name: 'element', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
    ],
    columnData: [
      { name: 'p', data: Array.from({ length: 40 }, (_, i) => ({ x: i })) },
      { name: 'l', data: Array.from({ length: 40 }, (_, i) => (i % 4 ? ['a', null] : [])) },
    ],
  });
  for (const name of ['flat-snappy', 'flat-zstd-v2', 'flat-gzip-groups', 'nested', 'hyw-required']) {
    seeds.push(new Uint8Array(await readFile(dir.file(`${name}.parquet`))));
  }
}, 60_000);

afterAll(async () => {
  await dir?.remove();
});

/** One reader worker, replaced when a read had to be terminated. */
class BoundedReader {
  private worker: Worker | undefined;

  async read(path: string): Promise<FuzzOutcome | { kind: 'hang' } | { kind: 'crash'; message: string }> {
    const worker = (this.worker ??= new Worker(new URL('../../../../test/fixtures/parquet-fuzz-worker.ts', import.meta.url), {
      // A decoder that allocates without bound dies here instead of taking the machine.
      resourceLimits: { maxOldGenerationSizeMb: 512 },
    }));
    return await new Promise((resolve) => {
      const done = (outcome: Parameters<typeof resolve>[0]): void => {
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('error', onError);
        resolve(outcome);
      };
      const onMessage = (outcome: FuzzOutcome): void => done(outcome);
      const onError = (error: Error): void => {
        this.worker = undefined;
        done({ kind: 'crash', message: error.message });
      };
      const timer = setTimeout(() => {
        this.worker = undefined;
        void worker.terminate();
        done({ kind: 'hang' });
      }, READ_TIME_BOUND_MS);
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.postMessage({ path, maxRows: MAX_ROWS });
    });
  }

  async close(): Promise<void> {
    await this.worker?.terminate();
  }
}

type Mutation =
  | { kind: 'set'; at: number; byte: number }
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'splice'; at: number; length: number; bytes: Uint8Array }
  | { kind: 'fill'; at: number; length: number; byte: number };

/** `at` is a fraction of the file; `tail` aims it at the last 10% (the footer). */
const position = fc.record({ at: fc.double({ min: 0, max: 1, noNaN: true }), tail: fc.boolean() });
const mutation: fc.Arbitrary<{ where: { at: number; tail: boolean }; mutation: Mutation }> = fc.record({
  where: position,
  mutation: fc.oneof(
    fc.record({ kind: fc.constant('set' as const), at: fc.constant(0), byte: fc.integer({ min: 0, max: 255 }) }),
    fc.record({ kind: fc.constant('flip' as const), at: fc.constant(0), bit: fc.integer({ min: 0, max: 7 }) }),
    fc.record({ kind: fc.constant('truncate' as const), at: fc.constant(0) }),
    fc.record({
      kind: fc.constant('splice' as const),
      at: fc.constant(0),
      length: fc.integer({ min: 0, max: 16 }),
      bytes: fc.uint8Array({ maxLength: 16 }),
    }),
    fc.record({
      kind: fc.constant('fill' as const),
      at: fc.constant(0),
      length: fc.integer({ min: 1, max: 8 }),
      byte: fc.constantFrom(0x00, 0x7f, 0x80, 0xff),
    }),
  ),
});

function mutate(seed: Uint8Array, mutations: { where: { at: number; tail: boolean }; mutation: Mutation }[]): Uint8Array {
  let bytes = seed.slice();
  for (const { where, mutation: m } of mutations) {
    if (bytes.length === 0) break;
    const from = where.tail ? Math.floor(bytes.length * 0.9) : 0;
    const at = Math.min(bytes.length - 1, from + Math.floor(where.at * (bytes.length - from)));
    if (m.kind === 'set') bytes[at] = m.byte;
    else if (m.kind === 'flip') bytes[at] = (bytes[at] as number) ^ (1 << m.bit);
    else if (m.kind === 'truncate') bytes = bytes.slice(0, at);
    else if (m.kind === 'fill') bytes.fill(m.byte, at, at + m.length);
    else {
      const next = new Uint8Array(bytes.length - Math.min(m.length, bytes.length - at) + m.bytes.length);
      next.set(bytes.subarray(0, at));
      next.set(m.bytes, at);
      next.set(bytes.subarray(at + m.length), at + m.bytes.length);
      bytes = next;
    }
  }
  return bytes;
}

const magic = new TextEncoder().encode('PAR1');
const input: fc.Arbitrary<Uint8Array> = fc.oneof(
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 512 }) },
  {
    weight: 1,
    arbitrary: fc.uint8Array({ maxLength: 512 }).map((body) => new Uint8Array([...magic, ...body, ...magic])),
  },
  {
    weight: 8,
    arbitrary: fc
      .record({ seed: fc.nat(), mutations: fc.array(mutation, { minLength: 1, maxLength: 4 }) })
      .map(({ seed, mutations }) => mutate(seeds[seed % seeds.length] as Uint8Array, mutations)),
  },
);

describe('Parquet reader fuzz', () => {
  test('the seed files read whole', async () => {
    const reader = new BoundedReader();
    try {
      for (const [index, seed] of seeds.entries()) {
        const path = dir.file(`seed-${index}.parquet`);
        await writeFile(path, seed);
        expect(await reader.read(path), `seed ${index}`).toMatchObject({ kind: 'rows' });
      }
    } finally {
      await reader.close();
    }
  });

  test(`${RUNS} random and mutated inputs each end with rows or a clear error naming the file`, async () => {
    const reader = new BoundedReader();
    const path = dir.file('fuzz.parquet');
    try {
      await fc.assert(
        fc.asyncProperty(input, async (bytes) => {
          await writeFile(path, bytes);
          const outcome = await reader.read(path);
          if (outcome.kind === 'rows') return;
          expect(outcome.kind, JSON.stringify(outcome)).toBe('error');
          if (outcome.kind !== 'error') return;
          expect(outcome.keyload, outcome.stack ?? outcome.message).toBe(true);
          expect(FILE_CODES, outcome.message).toContain(outcome.code);
          expect(outcome.file).toBe(path);
          expect(outcome.message.length).toBeGreaterThan(0);
          expect(outcome.message).not.toContain('\n');
        }),
        // A hang costs the whole time bound per shrinking step: report the first failure as found.
        { numRuns: RUNS, endOnFailure: true },
      );
    } finally {
      await reader.close();
    }
  }, 600_000);
});
