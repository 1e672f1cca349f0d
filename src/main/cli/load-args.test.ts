import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { parseLoadArgs } from './load-args.ts';

test('every option reaches the engine options', async () => {
  const command = await parseLoadArgs([
    '--table', 's.t', '--key', 'a, b', '--mode', 'ignore', '--batch-size', '10', '--max-retries', '0', '--map', 'X=x', '--map', 'junk=',
    '--order', 'mtime', '--on-error', 'abort', '--atomic-file', '--force', '--dry-run', '--file-type', 'csv', '--touch-column', 'ts',
    '--rejects-dir', '/tmp/r', '--json', '--dsn', 'postgres://h/d', 'f1.csv', 'dir/',
  ]);
  expect(command).toEqual({
    dsn: 'postgres://h/d',
    json: true,
    options: {
      files: ['f1.csv', 'dir/'],
      table: 's.t',
      key: ['a', 'b'],
      mode: 'ignore',
      batchSize: 10,
      maxRetries: 0,
      map: { X: 'x', junk: null },
      order: 'mtime',
      onError: 'abort',
      atomicFile: true,
      force: true,
      dryRun: true,
      fileType: 'csv',
      touchColumn: 'ts',
      rejectsDir: '/tmp/r',
      createTable: false,
      ignoreExtraColumns: false,
    },
  });
});

test('concurrency and conflict policy options', async () => {
  const parsed = await parseLoadArgs(['--table', 't', '--concurrency', '8', '--internal-concurrency', '3', '--conflict-policy', 'version:updated_at', 'f']);
  expect(parsed.options).toMatchObject({ concurrency: 8, internalConcurrency: 3, conflictPolicy: 'version', versionColumn: 'updated_at' });
  expect((await parseLoadArgs(['--table', 't', '--conflict-policy', 'error', '--disable-internal-parallelism', 'f'])).options).toMatchObject({
    conflictPolicy: 'error',
    disableInternalParallelism: true,
  });
  await expect(parseLoadArgs(['--table', 't', '--conflict-policy', 'newest', 'f'])).rejects.toThrow(/--conflict-policy must be one of/);
});

test('a mapping file is read and --map entries override it', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'keyload-args-'));
  const path = join(dir, 'mapping.json');
  await writeFile(path, JSON.stringify({ version: 1, columns: { A: 'a', B: 'b', C: null } }));
  const command = await parseLoadArgs(['--table', 't', '--mapping-file', path, '--map', 'B=bee', 'f.csv']);
  expect(command.options.map).toEqual({ A: 'a', B: 'bee', C: null });
  await writeFile(path, '{"version": 2}');
  await expect(parseLoadArgs(['--table', 't', '--mapping-file', path, 'f.csv'])).rejects.toMatchObject({ code: 'KEYLOAD_USAGE' });
});

test('malformed values are usage errors', async () => {
  await expect(parseLoadArgs(['--table', 't', '--batch-size', '1.5', 'f'])).rejects.toThrow(/whole number/);
  await expect(parseLoadArgs(['--table', 't', '--unknown', 'f'])).rejects.toMatchObject({ code: 'KEYLOAD_USAGE' });
  await expect(parseLoadArgs(['--table', 't', '--map', 'novalue', 'f'])).rejects.toThrow(/source=target/);
});

test('CSV flags become the CSV options for every file, over the mapping file\'s csv section', async () => {
  const flags = ['--delimiter', 'tab', '--quote', "'", '--escape', '\\', '--null', '\\N', '--date-format', 'DD/MM/YYYY', '--time-zone', 'Europe/Berlin', '--decimal-comma', '--trim'];
  expect((await parseLoadArgs(['--table', 't', ...flags, 'f.csv'])).options.csv).toEqual({
    delimiter: '\t',
    quote: "'",
    escape: '\\',
    nullString: '\\N',
    dateFormat: 'DD/MM/YYYY',
    timeZone: 'Europe/Berlin',
    decimalComma: true,
    trim: true,
  });
  expect((await parseLoadArgs(['--table', 't', 'f.csv'])).options).not.toHaveProperty('csv');

  const dir = await mkdtemp(join(tmpdir(), 'keyload-args-'));
  const path = join(dir, 'mapping.json');
  await writeFile(path, JSON.stringify({ version: 1, columns: {}, csv: { delimiter: ';', nullString: 'NULL', dateFormat: 'MM/DD/YYYY' } }));
  expect((await parseLoadArgs(['--table', 't', '--mapping-file', path, '--date-format', 'DD/MM/YYYY', 'f.csv'])).options.csv).toEqual({
    delimiter: ';',
    nullString: 'NULL',
    dateFormat: 'DD/MM/YYYY',
  });
  await writeFile(path, JSON.stringify({ version: 1, columns: {}, csv: { delimiter: ';;' } }));
  await expect(parseLoadArgs(['--table', 't', '--mapping-file', path, 'f.csv'])).rejects.toThrow(/csv\.delimiter/);
});

test('bad CSV flags are usage errors naming the flag', async () => {
  await expect(parseLoadArgs(['--table', 't', '--delimiter', ';;', 'f'])).rejects.toThrow(/--delimiter must be a single character/);
  await expect(parseLoadArgs(['--table', 't', '--escape', '\n', 'f'])).rejects.toThrow(/--escape cannot be a line break/);
  await expect(parseLoadArgs(['--table', 't', '--date-format', 'YYYY/MM', 'f'])).rejects.toMatchObject({ code: 'KEYLOAD_USAGE', message: /has no day/ });
  await expect(parseLoadArgs(['--table', 't', '--time-zone', 'Nowhere/City', 'f'])).rejects.toMatchObject({ code: 'KEYLOAD_USAGE', message: /Unknown time zone/ });
});
