// PostgreSQL column types suggested by sampled text values. Each value gets the narrowest type whose
// input syntax PostgreSQL accepts for it exactly; TypeInference widens a column to a type that
// accepts every sampled value, while proposeType (new tables, across files) takes the type most
// values fit and leaves the rest as outliers for the rejects. Falls back to text; never a
// length-limited type: later rows may be longer.

export type InferredType = 'bigint' | 'numeric' | 'double precision' | 'boolean' | 'date' | 'timestamp' | 'timestamptz' | 'uuid' | 'text';

const BIGINT = /^[+-]?(?:0|[1-9]\d*)$/;
const NUMERIC = /^[+-]?(?:(?:0|[1-9]\d*)\.\d*|\.\d+)$/;
const DOUBLE = /^[+-]?(?:(?:0|[1-9]\d*)(?:\.\d*)?|\.\d+)[eE][+-]?\d+$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-](\d{2})(?::?(\d{2}))?)?$/;
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const BOOLEANS = new Set(['true', 'false', 't', 'f', 'yes', 'no']);
const INT64_MAX = '9223372036854775807';

/** The narrowest type for one non-null value. */
export function valueType(value: string): InferredType {
  // Numbers, dates and timestamps start with a digit, a sign or a point; anything else (most of a
  // text column's values) skips their patterns.
  const first = value.charCodeAt(0);
  if (!((first >= 48 && first <= 57) || first === 43 || first === 45 || first === 46)) {
    if (value.length === 36 && UUID.test(value)) return 'uuid';
    return value.length <= 5 && BOOLEANS.has(value.toLowerCase()) ? 'boolean' : 'text';
  }
  if (BIGINT.test(value)) return fitsInt64(value) ? 'bigint' : 'numeric';
  if (NUMERIC.test(value)) return 'numeric';
  if (DOUBLE.test(value)) return isDouble(value) ? 'double precision' : 'text';
  if (value.length >= 10 && value.length <= 40) {
    const date = DATE.exec(value);
    if (date) return validDate(date) ? 'date' : 'text';
    const ts = TIMESTAMP.exec(value);
    if (ts) {
      const time = Number(ts[4]) <= 23 && Number(ts[5]) <= 59 && Number(ts[6] ?? 0) <= 59;
      const zone = Number(ts[8] ?? 0) <= 15 && Number(ts[9] ?? 0) <= 59; // PostgreSQL's offset limit
      if (!validDate(ts) || !time || !zone) return 'text';
      return ts[7] === undefined ? 'timestamp' : 'timestamptz';
    }
    if (UUID.test(value)) return 'uuid';
  }
  return value.length <= 5 && BOOLEANS.has(value.toLowerCase()) ? 'boolean' : 'text';
}

/** The narrowest type accepting values of both types. */
export function widenType(a: InferredType, b: InferredType): InferredType {
  if (a === b) return a;
  const numeric = numericRank(a) !== -1 && numericRank(b) !== -1;
  if (numeric) return numericRank(a) > numericRank(b) ? a : b;
  const temporal = temporalRank(a) !== -1 && temporalRank(b) !== -1;
  if (temporal) return temporalRank(a) > temporalRank(b) ? a : b;
  return 'text';
}

/** Accumulates values column by column, so callers can feed rows as they stream past. */
export class TypeInference {
  readonly #types: (InferredType | undefined)[];

  constructor(columnCount: number) {
    this.#types = new Array<InferredType | undefined>(columnCount).fill(undefined);
  }

  /** Adds one row; values beyond the column count are ignored. */
  add(values: readonly (string | null)[]): void {
    const types = this.#types;
    const n = Math.min(values.length, types.length);
    for (let i = 0; i < n; i++) {
      const value = values[i];
      const current = types[i];
      if (value === null || value === undefined || current === 'text') continue;
      const type = valueType(value);
      types[i] = current === undefined ? type : widenType(current, type);
    }
  }

  /** One type per column; a column without non-null values is text. */
  types(): InferredType[] {
    return this.#types.map((type) => type ?? 'text');
  }
}

// bigint < numeric < double precision: numeric holds any integer, double any number (maybe rounded).
function numericRank(type: InferredType): number {
  return type === 'bigint' ? 0 : type === 'numeric' ? 1 : type === 'double precision' ? 2 : -1;
}

// date < timestamp < timestamptz: PostgreSQL reads a date as midnight, a zone-less time in the session zone.
function temporalRank(type: InferredType): number {
  return type === 'date' ? 0 : type === 'timestamp' ? 1 : type === 'timestamptz' ? 2 : -1;
}

function fitsInt64(value: string): boolean {
  if (value.length < INT64_MAX.length) return true;
  const digits = value.replace(/^[+-]/, '');
  if (digits.length !== INT64_MAX.length) return digits.length < INT64_MAX.length;
  // Same length: compare as strings; the negative range reaches one further.
  const limit = value.startsWith('-') ? '9223372036854775808' : INT64_MAX;
  return digits <= limit;
}

// PostgreSQL rejects float8 input that overflows, or that underflows to zero.
function isDouble(value: string): boolean {
  const n = Number(value);
  if (!Number.isFinite(n)) return false;
  return n !== 0 || !/[1-9]/.test(value.slice(0, value.search(/[eE]/)));
}

function validDate(match: RegExpExecArray): boolean {
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;
  return day <= days;
}

/** How many sampled non-null values of one column have each type (a PostgreSQL type name). */
export type TypeTally = Record<string, number>;

/**
 * Tallies the type of every sampled value per column. With `exactTypes` (Parquet, whose schema
 * gives each column's type) every non-null value counts under its column's type.
 */
export class TypeTallies {
  readonly #tallies: TypeTally[];
  readonly #exactTypes: readonly string[] | null;

  constructor(columnCount: number, exactTypes: readonly string[] | null = null) {
    this.#tallies = Array.from({ length: columnCount }, () => ({}));
    this.#exactTypes = exactTypes;
  }

  add(values: readonly (string | null)[]): void {
    const n = Math.min(values.length, this.#tallies.length);
    for (let i = 0; i < n; i++) {
      const value = values[i];
      if (value === null || value === undefined) continue;
      const type = this.#exactTypes?.[i] ?? valueType(value);
      const tally = this.#tallies[i] as TypeTally;
      tally[type] = (tally[type] ?? 0) + 1;
    }
  }

  tallies(): TypeTally[] {
    return this.#tallies;
  }
}

/** The share of a column's sampled values a typed column must fit; the rest go to the rejects. */
export const MOST_VALUES = 0.9;

// The lattice of exact types (Parquet's among them): smallint < integer < bigint < numeric <
// double precision, and date < timestamp < timestamptz. real and numeric(p,s) join only themselves
// exactly; with anything else of their family they become double precision and numeric.
const NUMERIC_LADDER = ['smallint', 'integer', 'bigint', 'numeric', 'double precision'];
const TEMPORAL_LADDER = ['date', 'timestamp', 'timestamptz'];
const SYNONYMS: Record<string, string> = { 'timestamp with time zone': 'timestamptz', 'timestamp without time zone': 'timestamp', real: 'double precision' };

function ladderOf(type: string): { ladder: string[]; rank: number } | null {
  const base = type.startsWith('numeric(') ? 'numeric' : (SYNONYMS[type] ?? type);
  for (const ladder of [NUMERIC_LADDER, TEMPORAL_LADDER]) {
    const rank = ladder.indexOf(base);
    if (rank !== -1) return { ladder, rank };
  }
  return null;
}

/** The narrowest type holding values of both types; text when they share no family. */
export function joinTypes(a: string, b: string): string {
  const canonical = (type: string) => (type in SYNONYMS && type !== 'real' ? (SYNONYMS[type] as string) : type);
  if (canonical(a) === canonical(b)) return canonical(a);
  const left = ladderOf(a);
  const right = ladderOf(b);
  if (!left || !right || left.ladder !== right.ladder) return 'text';
  return left.ladder[Math.max(left.rank, right.rank)] as string;
}

export interface ProposedType {
  pgType: string;
  /** Sampled non-null values, and those among them that pgType does not hold. */
  sampled: number;
  outliers: number;
}

/**
 * The widest type that fits most (MOST_VALUES) of the sampled values: for each family of types seen,
 * the join of its members, and of those the one holding the most values; text when none fits most.
 * `exact` holds values whose type a file's schema declares (Parquet): they are never outliers, so
 * the proposal is joined with each of their types.
 */
export function proposeType(tally: TypeTally, exact: TypeTally = {}): ProposedType {
  const entries = Object.entries(tally);
  const guessed = entries.reduce((n, [, count]) => n + count, 0);
  const declared = Object.entries(exact);
  const sampled = guessed + declared.reduce((n, [, count]) => n + count, 0);
  const fitting = (within: string) => entries.reduce((n, [type, count]) => n + (joinTypes(type, within) === within ? count : 0), 0);
  let best: { pgType: string; fit: number } | null = null;
  for (const [type] of entries) {
    if (type === 'text') continue;
    const widest = entries.map(([other]) => other).filter((other) => joinTypes(type, other) !== 'text').reduce(joinTypes);
    const fit = fitting(widest);
    if (!best || fit > best.fit) best = { pgType: widest, fit };
  }
  if (guessed > 0 && (!best || best.fit < guessed * MOST_VALUES)) return { pgType: 'text', sampled, outliers: 0 };
  const start = best?.pgType ?? declared[0]?.[0] ?? 'text';
  const pgType = declared.reduce((joined, [type]) => joinTypes(joined, type), start);
  return { pgType, sampled, outliers: guessed - fitting(pgType) };
}
