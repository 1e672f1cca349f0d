// The end-of-run table says what happened to each file, rows committed before a failure included.
import { expect, test } from 'vitest';
import { emptyCounts, type FileResult, type LoadResult } from '../../shared/load-types.ts';
import { summaryTable } from './summary.ts';

const file = (name: string, extra: Partial<FileResult>): FileResult => ({ path: `/data/${name}`, sha256: null, status: 'loaded', counts: emptyCounts(), seconds: 1, ...extra });

const run = (files: FileResult[], seconds: number): LoadResult => ({
  runId: 'r',
  table: 'public.t',
  mode: 'upsert',
  dryRun: false,
  createdTable: false,
  files,
  totals: emptyCounts(),
  seconds,
  concurrency: 1,
  internalConcurrency: 1,
  pool: null,
  exitCode: 1,
});

test('partly loaded, cancelled and empty files are named as such, never as plain failures', () => {
  const result = run([
      file('partly.csv', { status: 'partly-loaded', committedRows: 1200, error: { code: 'P0001', message: 'boom', file: '/data/partly.csv' } }),
      file('stopped.csv', { status: 'cancelled', committedRows: 400 }),
      file('never.csv', { status: 'cancelled' }),
      file('empty.csv', { status: 'skipped', skipReason: 'empty file: nothing to load' }),
    ], 2);
  const lines = summaryTable(result).split('\n');
  expect(lines.find((l) => l.startsWith('partly.csv'))).toContain('partly loaded: 1,200 rows committed; a re-run resumes');
  expect(lines.find((l) => l.startsWith('stopped.csv'))).toContain('cancelled: 400 rows committed; a re-run resumes');
  expect(lines.find((l) => l.startsWith('never.csv'))).toMatch(/^never\.csv\s+cancelled\s/);
  expect(lines.find((l) => l.startsWith('empty.csv'))).toContain('skipped: empty file: nothing to load');
  expect(lines).toContain('error: /data/partly.csv: boom');
});

test('each file read says how: the detected (or given) encoding is never silent', () => {
  const result = run([file('latin.csv', { format: 'CSV, comma-separated, windows-1252, header row, LF' }), file('gone.csv', { status: 'failed' })], 1);
  const lines = summaryTable(result).split('\n');
  expect(lines).toContain('read latin.csv as CSV, comma-separated, windows-1252, header row, LF');
  expect(lines.filter((l) => l.startsWith('read '))).toHaveLength(1);
});
