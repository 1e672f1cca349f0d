import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect, test } from 'vitest';
import { CONFLICT_POLICIES, FILE_ORDERS, FILE_TYPES, LOAD_DEFAULTS, ON_ERROR_CHOICES, WRITE_MODES } from '../../shared/vocabulary.ts';
import { loadArgOptions, loadUsage, parseLoadArgs } from './load-args.ts';

/** Every flag of the parser's table once, each with a value other than its default. */
async function argvWithEveryFlag(): Promise<string[]> {
  const dir = await mkdtemp(join(tmpdir(), 'keyload-args-'));
  const mappingFile = join(dir, 'mapping.json');
  await writeFile(mappingFile, JSON.stringify({ version: 1, columns: { A: 'a', B: 'b' } }));
  return [
    '--dsn', 'postgres://h/d', '--table', 's.t', '--key', 'a, b', '--mode', 'ignore', '--create-table',
    '--map', 'X=x', '--map', 'junk=', '--map', 'B=bee', '--mapping-file', mappingFile, '--ignore-extra-columns',
    '--touch-column', 'ts', '--version-column', 'updated_at', '--file-type', 'csv',
    '--delimiter', 'tab', '--quote', "'", '--escape', '\\', '--null', '\\N', '--date-format', 'DD/MM/YYYY',
    '--time-zone', 'Europe/Berlin', '--decimal-comma', '--trim', '--encoding', 'windows-1252',
    '--stall-timeout', '2.5', '--max-decompressed', '500G',
    '--order', 'mtime', '--conflict-policy', 'version:updated_at', '--concurrency', '8', '--internal-concurrency', '3',
    '--disable-internal-parallelism', '--claim', '--lease-seconds', '30', '--batch-size', '10', '--atomic-file',
    '--max-retries', '0', '--retry-window', '2min', '--lock-timeout', '1.5s', '--on-error', 'abort', '--rejects-dir', '/tmp/r', '--manifest-schema', 'meta',
    '--force', '--dry-run', '--undo', '--undo-keep', '12h', '--json', '--report', '/tmp/out/run.html', '--report', 'run.md',
    'f1.csv', 'dir/',
  ];
}

test('every option reaches the engine options', async () => {
  const argv = await argvWithEveryFlag();
  // A flag added to the parser's table fails here until this test gives it and expects its value below.
  const given = new Set(argv.filter((arg) => arg.startsWith('--')).map((flag) => flag.slice(2)));
  expect([...given].sort()).toEqual(Object.keys(loadArgOptions).sort());

  expect(await parseLoadArgs(argv)).toEqual({
    dsn: 'postgres://h/d',
    json: true,
    reports: ['/tmp/out/run.html', resolve('run.md')],
    options: {
      files: ['f1.csv', 'dir/'],
      table: 's.t',
      key: ['a', 'b'],
      mode: 'ignore',
      createTable: true,
      map: { A: 'a', B: 'bee', X: 'x', junk: null },
      ignoreExtraColumns: true,
      touchColumn: 'ts',
      fileType: 'csv',
      csv: {
        delimiter: '\t',
        quote: "'",
        escape: '\\',
        nullString: '\\N',
        dateFormat: 'DD/MM/YYYY',
        timeZone: 'Europe/Berlin',
        decimalComma: true,
        trim: true,
        encoding: 'windows-1252',
      },
      stallTimeoutSeconds: 2.5,
      maxDecompressedBytes: 500 * 1024 ** 3,
      order: 'mtime',
      conflictPolicy: 'version',
      versionColumn: 'updated_at',
      concurrency: 8,
      internalConcurrency: 3,
      disableInternalParallelism: true,
      claim: true,
      leaseSeconds: 30,
      batchSize: 10,
      atomicFile: true,
      maxRetries: 0,
      retryWindowSeconds: 120,
      lockTimeoutMs: 1500,
      onError: 'abort',
      rejectsDir: '/tmp/r',
      manifestSchema: 'meta',
      force: true,
      dryRun: true,
      undo: true,
      undoKeepMs: 43_200_000,
    },
  });
  expect((await parseLoadArgs(['--table', 't', '--no-undo', 'f.csv'])).options.undo).toBe(false);
});

test('options not given stay unset, for the engine\'s defaults to apply', async () => {
  expect(await parseLoadArgs(['--table', 't', 'f.csv'])).toEqual({
    dsn: undefined,
    json: false,
    reports: [],
    options: { files: ['f.csv'], table: 't', map: {}, createTable: false, ignoreExtraColumns: false, atomicFile: false, force: false, dryRun: false },
  });
});

/** The choices a flag's help line lists, e.g. `--mode` -> { choices: ['upsert', ...], byDefault: 'upsert' }. */
function helpChoices(flag: string): { choices: string[]; byDefault: string | undefined } {
  const line = loadUsage.split('\n').find((text) => text.startsWith(`  ${flag} `));
  if (!line) throw new Error(`the help has no line for ${flag}`);
  const pieces = line.replace(/^\s+\S+\s+\S+\s+/, '').split(' | ');
  const choice = (piece: string) => piece.replace(/ \(default.*$/, '').replace(/:.*$/, '');
  return { choices: pieces.map(choice), byDefault: pieces.filter((piece) => piece.includes(' (default')).map(choice)[0] };
}

test('the help lists every mode, order, conflict policy and on-error choice, with its default', () => {
  expect(helpChoices('--mode')).toEqual({ choices: [...WRITE_MODES], byDefault: LOAD_DEFAULTS.mode });
  expect(helpChoices('--order')).toEqual({ choices: [...FILE_ORDERS], byDefault: LOAD_DEFAULTS.order });
  expect(helpChoices('--conflict-policy')).toEqual({ choices: [...CONFLICT_POLICIES], byDefault: LOAD_DEFAULTS.conflictPolicy });
  expect(helpChoices('--on-error')).toEqual({ choices: [...ON_ERROR_CHOICES], byDefault: LOAD_DEFAULTS.onError });
  expect(helpChoices('--file-type').choices).toEqual([...FILE_TYPES]);
  expect(loadUsage).toContain('version:<column>');
  expect(loadUsage).toContain(`files staged at once (default ${LOAD_DEFAULTS.concurrency})`);
  expect(loadUsage).toContain(`merge workers per file slot (default ${LOAD_DEFAULTS.internalConcurrency})`);
});

test('the help describes every flag the parser accepts', () => {
  for (const flag of Object.keys(loadArgOptions)) expect(loadUsage).toMatch(new RegExp(`--${flag}\\b`));
});

test('--retry-window and --lock-timeout take durations; anything else is a usage error', async () => {
  expect((await parseLoadArgs(['--table', 't', '--retry-window', '0', '--lock-timeout', '250ms', 'f'])).options).toMatchObject({ retryWindowSeconds: 0, lockTimeoutMs: 250 });
  await expect(parseLoadArgs(['--table', 't', '--lock-timeout', 'soon', 'f'])).rejects.toMatchObject({ code: 'KEYLOAD_USAGE', message: expect.stringMatching(/--lock-timeout expects a duration/) });
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

test('reader limits: seconds and sizes, or usage errors', async () => {
  const limits = async (...flags: string[]) => (await parseLoadArgs(['--table', 't', ...flags, 'f'])).options;
  expect(await limits('--stall-timeout', '60', '--max-decompressed', '1T')).toMatchObject({ stallTimeoutSeconds: 60, maxDecompressedBytes: 1024 ** 4 });
  expect(await limits('--max-decompressed', '750MB')).toMatchObject({ maxDecompressedBytes: 750 * 1024 ** 2 });
  expect(await limits('--max-decompressed', '123456')).toMatchObject({ maxDecompressedBytes: 123456 });
  await expect(limits('--stall-timeout', '0')).rejects.toThrow(/--stall-timeout expects seconds/);
  await expect(limits('--max-decompressed', 'lots')).rejects.toThrow(/--max-decompressed expects a size/);
  await expect(limits('--encoding', 'latin9')).rejects.toThrow(/--encoding/);
});

test('bad CSV flags are usage errors naming the flag', async () => {
  await expect(parseLoadArgs(['--table', 't', '--delimiter', ';;', 'f'])).rejects.toThrow(/--delimiter must be a single character/);
  await expect(parseLoadArgs(['--table', 't', '--escape', '\n', 'f'])).rejects.toThrow(/--escape cannot be a line break/);
  await expect(parseLoadArgs(['--table', 't', '--date-format', 'YYYY/MM', 'f'])).rejects.toMatchObject({ code: 'KEYLOAD_USAGE', message: /has no day/ });
  await expect(parseLoadArgs(['--table', 't', '--time-zone', 'Nowhere/City', 'f'])).rejects.toMatchObject({ code: 'KEYLOAD_USAGE', message: /Unknown time zone/ });
});
