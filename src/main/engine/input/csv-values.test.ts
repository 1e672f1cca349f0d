import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ErrorCodes, KeyloadError } from '../../../shared/errors.ts';
import { compileDateFormat, recordConverter } from './csv-values.ts';
import type { CsvValueOptions, SourceRow } from './source.ts';

function convert(options: CsvValueOptions, values: (string | null)[]): SourceRow {
  const row: SourceRow = { line: 2, values: [...values] };
  const converter = recordConverter(options, 'data.csv');
  if (!converter) throw new Error('expected a converter');
  converter(row);
  return row;
}

describe('recordConverter', () => {
  it('is null when no option changes values, so the fast path does no work per cell', () => {
    expect(recordConverter({}, 'data.csv')).toBeNull();
    expect(recordConverter({ dateFormat: 'ISO', decimalComma: false, trim: true, nullString: 'NULL' }, 'data.csv')).toBeNull();
  });

  it('reads DD/MM/YYYY and MM/DD/YYYY dates and timestamps as ISO, leaving other values alone', () => {
    expect(convert({ dateFormat: 'DD/MM/YYYY' }, ['31/12/2024', '1/2/2024', '05/06/2024 7:08', '05/06/2024 17:08:09.5', 'abc', '12', null, '2024-01-02']).values).toEqual([
      '2024-12-31',
      '2024-02-01',
      '2024-06-05 07:08:00',
      '2024-06-05 17:08:09.5',
      'abc',
      '12',
      null,
      '2024-01-02',
    ]);
    expect(convert({ dateFormat: 'MM/DD/YYYY' }, ['12/31/2024', '05/06/2024 23:59:59+02:00']).values).toEqual(['2024-12-31', '2024-05-06 23:59:59+02:00']);
  });

  it('reads every valid date written DD/MM/YYYY or MM/DD/YYYY as the same ISO date', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date(Date.UTC(1, 0, 1)), max: new Date(Date.UTC(9999, 11, 31)), noInvalidDate: true }), fc.boolean(), (date, padded) => {
        const two = (n: number) => (padded ? String(n).padStart(2, '0') : String(n));
        const [y, m, d] = [String(date.getUTCFullYear()).padStart(4, '0'), date.getUTCMonth() + 1, date.getUTCDate()];
        const iso = `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
        expect(convert({ dateFormat: 'DD/MM/YYYY' }, [`${two(d)}/${two(m)}/${y}`]).values).toEqual([iso]);
        expect(convert({ dateFormat: 'MM/DD/YYYY' }, [`${two(m)}/${two(d)}/${y}`]).values).toEqual([iso]);
      }),
      { numRuns: 300 },
    );
  });

  it('reads custom patterns: literals, times, fractions', () => {
    expect(convert({ dateFormat: 'DD.MM.YYYY HH:mm' }, ['24.12.2024 18:30']).values).toEqual(['2024-12-24 18:30:00']);
    expect(convert({ dateFormat: 'YYYYMMDD' }, ['20240229', '2024229']).values).toEqual(['2024-02-29', '2024229']);
    expect(convert({ dateFormat: '[YYYY|MM|DD]' }, ['[2024|01|02]']).values).toEqual(['2024-01-02']);
  });

  it('rejects the row at the first value shaped like a date that is no valid date, naming the column and why', () => {
    const row = convert({ dateFormat: 'DD/MM/YYYY' }, ['ok', '31/02/2024', '32/01/2024']);
    expect(row.reject).toEqual({ column: 1, reason: '"31/02/2024" is not a valid date for the date format DD/MM/YYYY' });
    expect(convert({ dateFormat: 'MM/DD/YYYY' }, ['13/01/2024']).reject?.column).toBe(0);
    expect(convert({ dateFormat: 'DD/MM/YYYY' }, ['01/01/2024 24:00']).reject?.reason).toMatch(/not a valid date/);
  });

  it('turns decimal-comma numbers into PostgreSQL numbers, only where they look like numbers', () => {
    expect(convert({ decimalComma: true }, ['1.234,56', '-0,5', '1234,5', '12.345.678', '7', '1.5', '1,2,3', 'a,b', '1.23,4']).values).toEqual([
      '1234.56',
      '-0.5',
      '1234.5',
      '12345678',
      '7',
      '1.5',
      '1,2,3',
      'a,b',
      '1.23,4',
    ]);
  });

  it("gives zone-less timestamps the zone's offset at that time, daylight saving included", () => {
    expect(convert({ timeZone: 'Europe/Berlin' }, ['2024-01-15 10:00:00', '2024-07-15T10:00', '2024-07-15 10:00:00+00:00', '2024-07-15']).values).toEqual([
      '2024-01-15 10:00:00+01:00',
      '2024-07-15T10:00+02:00',
      '2024-07-15 10:00:00+00:00',
      '2024-07-15',
    ]);
    expect(convert({ timeZone: '-05:30' }, ['2024-01-15 10:00:00.25']).values).toEqual(['2024-01-15 10:00:00.25-05:30']);
    expect(convert({ timeZone: 'UTC', dateFormat: 'DD/MM/YYYY' }, ['15/01/2024 10:00']).values).toEqual(['2024-01-15 10:00:00+00:00']);
  });

  it('matches the instant Intl computes, for any wall time in a DST zone', () => {
    const zone = 'America/New_York';
    const toWall = new Intl.DateTimeFormat('sv-SE', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1990, 0, 1) / 1000, max: Date.UTC(2040, 0, 1) / 1000 }), (seconds) => {
        const instant = seconds * 1000;
        const wall = toWall.format(instant); // "2024-07-15 10:00:00"
        const [converted] = convert({ timeZone: zone }, [wall]).values;
        // Ambiguous wall times (the repeated hour in autumn) may resolve to either instant.
        const parsed = Date.parse((converted ?? '').replace(' ', 'T'));
        expect([instant, instant - 3_600_000, instant + 3_600_000]).toContain(parsed);
        expect(toWall.format(parsed)).toBe(wall);
      }),
      { numRuns: 300 },
    );
  });

  it('fails clearly on an unknown time zone or a format without a day', () => {
    expect(() => recordConverter({ timeZone: 'Mars/Olympus' }, 'data.csv')).toThrow(/Unknown time zone "Mars\/Olympus"/);
    let error: unknown;
    try {
      compileDateFormat('MM/YYYY');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(KeyloadError);
    expect((error as KeyloadError).code).toBe(ErrorCodes.usage);
    expect((error as KeyloadError).message).toMatch(/has no day/);
  });
});
