// Readers that never lie, end to end: real files through the reader workers into the embedded
// PostgreSQL. The detected encoding is reported (and so recorded with the run's result); a file
// that cannot be read for --create-table, or is too wide for a table, says which and why.
import { describe, expect, test } from 'vitest';
import { useTestHarness } from '../../../../test/load-harness.ts';

const t = useTestHarness();

const mixedUtf8 = Buffer.concat([Buffer.from('id,city\n1,café\n2,Zürich\n3,Mal'), Buffer.from([0xe9]), Buffer.from('\n')]);

describe('encoding', () => {
  test('a Windows-1252 file loads and its result says how it was read', async () => {
    const path = await t.h.file('latin.csv', Buffer.concat([Buffer.from('id,city\n1,Caf'), Buffer.from([0xe9]), Buffer.from('\n')]));
    const result = await t.h.load({ files: [path], table: 'latin', key: ['id'], createTable: true });
    expect(result.exitCode).toBe(0);
    expect(result.files[0]?.format).toBe('CSV, comma-separated, windows-1252, header row, LF');
    expect(await t.db.query('SELECT city FROM latin')).toEqual([{ city: 'Café' }]);
  });

  test('UTF-8 with a stray byte fails with the line and offset instead of loading "cafÃ©"; an encoding loads it as told', async () => {
    await t.db.query('CREATE TABLE cities (id int PRIMARY KEY, city text)');
    const path = await t.h.file('mixed.csv', mixedUtf8);
    const refused = await t.h.load({ files: [path], table: 'cities' });
    expect(refused.exitCode).toBe(1);
    expect(refused.files[0]).toMatchObject({ status: 'failed', error: { code: 'KEYLOAD_ENCODING', file: path, line: 4, message: expect.stringContaining(`byte offset ${mixedUtf8.indexOf(0xe9, 30)}`) } });
    expect(await t.db.query('SELECT count(*)::int AS n FROM cities')).toEqual([{ n: 0 }]);

    const told = await t.h.load({ files: [path], table: 'cities', csv: { encoding: 'windows-1252' } });
    expect(told.exitCode).toBe(0);
    expect(told.files[0]?.format).toContain('windows-1252');
    expect(await t.db.query('SELECT city FROM cities ORDER BY id')).toEqual([{ city: 'cafÃ©' }, { city: 'ZÃ¼rich' }, { city: 'Malé' }]);
  });
});

describe('--create-table', () => {
  test('on an unreadable file names the file and the reason', async () => {
    const path = await t.h.file('mixed-new.csv', mixedUtf8);
    await expect(t.h.load({ files: [path], table: 'never', key: ['id'], createTable: true })).rejects.toMatchObject({
      code: 'KEYLOAD_ENCODING',
      location: { file: path },
      message: expect.stringMatching(/^Cannot create public\.never: Cannot read .*mixed-new\.csv: The text is UTF-8 but byte 0xE9/),
    });
  });

  test('on files without rows says why', async () => {
    const blank = await t.h.file('blank.csv', '\n\n\n');
    await expect(t.h.load({ files: [blank], table: 'never', key: ['id'], createTable: true })).rejects.toMatchObject({
      location: { file: blank },
      message: expect.stringContaining('The file holds no records, only blank lines.'),
    });
  });

  test('from a 20,000-column header fails in one line naming the limit and the count', async () => {
    const names = Array.from({ length: 20_000 }, (_, i) => `measurement_${i}`);
    const path = await t.h.file('wide.csv', `${names.join(',')}\n${names.map((_, i) => i).join(',')}\n`);
    const failure: unknown = await t.h.load({ files: [path], table: 'wide', key: ['measurement_0'], createTable: true }).then(
      () => null,
      (error: unknown) => error,
    );
    expect(failure).toMatchObject({ code: 'KEYLOAD_TOO_MANY_COLUMNS', message: 'The new table public.wide has 20,000 columns; a PostgreSQL table holds at most 1,600.' });
  });
});
