// The demo's sample CSV files, read back the way a load reads them.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { openSource } from '../engine/input/open-source.ts';
import type { SourceRow } from '../engine/input/source.ts';
import { writeDemoFiles } from './commands/demo.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'keyload-demo-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function readRows(path: string) {
  const source = await openSource(path);
  const rows: SourceRow[] = [];
  for await (const chunk of source.rows()) rows.push(...chunk);
  await source.close();
  return { dialect: source.description.dialect, columns: source.columns.map((c) => c.name), rows };
}

test('the sample CSV files read back with their dialect, multi-byte cities and the planted bad rows', async () => {
  const [commas, semicolons] = await writeDemoFiles(dir);
  const first = await readRows(commas as string);
  expect(first.dialect).toMatchObject({ delimiter: ',', lineEnding: '\r\n', hasHeader: true });
  expect(first.columns).toEqual(['id', 'name', 'city', 'balance', 'updated_at']);
  expect(first.rows).toHaveLength(1004);
  expect(first.rows[100]).toEqual({ line: 102, values: ['5001', 'Broken row'] });
  expect(new Set(first.rows.map((r) => r.values[2]))).toEqual(new Set(['Lisbon', 'Porto', 'Zürich', 'Kraków', 'São Paulo', 'Montréal', undefined]));
  const second = await readRows(semicolons as string);
  expect(second.dialect).toMatchObject({ delimiter: ';', lineEnding: '\r\n' });
  expect(second.rows).toHaveLength(500);
  expect(second.rows[0]?.values).toEqual(['751', 'Customer 751 (v2)', 'Kraków', '279.89', '2025-02-26T12:00:00Z']);
});
