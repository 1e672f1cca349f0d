// docs/report.schema.json is the JSON Schema of the run report, generated from its zod definition:
// this test fails when the two drift apart (UPDATE_FIXTURES=1 rewrites the file), and checks that
// the schema, used by an independent validator (Ajv), accepts a report and refuses broken ones.
import { readFile, writeFile } from 'node:fs/promises';
import { expect, test } from 'vitest';
import { z } from 'zod';
import { emptyCounts } from '../../shared/load-types.ts';
import { runReportSchema, type RunReport } from '../../shared/report-types.ts';
import { reportSchemaPath, reportValidator } from '../../../test/report-validator.ts';

test('docs/report.schema.json is generated from the report schema the code validates with', async () => {
  const generated = `${JSON.stringify(z.toJSONSchema(runReportSchema, { target: 'draft-2020-12' }), null, 2)}\n`;
  if (process.env.UPDATE_FIXTURES) await writeFile(reportSchemaPath, generated);
  expect(await readFile(reportSchemaPath, 'utf8')).toBe(generated);
});

test('the JSON Schema accepts a report and refuses one with a wrong or missing field', async () => {
  const validate = await reportValidator();
  const counts = { ...emptyCounts(), read: 3, inserted: 3 };
  const report: RunReport = {
    schemaVersion: 1, runId: 'r1', table: 'public.t', mode: 'upsert', dryRun: false, createdTable: false, totals: counts, seconds: 1,
    concurrency: 2, internalConcurrency: 1, pool: null, exitCode: 0, source: 'cli', startedAt: '2026-12-01T10:00:00.000Z', finishedAt: '2026-12-01T10:00:01.000Z',
    settings: { connection: 'me@db:5432/app', key: ['id'], conflictPolicy: 'last', order: 'given' },
    files: [{ path: '/a.csv', sha256: null, status: 'loaded', counts, seconds: 1, sizeBytes: 10, retries: 0, megabytesPerSecond: 0, rowsPerSecond: 3, stages: [{ stage: 'reading', startMs: 0, endMs: 5 }] }],
    throughput: [], notices: [], errors: [], rejects: [],
  };
  expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
  for (const broken of [{ ...report, exitCode: 2 }, { ...report, startedAt: 'yesterday' }, { ...report, files: [{ ...report.files[0], status: 'done' }] }, { ...report, settings: undefined }]) {
    expect(validate(JSON.parse(JSON.stringify(broken)))).toBe(false);
  }
});
