// A valid page larger than 1 GiB (uncompressed; a few MB of GZIP in the file) reads whole. The
// reader once refused any page declaring more than 1 GiB as corrupt.
import { expect, test } from 'vitest';
import { writeLargePageFixture } from '../../../../test/fixtures/parquet-writer.ts';
import { tempDir } from '../../../../test/fixtures/parquet-helpers.ts';
import { openParquetSource } from './parquet-source.ts';

test('a page declaring more than 1 GiB of strings reads every value', async () => {
  const dir = await tempDir();
  try {
    const path = dir.file('large-page.parquet');
    const value = 'ü'.repeat(300) + 'x'.repeat(424);
    const count = 1_100_000;
    const pageBytes = await writeLargePageFixture(path, value, count);
    expect(pageBytes).toBeGreaterThan(2 ** 30);
    const source = await openParquetSource(path);
    let rows = 0;
    let wrong = 0;
    for await (const chunk of source.rows()) {
      for (const row of chunk) if (row.values[0] !== value) wrong++;
      rows += chunk.length;
    }
    expect({ rows, wrong }).toEqual({ rows: count, wrong: 0 });
  } finally {
    await dir.remove();
  }
}, 300_000);
