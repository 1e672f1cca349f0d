// Finds where CSV records end in raw bytes, without parsing values, so append's pass-through can cut
// a file into sub-batches of whole records for the server to parse. It counts records exactly as
// the reader does, and gives up (`unsafe`) on anything where the reader and PostgreSQL's COPY could
// read the bytes differently: a blank line, a quote inside an unquoted field, text after a closing
// quote, a lone CR, an unterminated quote, or a line holding only `\.` (COPY's end of data). Staging
// also asks for one line per record: there, line numbers follow from the record count.
const LF = 0x0a;
const CR = 0x0d;
const BACKSLASH = 0x5c;
const DOT = 0x2e;

export interface ScannerDialect {
  delimiter: string;
  quote: string;
  escape: string;
}

/** Where a line stands in spotting a `\.` line: at its start, after `\`, after `\.`, or elsewhere. */
const Marker = { LineStart: 0, Backslash: 1, BackslashDot: 2, Other: 3 } as const;
type Marker = (typeof Marker)[keyof typeof Marker];

export class CsvRecordScanner {
  /** Records completed so far (the header, when there is one, is record -1). */
  records: number;
  /** Set once the bytes hold something the pass-through must not send; scanning stops. */
  unsafe: string | null = null;
  private readonly delimiter: number;
  private readonly quote: number;
  private readonly escape: number;
  private inQuote = false;
  private afterEscape = false;
  /** Just after a closing quote: only a delimiter, a line end or a doubled quote may follow. */
  private afterQuote = false;
  private fieldStart = true;
  private lineEmpty = true;
  private pendingCR = false;
  private marker: Marker = Marker.LineStart;
  private readonly singleLine: boolean;

  /** `singleLine`: a line break inside a quoted field is unsafe too. */
  constructor(dialect: ScannerDialect, hasHeader: boolean, { singleLine = false } = {}) {
    this.singleLine = singleLine;
    this.delimiter = dialect.delimiter.charCodeAt(0);
    this.quote = dialect.quote.charCodeAt(0);
    this.escape = dialect.escape.charCodeAt(0);
    this.records = hasHeader ? -1 : 0;
  }

  /**
   * Scans `chunk` from `from` until `records` reaches `until`; returns the index just after that
   * record's line end, or -1 when the chunk ends first (or the bytes are unsafe).
   */
  scanUntil(chunk: Buffer, from: number, until: number): number {
    // Where the next quote and CR are, found natively and reused while lines pass them by.
    let nextQuote = -1;
    let nextCR = -1;
    for (let i = from; i < chunk.length; i++) {
      // Most lines hold no quote: such whole lines are skipped with indexOf instead of byte by
      // byte (the scan ran on the CPU the server's parsing needs). Anything else takes the loop.
      while (this.atCleanLineStart()) {
        const lf = chunk.indexOf(LF, i);
        if (lf === -1) break;
        if (nextQuote < i) nextQuote = positionOf(chunk, this.quote, i);
        if (nextCR < i) nextCR = positionOf(chunk, CR, i);
        const contentEnd = nextCR === lf - 1 ? lf - 1 : lf;
        if (nextQuote < lf || nextCR < contentEnd || contentEnd === i || chunk[i] === BACKSLASH) break;
        this.records++;
        i = lf + 1;
        if (this.records === until) return i;
      }
      if (i >= chunk.length) return -1;
      const c = chunk[i] as number;
      if (this.pendingCR && c !== LF) return this.fail('a line ends with a lone carriage return');
      this.pendingCR = false;
      if (c === LF && this.marker === Marker.BackslashDot) return this.fail('a line holds only \\. (COPY would end the data there)');
      this.trackMarker(c);
      if (this.inQuote) {
        if (c === LF && this.singleLine) return this.fail('a quoted field holds a line break');
        this.inQuoted(c);
        continue;
      }
      if (c === LF) {
        if (this.lineEmpty) return this.fail('a blank line');
        this.records++;
        this.lineEmpty = this.fieldStart = true;
        this.afterQuote = false;
        if (this.records === until) return i + 1;
        continue;
      }
      if (c === CR) {
        this.pendingCR = true;
        continue;
      }
      this.lineEmpty = false;
      if (c === this.delimiter) {
        this.fieldStart = true;
        this.afterQuote = false;
      } else if (this.afterQuote && c !== this.quote) {
        return this.fail('text after a closing quote');
      } else if (c === this.quote) {
        if (!this.fieldStart && !this.afterQuote) return this.fail('a quote inside an unquoted field');
        this.inQuote = true;
        this.afterQuote = false;
      } else {
        this.fieldStart = false;
      }
    }
    return -1;
  }

  /** At the end of the data: the last record may lack its line end. False when unsafe. */
  finish(): boolean {
    this.unsafe ??= this.inQuote
      ? 'a quoted field is never closed'
      : this.pendingCR
        ? 'a line ends with a lone carriage return'
        : this.marker === Marker.BackslashDot
          ? 'a line holds only \\. (COPY would end the data there)'
          : null;
    if (this.unsafe) return false;
    if (!this.lineEmpty) this.records++;
    this.lineEmpty = true;
    return true;
  }

  /** At the start of a line, nothing pending from the one before. */
  private atCleanLineStart(): boolean {
    return this.marker === Marker.LineStart && this.lineEmpty && !this.inQuote && !this.pendingCR && !this.afterQuote;
  }

  private inQuoted(c: number): void {
    if (this.afterEscape) {
      this.afterEscape = false;
    } else if (c === this.escape && this.escape !== this.quote) {
      this.afterEscape = true;
    } else if (c === this.quote) {
      // A doubled quote reopens right away: the counting stays the same.
      this.inQuote = false;
      this.afterQuote = true;
      this.fieldStart = false;
    }
  }

  /** Every line break starts a line, inside quotes too: the `\\.` check is deliberately blunt. */
  private trackMarker(c: number): void {
    if (c === LF) this.marker = Marker.LineStart;
    else if (this.marker === Marker.LineStart) this.marker = c === BACKSLASH ? Marker.Backslash : Marker.Other;
    else if (this.marker === Marker.Backslash) this.marker = c === DOT ? Marker.BackslashDot : Marker.Other;
    else if (this.marker === Marker.BackslashDot && c !== CR) this.marker = Marker.Other;
  }

  private fail(reason: string): -1 {
    this.unsafe = reason;
    return -1;
  }
}

/** The index of `byte` in `chunk` from `from` on, or the chunk's length when there is none. */
function positionOf(chunk: Buffer, byte: number, from: number): number {
  const at = chunk.indexOf(byte, from);
  return at === -1 ? chunk.length : at;
}
