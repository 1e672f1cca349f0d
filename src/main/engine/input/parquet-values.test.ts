import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  civilFromDays,
  float16Value,
  formatDate,
  formatDecimal,
  formatDouble,
  formatFloat32,
  formatInterval,
  formatTime,
  formatTimestamp,
  int96ToEpochNanos,
  unscaledFromBytes,
} from './parquet-values.ts';

const DAY_MS = 86_400_000;
const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

describe('dates', () => {
  test('civilFromDays agrees with the JavaScript Date calendar over its whole range', () => {
    fc.assert(
      fc.property(fc.integer({ min: -100_000_000, max: 100_000_000 }), (days) => {
        const date = new Date(days * DAY_MS);
        expect(civilFromDays(days)).toEqual([date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate()]);
      }),
      { numRuns: 2000 },
    );
  });

  test('PostgreSQL date text, BC years and infinity sentinels', () => {
    expect(formatDate(0)).toBe('1970-01-01');
    expect(formatDate(-719162)).toBe('0001-01-01');
    expect(formatDate(-719163)).toBe('0001-12-31 BC');
    const idesOfMarch = new Date(0);
    idesOfMarch.setUTCFullYear(-43, 2, 15);
    expect(formatDate(idesOfMarch.getTime() / DAY_MS)).toBe('0044-03-15 BC');
    expect(formatDate(2932896)).toBe('9999-12-31');
    expect(formatDate(2932897)).toBe('10000-01-01');
    expect(formatDate(2147483647)).toBe('infinity');
    expect(formatDate(-2147483647)).toBe('-infinity');
  });
});

describe('timestamps', () => {
  /** Reference through Date for the millisecond part, plain digits for the rest. */
  function reference(micros: bigint, utc: boolean): string {
    const ms = micros / 1000n - (micros % 1000n < 0n ? 1n : 0n);
    const subMillis = Number(micros - ms * 1000n);
    const date = new Date(Number(ms));
    const year = date.getUTCFullYear();
    const bc = year <= 0;
    const day = `${pad(bc ? 1 - year : year, 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;
    const time = `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}`;
    const fraction = (pad(date.getUTCMilliseconds(), 3) + pad(subMillis, 3)).replace(/0+$/, '');
    return `${day} ${time}${fraction ? `.${fraction}` : ''}${utc ? '+00' : ''}${bc ? ' BC' : ''}`;
  }

  test('microseconds over the whole Date range, on both the fast and the BigInt path', () => {
    const limit = 8_640_000_000_000_000_000n; // Date's range, in microseconds
    fc.assert(
      fc.property(fc.bigInt({ min: -limit + 1000n, max: limit - 1000n }), fc.boolean(), (micros, utc) => {
        expect(formatTimestamp(micros, 'MICROS', utc)).toBe(reference(micros, utc));
      }),
      { numRuns: 3000 },
    );
  });

  test('milliseconds and nanoseconds (floored to microseconds)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 62n), max: 2n ** 62n }), (nanos) => {
        const micros = nanos / 1000n - (nanos % 1000n < 0n ? 1n : 0n);
        expect(formatTimestamp(nanos, 'NANOS', true)).toBe(reference(micros, true));
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.bigInt({ min: -8_640_000_000_000_000n, max: 8_640_000_000_000_000n }), (millis) => {
        expect(formatTimestamp(millis, 'MILLIS', false)).toBe(reference(millis * 1000n, false));
      }),
      { numRuns: 2000 },
    );
    expect(formatTimestamp(-1n, 'NANOS', false)).toBe('1969-12-31 23:59:59.999999');
    expect(formatTimestamp(9223372036854775807n, 'MICROS', true)).toBe('infinity');
    expect(formatTimestamp(-9223372036854775807n, 'MICROS', true)).toBe('-infinity');
  });

  test('INT96 Julian day arithmetic', () => {
    expect(int96ToEpochNanos(2440588, 0n)).toBe(0n);
    expect(int96ToEpochNanos(2440589, 1n)).toBe(86_400_000_000_001n);
    expect(int96ToEpochNanos(2451545, 43_200_000_000_000n)).toBe(946_728_000_000_000_000n); // 2000-01-01 12:00 UTC
    expect(formatTimestamp(int96ToEpochNanos(2299161, 0n), 'NANOS', true, false)).toBe('1582-10-15 00:00:00+00');
    // Far outside the int64 range of nanoseconds, and never mistaken for an infinity sentinel.
    expect(formatTimestamp(int96ToEpochNanos(0, 0n), 'NANOS', true, false)).toBe('4714-11-24 00:00:00+00 BC');
  });

  test('times of day', () => {
    expect(formatTime(0, 'MILLIS')).toBe('00:00:00');
    expect(formatTime(86_399_999, 'MILLIS')).toBe('23:59:59.999');
    expect(formatTime(45_296_789_012n, 'MICROS')).toBe('12:34:56.789012');
    expect(formatTime(45_296_789_012_345n, 'NANOS')).toBe('12:34:56.789012');
    expect(formatTime(86_400_000_000n, 'MICROS')).toBe('24:00:00');
  });

  test('intervals', () => {
    const bytes = Buffer.alloc(12);
    bytes.writeUInt32LE(0xffffffff, 0);
    bytes.writeUInt32LE(1, 4);
    bytes.writeUInt32LE(0xffffffff, 8);
    expect(formatInterval(bytes)).toBe('4294967295 mons 1 days 1193:02:47.295');
  });
});

describe('numbers', () => {
  test('decimal text round-trips to the unscaled integer with exactly `scale` fraction digits', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 40n), max: 10n ** 40n }), fc.integer({ min: 0, max: 45 }), (unscaled, scale) => {
        const text = formatDecimal(unscaled, scale);
        expect(text).toMatch(scale ? /^-?(0|[1-9]\d*)\.\d+$/ : /^-?(0|[1-9]\d*)$/);
        if (scale) expect(text.split('.')[1]).toHaveLength(scale);
        expect(BigInt(text.replace('.', ''))).toBe(unscaled);
        expect(formatDecimal(Number.isSafeInteger(Number(unscaled)) ? Number(unscaled) : unscaled, scale)).toBe(text);
      }),
      { numRuns: 3000 },
    );
    expect(formatDecimal(-42, 4)).toBe('-0.0042');
    expect(formatDecimal(1234567890123456789012n, 2)).toBe('12345678901234567890.12');
  });

  test('two’s-complement bytes of any length', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 32 }), fc.bigInt({ min: 0n, max: 2n ** 256n }), (length, seed) => {
        const bits = BigInt(8 * length);
        const value = BigInt.asIntN(Number(bits), seed);
        const hex = BigInt.asUintN(Number(bits), value).toString(16).padStart(2 * length, '0');
        expect(BigInt(unscaledFromBytes(Buffer.from(hex, 'hex')))).toBe(value);
      }),
      { numRuns: 3000 },
    );
    expect(unscaledFromBytes(new Uint8Array(0))).toBe(0);
  });

  test('float32 text is the shortest that reads back as the same float32', () => {
    fc.assert(
      fc.property(fc.float({ noNaN: true, noDefaultInfinity: true }), (value) => {
        const text = formatFloat32(value);
        expect(Math.fround(Number(text))).toBe(value);
        const digits = text.replace(/^-/, '').replace(/e.*$/, '').replace('.', '').replace(/^0+/, '').replace(/0+$/, '').length;
        if (digits > 1 && value !== 0) {
          expect(Math.fround(Number(value.toPrecision(digits - 1)))).not.toBe(value);
        }
      }),
      { numRuns: 5000 },
    );
  });

  test('special float values in PostgreSQL spelling', () => {
    expect(formatDouble(NaN)).toBe('NaN');
    expect(formatDouble(Infinity)).toBe('Infinity');
    expect(formatDouble(-Infinity)).toBe('-Infinity');
    expect(formatDouble(-0)).toBe('-0');
    expect(formatDouble(5e-324)).toBe('5e-324');
    expect(formatFloat32(-0)).toBe('-0');
    expect(formatFloat32(Math.fround(0.1))).toBe('0.1');
  });

  test('float16', () => {
    const half = (bits: number): number => float16Value(Uint8Array.from([bits & 0xff, bits >> 8]));
    expect(half(0x3c00)).toBe(1);
    expect(half(0xc000)).toBe(-2);
    expect(half(0x7bff)).toBe(65504);
    expect(half(0x0001)).toBe(2 ** -24);
    expect(half(0x7c00)).toBe(Infinity);
    expect(half(0xfc00)).toBe(-Infinity);
    expect(half(0x7e00)).toBeNaN();
  });
});
