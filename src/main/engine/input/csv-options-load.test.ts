// CSV options end to end: real files through the reader workers into the embedded PostgreSQL.
import { readFile } from 'node:fs/promises';
import { describe, expect, test } from 'vitest';
import { useTestHarness } from '../../../../test/load-harness.ts';

const t = useTestHarness();

const european = [
  'id;amount;booked;at;note',
  '1; 1.234,56 ;31/12/2024;31/12/2024 23:30;NULL',
  '2;-0,5;01/02/2024;01/07/2024 12:00;"NULL"',
  '3;7;31/02/2024;01/01/2024 00:00; padded ',
  '4;12.345,0;29/02/2024;15/03/2024 08:15:30;"a \\"quoted\\" word"',
].join('\n');

async function rejectsOf(file: string | undefined): Promise<string[]> {
  if (!file) throw new Error('expected a rejects file');
  return (await readFile(file, 'utf8')).trim().split('\n').slice(1);
}

describe('CSV options', () => {
  test('for all files (the CLI): values arrive canonical, an unreadable date is a reject with line, column and reason', async () => {
    const path = await t.h.file('european.csv', `${european}\n`);
    const result = await t.h.load({
      files: [path],
      table: 'bookings',
      key: ['id'],
      createTable: true,
      csv: { delimiter: ';', escape: '\\', nullString: 'NULL', trim: true, decimalComma: true, dateFormat: 'DD/MM/YYYY', timeZone: 'Europe/Berlin' },
    });
    expect(result.exitCode).toBe(3);
    expect(result.totals).toMatchObject({ read: 4, inserted: 3, rejected: 1 });
    const types = await t.db.query<{ column_name: string; data_type: string }>(
      `SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'bookings' ORDER BY ordinal_position`,
    );
    expect(types.map((c) => c.data_type)).toEqual(['bigint', 'numeric', 'date', 'timestamp with time zone', 'text']);
    const rows = await t.db.query(
      `SELECT id::text, amount::text, booked::text, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') AS at_utc, note FROM bookings ORDER BY id`,
    );
    expect(rows).toEqual([
      { id: '1', amount: '1234.56', booked: '2024-12-31', at_utc: '2024-12-31 22:30:00', note: null },
      { id: '2', amount: '-0.5', booked: '2024-02-01', at_utc: '2024-07-01 10:00:00', note: 'NULL' },
      { id: '4', amount: '12345.0', booked: '2024-02-29', at_utc: '2024-03-15 07:15:30', note: 'a "quoted" word' },
    ]);
    const [reject] = await rejectsOf(result.files[0]?.rejectsFile);
    expect(reject).toMatch(/^4,booked,"""31\/02\/2024"" is not a valid date for the date format DD\/MM\/YYYY",3,/);
  });

  test("a file's own overrides (the app) win over the options for all files", async () => {
    const path = await t.h.file('pipes.csv', 'id|day\n1|12/31/2024\n2|\\N\n');
    const result = await t.h.load({
      files: [path],
      table: 'days',
      key: ['id'],
      createTable: true,
      csv: { delimiter: ';', dateFormat: 'DD/MM/YYYY' },
      fileOverrides: { [path]: { delimiter: '|', dateFormat: 'MM/DD/YYYY', nullString: '\\N' } },
    });
    expect(result.exitCode).toBe(0);
    expect(await t.db.query('SELECT id::text, day::text FROM days ORDER BY id')).toEqual([
      { id: '1', day: '2024-12-31' },
      { id: '2', day: null },
    ]);
  });
});
