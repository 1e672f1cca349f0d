// CSV values as the user says the file writes them, turned into PostgreSQL's canonical input
// syntax before anything else sees them (type sampling, the preview, validation, COPY): dates in a
// day/month order become ISO, zone-less timestamps get the chosen zone's offset, 1.234,56 becomes
// 1234.56. A value with a date's shape that is no valid date rejects its row, with the reason.
import { ErrorCodes, KeyloadError } from '../../../shared/errors.ts';
import type { CsvValueOptions, SourceRow } from './source.ts';

export const ISO_DATE_FORMAT = 'ISO';

/** Converts one record's values in place; sets `reject` on the first value it cannot read. */
export type RecordConverter = (row: SourceRow) => void;

type Conversion = (value: string) => string | Unreadable;

class Unreadable {
  readonly reason: string;
  constructor(reason: string) {
    this.reason = reason;
  }
}

/** The converter the options ask for; null when they change no value (the fast path). */
export function recordConverter(options: CsvValueOptions, file?: string): RecordConverter | null {
  const steps: Conversion[] = [];
  const dateFormat = options.dateFormat ?? ISO_DATE_FORMAT;
  if (dateFormat.toUpperCase() !== ISO_DATE_FORMAT) steps.push(dateConversion(dateFormat, file));
  if (options.decimalComma) steps.push(decimalComma);
  if (options.timeZone !== undefined) steps.push(zoneConversion(options.timeZone, file));
  if (steps.length === 0) return null;
  return (row) => {
    const values = row.values;
    for (let column = 0; column < values.length; column++) {
      let value = values[column];
      if (value === null || value === undefined) continue;
      for (const step of steps) {
        const converted = step(value);
        if (converted instanceof Unreadable) {
          row.reject ??= { column, reason: converted.reason };
          break;
        }
        value = converted;
      }
      values[column] = value;
    }
  };
}

// ---- dates ----------------------------------------------------------------------------------

type DatePart = 'year' | 'month' | 'day' | 'hour' | 'minute' | 'second' | 'fraction' | 'zone';
/** The named groups of a match: year, month and day always, the rest when written. */
type DateParts = Readonly<Partial<Record<string, string>>>;

const TOKENS: Record<string, { group: DatePart; pattern: string }> = {
  YYYY: { group: 'year', pattern: '\\d{4}' },
  MM: { group: 'month', pattern: '\\d{1,2}' },
  M: { group: 'month', pattern: '\\d{1,2}' },
  DD: { group: 'day', pattern: '\\d{1,2}' },
  D: { group: 'day', pattern: '\\d{1,2}' },
  HH: { group: 'hour', pattern: '\\d{1,2}' },
  H: { group: 'hour', pattern: '\\d{1,2}' },
  mm: { group: 'minute', pattern: '\\d{2}' },
  ss: { group: 'second', pattern: '\\d{2}' },
  SSS: { group: 'fraction', pattern: '\\d{1,9}' },
};
// A date-only format also reads a time after the date, and any format a trailing zone.
const OPTIONAL_TIME = '(?:[ T](?<hour>\\d{1,2}):(?<minute>\\d{2})(?::(?<second>\\d{2})(?:[.,](?<fraction>\\d{1,9}))?)?)?';
const OPTIONAL_ZONE = '(?: ?(?<zone>Z|[+-]\\d{2}(?::?\\d{2})?))?';

/**
 * Compiles a date format (tokens YYYY MM DD HH mm ss SSS, one-letter M D H for one or two digits,
 * anything else literal) into a regular expression with named groups. Throws a usage error for a
 * format without a year, month and day.
 */
export function compileDateFormat(format: string, file?: string): RegExp {
  let source = '';
  const seen = new Set<string>();
  for (const [token] of format.matchAll(/YYYY|MM|DD|HH|mm|ss|SSS|M|D|H|[\s\S]/g)) {
    const known = TOKENS[token];
    if (!known) {
      source += token.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
      continue;
    }
    if (seen.has(known.group)) throw badFormat(format, `it names the ${known.group} twice`, file);
    seen.add(known.group);
    source += `(?<${known.group}>${known.pattern})`;
  }
  const missing = (['year', 'month', 'day'] as const).filter((group) => !seen.has(group));
  if (missing.length > 0) throw badFormat(format, `it has no ${missing.join(', ')} (use YYYY, MM and DD)`, file);
  if (!seen.has('hour')) source += OPTIONAL_TIME;
  return new RegExp(`^${source}${OPTIONAL_ZONE}$`);
}

function badFormat(format: string, why: string, file: string | undefined): KeyloadError {
  return new KeyloadError(ErrorCodes.usage, `The date format ${JSON.stringify(format)} cannot be used: ${why}.`, {
    ...(file ? { file } : {}),
    hint: 'Write it with YYYY, MM, DD (and HH, mm, ss, SSS for times), for example DD/MM/YYYY or MM/DD/YYYY HH:mm.',
  });
}

function dateConversion(format: string, file: string | undefined): Conversion {
  const pattern = compileDateFormat(format, file);
  // Most values are no dates: with a format that starts with a number, a cheap first look says so.
  const digitFirst = /^[YMDH]/.test(format);
  return (value) => {
    const first = value.charCodeAt(0);
    if (digitFirst && (first < 48 || first > 57)) return value;
    const parts = pattern.exec(value)?.groups;
    if (!parts) return value;
    return isoDate(parts) ?? new Unreadable(`${JSON.stringify(value)} is not a valid date for the date format ${format}`);
  };
}

/** YYYY-MM-DD[ HH:mm:ss[.fff][zone]], or null when a field is out of range. */
function isoDate(parts: DateParts): string | null {
  const year = Number(parts.year);
  const month = Number(parts.month);
  const day = Number(parts.day);
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  const date = `${String(year).padStart(4, '0')}-${pad(month)}-${pad(day)}`;
  if (parts.hour === undefined) return parts.zone === undefined ? date : null;
  const hour = Number(parts.hour);
  const minute = Number(parts.minute ?? 0);
  const second = Number(parts.second ?? 0);
  if (hour > 23 || minute > 59 || second > 59) return null;
  const fraction = parts.fraction === undefined ? '' : `.${parts.fraction}`;
  return `${date} ${pad(hour)}:${pad(minute)}:${pad(second)}${fraction}${parts.zone ?? ''}`;
}

function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;
}

function pad(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

// ---- numbers --------------------------------------------------------------------------------

// 1.234.567,89, 1234,5, -0,25: dots group thousands (in threes), the comma marks the decimals.
const DECIMAL_COMMA = /^[+-]?(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?$/;

function decimalComma(value: string): string {
  if (!value.includes(',') && !value.includes('.')) return value;
  if (!DECIMAL_COMMA.test(value)) return value;
  return value.replaceAll('.', '').replace(',', '.');
}

// ---- time zones -----------------------------------------------------------------------------

const ZONELESS_TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?$/;
const OFFSET = /^(?:UTC|GMT|Z|([+-])(\d{2}):?(\d{2}))$/i;

/** Appends the zone's UTC offset at that wall-clock time to every timestamp written without one. */
function zoneConversion(timeZone: string, file: string | undefined): Conversion {
  const offsetAt = zoneOffset(timeZone, file);
  return (value) => {
    if (value.length < 16 || value.length > 29) return value;
    const m = ZONELESS_TIMESTAMP.exec(value);
    if (!m) return value;
    const wall = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0));
    if (Number.isNaN(wall)) return value;
    return `${value}${formatOffset(offsetAt(wall))}`;
  };
}

/** Minutes east of UTC of a wall-clock time (as if UTC, in ms) in the zone. */
function zoneOffset(timeZone: string, file: string | undefined): (wallMs: number) => number {
  const fixed = OFFSET.exec(timeZone);
  if (fixed) {
    const minutes = fixed[1] ? (fixed[1] === '-' ? -1 : 1) * (Number(fixed[2]) * 60 + Number(fixed[3])) : 0;
    return () => minutes;
  }
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
  } catch {
    throw new KeyloadError(ErrorCodes.usage, `Unknown time zone ${JSON.stringify(timeZone)}.`, {
      ...(file ? { file } : {}),
      hint: 'Use an IANA zone name such as Europe/Berlin or America/New_York, UTC, or an offset such as +02:00.',
    });
  }
  const offsetOfInstant = (utcMs: number): number => {
    const fields: Record<string, number> = {};
    for (const part of format.formatToParts(utcMs)) fields[part.type] = Number(part.value);
    const asUtc = Date.UTC(fields.year ?? 1970, (fields.month ?? 1) - 1, fields.day ?? 1, fields.hour ?? 0, fields.minute ?? 0, fields.second ?? 0);
    return Math.round((asUtc - Math.floor(utcMs / 1000) * 1000) / 60_000);
  };
  // The wall time minus the offset is the instant; the offset there settles it (twice, around DST changes).
  return (wallMs) => {
    const first = offsetOfInstant(wallMs);
    const second = offsetOfInstant(wallMs - first * 60_000);
    return second === first ? first : offsetOfInstant(wallMs - second * 60_000);
  };
}

function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}
