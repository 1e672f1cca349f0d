// Exact conversion of raw Parquet physical values to PostgreSQL text input syntax, and to JSON
// fragments for values nested inside LIST/MAP/STRUCT columns. Input values are what the decoder
// returns for an unannotated schema: number (INT32), bigint (INT64, INT96 as days<<64|nanos),
// number (FLOAT/DOUBLE), boolean, Uint8Array (BYTE_ARRAY/FIXED_LEN_BYTE_ARRAY) or string
// (text-like leaves). Nothing goes through a lossy JavaScript float or Date.
//
// Precision notes: PostgreSQL keeps microseconds, so TIME/TIMESTAMP(NANOS) and INT96 are truncated
// (floored) to microseconds. DuckDB's infinity sentinels (INT32/INT64 max for DATE/TIMESTAMP) become
// 'infinity'/'-infinity'. FLOAT16 is written as the exact decimal value of the half-precision number.

import type { LeafKind } from './parquet-types.ts';

export type ToText = (value: never) => string;

const DAY_MICROS = 86_400_000_000;
const UNIX_EPOCH_JULIAN_DAY = 2_440_588;
const INT64_MAX = 9223372036854775807n;
const INT32_MAX = 2147483647;

// ---------------------------------------------------------------------------------------------
// Numbers

/** Double in PostgreSQL float8 syntax: shortest round-trip digits, NaN/Infinity/-Infinity, -0. */
export function formatDouble(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return 'Infinity';
  if (value === -Infinity) return '-Infinity';
  if (value === 0 && 1 / value < 0) return '-0';
  return String(value);
}

/** Float32 value (held in a double) as the shortest decimal that reads back as the same float32. */
export function formatFloat32(value: number): string {
  if (!Number.isFinite(value) || value === 0) return formatDouble(value);
  for (let digits = 1; digits < 9; digits++) {
    const candidate = Number(value.toPrecision(digits));
    if (Math.fround(candidate) === value) return String(candidate);
  }
  return String(Number(value.toPrecision(9)));
}

/** Two's-complement big-endian bytes (DECIMAL on FIXED_LEN_BYTE_ARRAY/BYTE_ARRAY) as an integer. */
export function unscaledFromBytes(bytes: Uint8Array): number | bigint {
  const length = bytes.length;
  if (length === 0) return 0;
  const negative = ((bytes[0] as number) & 0x80) !== 0;
  if (length <= 6) {
    let value = 0;
    for (let i = 0; i < length; i++) value = value * 256 + (bytes[i] as number);
    return negative ? value - 2 ** (8 * length) : value;
  }
  let value = BigInt(`0x${Buffer.from(bytes.buffer, bytes.byteOffset, length).toString('hex')}`);
  if (negative) value -= 1n << BigInt(8 * length);
  return value;
}

/** Exact decimal text of unscaled × 10^-scale. */
export function formatDecimal(unscaled: number | bigint, scale: number): string {
  const negative = unscaled < 0;
  let digits = (negative ? -unscaled : unscaled).toString();
  const sign = negative ? '-' : '';
  if (scale === 0) return sign + digits;
  if (digits.length <= scale) digits = '0'.repeat(scale - digits.length + 1) + digits;
  const point = digits.length - scale;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

function decimalValue(value: number | bigint | Uint8Array, scale: number): string {
  return formatDecimal(value instanceof Uint8Array ? unscaledFromBytes(value) : value, scale);
}

/** IEEE 754 half precision, little-endian, as a double (exact). */
export function float16Value(bytes: Uint8Array): number {
  const bits = ((bytes[1] ?? 0) << 8) | (bytes[0] ?? 0);
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

// ---------------------------------------------------------------------------------------------
// Bytes

export function formatBytea(bytes: Uint8Array): string {
  return `\\x${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')}`;
}

export function formatUuid(bytes: Uint8Array): string {
  const hex = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

// ---------------------------------------------------------------------------------------------
// Dates and times

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));
const pad4 = (n: number): string => (n < 10 ? `000${n}` : n < 100 ? `00${n}` : n < 1000 ? `0${n}` : String(n));

/** Proleptic Gregorian [year, month, day] for days since 1970-01-01 (year 0 = 1 BC). */
export function civilFromDays(days: number): [number, number, number] {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return [year, month, day];
}

interface DayText {
  /** PostgreSQL date without era, e.g. '2024-01-02' or '0044-03-15'. */
  pg: string;
  /** ' BC' for years before 1 AD, else ''. */
  era: string;
  /** ISO 8601 (astronomical year, expanded when outside 0000-9999), for JSON. */
  iso: string;
}

let cachedDay = NaN;
let cachedDayText: DayText = { pg: '', era: '', iso: '' };

function dayText(days: number): DayText {
  if (days === cachedDay) return cachedDayText;
  const [year, month, day] = civilFromDays(days);
  const md = `-${pad2(month)}-${pad2(day)}`;
  const bc = year <= 0;
  const isoYear = year < 0 ? `-${pad4(-year)}` : year > 9999 ? `+${year}` : pad4(year);
  cachedDay = days;
  cachedDayText = { pg: pad4(bc ? 1 - year : year) + md, era: bc ? ' BC' : '', iso: isoYear + md };
  return cachedDayText;
}

export function formatDate(days: number): string {
  if (days >= INT32_MAX) return 'infinity';
  if (days <= -INT32_MAX) return '-infinity';
  const text = dayText(days);
  return text.pg + text.era;
}

function isoDate(days: number): string {
  if (days >= INT32_MAX) return 'infinity';
  if (days <= -INT32_MAX) return '-infinity';
  return dayText(days).iso;
}

/** 'HH:MM:SS[.ffffff]' for microseconds (hours may exceed 23, as interval input allows). */
export function formatTimeOfDay(micros: number): string {
  const seconds = Math.floor(micros / 1e6);
  const fraction = micros - seconds * 1e6;
  const text = `${pad2(Math.floor(seconds / 3600))}:${pad2(Math.floor(seconds / 60) % 60)}:${pad2(seconds % 60)}`;
  if (!fraction) return text;
  return `${text}.${String(fraction).padStart(6, '0').replace(/0+$/, '')}`;
}

/** Floor division for bigint. */
function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return (a % b !== 0n && (a < 0n) !== (b < 0n)) ? q - 1n : q;
}

const SAFE_MAX = BigInt(Number.MAX_SAFE_INTEGER);

/** Splits microseconds since the epoch into [days, microseconds of day]. */
function splitMicros(micros: bigint | number): [number, number] {
  if (typeof micros === 'number') {
    const days = Math.floor(micros / DAY_MICROS);
    return [days, micros - days * DAY_MICROS];
  }
  if (micros <= SAFE_MAX && micros >= -SAFE_MAX) return splitMicros(Number(micros));
  const days = floorDiv(micros, 86_400_000_000n);
  return [Number(days), Number(micros - days * 86_400_000_000n)];
}

export type TimeUnitName = 'MILLIS' | 'MICROS' | 'NANOS';

/** Microseconds from a value in the given unit (nanoseconds are floored). */
function toMicros(value: bigint | number, unit: TimeUnitName): bigint | number {
  if (unit === 'MICROS') return value;
  if (unit === 'MILLIS') {
    if (typeof value === 'number') return value * 1000;
    return value <= 9_000_000_000_000n && value >= -9_000_000_000_000n ? Number(value) * 1000 : value * 1000n;
  }
  return floorDiv(BigInt(value), 1000n);
}

/** `sentinels`: INT64 max/min+1 mean ±infinity (DuckDB); not for INT96, which has a wider range. */
function timestampParts(value: bigint, unit: TimeUnitName, sentinels: boolean): [number, number] | 'infinity' | '-infinity' {
  if (sentinels && value >= INT64_MAX) return 'infinity';
  if (sentinels && value <= -INT64_MAX) return '-infinity';
  return splitMicros(toMicros(value, unit));
}

/** PostgreSQL timestamp text; with utc the '+00' offset makes it a timestamptz literal. */
export function formatTimestamp(value: bigint, unit: TimeUnitName, utc: boolean, sentinels = true): string {
  const parts = timestampParts(value, unit, sentinels);
  if (typeof parts === 'string') return parts;
  const day = dayText(parts[0]);
  return `${day.pg} ${formatTimeOfDay(parts[1])}${utc ? '+00' : ''}${day.era}`;
}

function isoTimestamp(value: bigint, unit: TimeUnitName, utc: boolean, sentinels = true): string {
  const parts = timestampParts(value, unit, sentinels);
  if (typeof parts === 'string') return parts;
  return `${dayText(parts[0]).iso}T${formatTimeOfDay(parts[1])}${utc ? 'Z' : ''}`;
}

export function formatTime(value: number | bigint, unit: TimeUnitName): string {
  const micros = toMicros(value, unit);
  return formatTimeOfDay(typeof micros === 'number' ? micros : Number(micros));
}

/**
 * Legacy INT96 timestamp (Impala/Spark: nanoseconds of day, then the Julian day number, little-endian)
 * as nanoseconds since the Unix epoch. The decoder already does this when reading pages; this is the
 * same arithmetic for direct use.
 */
export function int96ToEpochNanos(julianDay: number, nanosOfDay: bigint): bigint {
  return BigInt(julianDay - UNIX_EPOCH_JULIAN_DAY) * 86_400_000_000_000n + nanosOfDay;
}

/** Parquet INTERVAL (three little-endian uint32: months, days, milliseconds) as interval text. */
export function formatInterval(bytes: Uint8Array): string {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const months = view.getUint32(0, true);
  const days = view.getUint32(4, true);
  const millis = view.getUint32(8, true);
  return `${months} mons ${days} days ${formatTimeOfDay(millis * 1000)}`;
}

// ---------------------------------------------------------------------------------------------
// Converters per leaf kind

/** Converter from a non-null raw value to PostgreSQL text for one leaf kind. */
export function pgTextConverter(leaf: LeafKind): (value: unknown) => string {
  switch (leaf.kind) {
    case 'boolean':
      return (v) => (v ? 't' : 'f');
    case 'int32':
      return (v) => String(v);
    case 'uint32':
      return (v) => String((v as number) >>> 0);
    case 'int64':
      return (v) => String(v);
    case 'uint64':
      return (v) => BigInt.asUintN(64, v as bigint).toString();
    case 'float':
      return (v) => formatFloat32(v as number);
    case 'double':
      return (v) => formatDouble(v as number);
    case 'float16':
      return (v) => formatDouble(float16Value(v as Uint8Array));
    case 'string':
    case 'json':
      return (v) => v as string;
    case 'binary':
      return (v) => formatBytea(v as Uint8Array);
    case 'uuid':
      return (v) => formatUuid(v as Uint8Array);
    case 'decimal': {
      const { scale } = leaf;
      return (v) => decimalValue(v as number | bigint | Uint8Array, scale);
    }
    case 'date':
      return (v) => formatDate(v as number);
    case 'time': {
      const { unit } = leaf;
      return (v) => formatTime(v as number | bigint, unit);
    }
    case 'timestamp': {
      const { unit, utc } = leaf;
      return (v) => formatTimestamp(v as bigint, unit, utc);
    }
    case 'int96':
      // The decoder turns INT96 into nanoseconds since the epoch (see parquet-source.ts parsers).
      return (v) => formatTimestamp(v as bigint, 'NANOS', true, false);
    case 'interval':
      return (v) => formatInterval(v as Uint8Array);
    case 'null':
      return () => '';
  }
}

/** Converter from a non-null raw value to a JSON fragment, for values nested in jsonb columns. */
export function jsonConverter(leaf: LeafKind): (value: unknown) => string {
  switch (leaf.kind) {
    case 'boolean':
      return (v) => (v ? 'true' : 'false');
    case 'int32':
    case 'uint32':
    case 'int64':
    case 'uint64':
    case 'decimal':
      // JSON numbers with exact digits.
      return pgTextConverter(leaf);
    case 'float':
    case 'double':
    case 'float16': {
      // JSON has no NaN/Infinity: those become strings.
      const text = pgTextConverter(leaf);
      return (v) => {
        const s = text(v);
        return s === 'NaN' || s === 'Infinity' || s === '-Infinity' ? `"${s}"` : s;
      };
    }
    case 'json':
      return (v) => v as string;
    case 'string':
    case 'binary':
    case 'uuid':
    case 'time':
    case 'interval': {
      const text = pgTextConverter(leaf);
      return (v) => JSON.stringify(text(v));
    }
    case 'date':
      return (v) => `"${isoDate(v as number)}"`;
    case 'timestamp': {
      const { unit, utc } = leaf;
      return (v) => `"${isoTimestamp(v as bigint, unit, utc)}"`;
    }
    case 'int96':
      return (v) => `"${isoTimestamp(v as bigint, 'NANOS', true, false)}"`;
    case 'null':
      return () => 'null';
  }
}
