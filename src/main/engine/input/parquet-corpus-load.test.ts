// Corpus files loaded end to end (plan, reader workers, COPY) into a real PostgreSQL: a zero-row
// file with key-value metadata creates its table from the schema and loads as 0 rows (it once
// failed as "no file could be read" with no reason), and the Impala-style nested file lands as jsonb.
import { expect, test } from 'vitest';
import { useTestHarness } from '../../../../test/load-harness.ts';
import { openDuck } from '../../../../test/fixtures/parquet-helpers.ts';
import { writeParquetCorpus, type CorpusFile } from '../../../../test/fixtures/parquet-corpus.ts';

const t = useTestHarness();

async function corpus(): Promise<CorpusFile[]> {
  const duck = await openDuck();
  try {
    return await writeParquetCorpus(duck, (name) => `${t.h.dir}/${name}`);
  } finally {
    duck.close();
  }
}

test('zero-row files create their table from the schema and load 0 rows; nested REQUIRED groups load', async () => {
  const files = await corpus();
  const zero = files.filter((f) => f.name.includes('zero-rows'));
  expect(zero.length).toBeGreaterThanOrEqual(2);
  for (const [index, file] of zero.entries()) {
    const table = `zero_${index}`;
    const result = await t.h.load({ files: [file.path], table, createTable: true, mode: 'append' });
    expect(result, file.name).toMatchObject({ exitCode: 0, createdTable: true, totals: { read: 0, inserted: 0 } });
    // A file without rows is skipped with its reason, as an empty CSV is; the table still comes from its schema.
    expect(result.files[0], file.name).toMatchObject({ status: 'skipped', skipReason: expect.any(String) });
    const columns = await t.db.query(`SELECT column_name FROM information_schema.columns WHERE table_name = $1 ORDER BY ordinal_position`, [table]);
    expect(columns.length, file.name).toBeGreaterThan(0);
  }
  const nested = files.find((f) => f.name === 'rust-V2-hyw-nested-required.parquet') as CorpusFile;
  const result = await t.h.load({ files: [nested.path], table: 'nested', createTable: true, key: ['id'] });
  expect(result).toMatchObject({ exitCode: 0, totals: { inserted: 4 } });
  const rows = await t.db.query<{ id: string; point: unknown; scores: unknown }>('SELECT id, point, scores FROM nested ORDER BY id');
  expect(rows[1]).toEqual({ id: '2', point: { x: -2, label: null }, scores: [] });
}, 120_000);
