// Streaming RFC 4180 parser over decoded text chunks. Hand-written rather than PapaParse because we
// need the file line where every record starts (also for quoted fields spanning lines) and exact
// PostgreSQL CSV semantics. It keeps all state between chunks, so a chunk may end anywhere (inside a
// quoted field, between CR and LF, right after a quote) and each character is scanned once.
import { ErrorCodes, KeyloadError } from '../../../shared/errors.ts';
import type { SourceRow } from './source.ts';

export interface CsvParserOptions {
  delimiter: string;
  quote: string;
  /** Inside quoted fields, makes the next quote or escape character literal; default: the quote. */
  escape?: string;
  /** An unquoted field equal to this is NULL, as an empty one always is. */
  nullString?: string;
  /** Drops whitespace around unquoted fields and outside quotes. */
  trim?: boolean;
  /** File path used in error messages. */
  file: string;
  /** Longest record accepted, in characters; bounds memory when a quote is never closed. */
  maxRecordLength?: number;
}

export const DEFAULT_MAX_RECORD_LENGTH = 64 * 1024 * 1024;

const LF = 10;
const CR = 13;

// Where the previous chunk left off.
const FIELD_START = 0;
const UNQUOTED = 1; // also the text after a closing quote, which is kept literally
const QUOTED = 2;
const QUOTED_QUOTE = 3; // the chunk ended on a quote inside a quoted field: closing or doubled?
const QUOTED_ESCAPE = 4; // the chunk ended on an escape inside a quoted field

const SPACE = 32;
const TAB = 9;

export class CsvParser {
  readonly #delimiter: number;
  readonly #quote: number;
  readonly #quoteChar: string;
  readonly #escape: number;
  readonly #escapeChar: string;
  /** Trimming or a NULL string: fields get a second look when they end (never on the default path). */
  readonly #shaped: boolean;
  readonly #trim: boolean;
  readonly #nullString: string;
  readonly #file: string;
  readonly #maxRecordLength: number;

  #mode = FIELD_START;
  #fields: (string | null)[] = [];
  #line = 1;
  #recordLine = 1;
  #quoteLine = 1;
  #endedWithCR = false;
  /** Unquoted text (or a closed quoted value) of the current field carried from earlier chunks. */
  #partial = '';
  /** Quoted field pieces carried from earlier chunks; joined once when the field closes. */
  #parts: string[] = [];
  /** Characters of the current record in earlier chunks. */
  #carried = 0;
  #quotedFields = 0;
  /** Length of the current field's quoted part in #partial, -1 when the field is not quoted. */
  #quotedEnd = -1;

  constructor(options: CsvParserOptions) {
    const escape = options.escape ?? options.quote;
    const special = [options.delimiter, options.quote, escape];
    if (special.some((c) => c.length !== 1 || c === '\n' || c === '\r') || options.delimiter === options.quote || options.delimiter === escape) {
      throw new KeyloadError(ErrorCodes.usage, 'The CSV delimiter must differ from the quote and escape; each is a single character other than a line break.', {
        file: options.file,
      });
    }
    this.#delimiter = options.delimiter.charCodeAt(0);
    this.#quote = options.quote.charCodeAt(0);
    this.#quoteChar = options.quote;
    this.#escape = escape.charCodeAt(0);
    this.#escapeChar = escape;
    this.#trim = options.trim ?? false;
    this.#nullString = options.nullString ?? '';
    this.#shaped = this.#trim || this.#nullString !== '';
    this.#file = options.file;
    this.#maxRecordLength = options.maxRecordLength ?? DEFAULT_MAX_RECORD_LENGTH;
  }

  /** Quoted fields seen so far; the sniffer uses it as evidence for the quote character. */
  get quotedFields(): number {
    return this.#quotedFields;
  }

  /** 1-based line of the parse position (the line being read), for errors found outside the parser. */
  get line(): number {
    return this.#line;
  }

  /** Parses a chunk and appends the records it completes to `out`. */
  push(s: string, out: SourceRow[]): void {
    const n = s.length;
    if (n === 0) return;
    const D = this.#delimiter;
    const Q = this.#quote;
    const E = this.#escape;
    const shaped = this.#shaped;
    const trim = this.#trim;
    let mode = this.#mode;
    let fields = this.#fields;
    let line = this.#line;
    let recordLine = this.#recordLine;
    let partial = this.#partial;
    let quotedEnd = this.#quotedEnd;
    let recordStart = 0;
    let start = 0;
    let i = 0;

    if (mode === QUOTED_QUOTE) {
      if (s.charCodeAt(0) === Q) {
        this.#parts.push(this.#quoteChar);
        i = start = 1;
        mode = QUOTED;
      } else {
        partial = this.#takeParts();
        quotedEnd = partial.length;
        mode = UNQUOTED;
      }
    } else if (mode === QUOTED_ESCAPE) {
      const c = s.charCodeAt(0);
      // The escaped character is kept; an escape before anything else is kept as it is.
      if (c === Q || c === E) {
        this.#parts.push(s.charAt(0));
        i = start = 1;
      } else {
        this.#parts.push(this.#escapeChar);
      }
      mode = QUOTED;
    }

    while (i < n) {
      if (mode === FIELD_START) {
        const c = s.charCodeAt(i);
        if (c === LF || c === CR) {
          const lfAfterCR = c === LF && (i > 0 ? s.charCodeAt(i - 1) === CR : this.#endedWithCR);
          i++;
          // The CR of a CRLF already ended the record and counted the line.
          if (lfAfterCR) continue;
          line++;
          if (fields.length > 0) {
            fields.push(null); // "a,<newline>": the last field is empty
            out.push({ line: recordLine, values: fields });
            fields = [];
            this.#carried = 0;
          }
          continue;
        }
        if (fields.length === 0) {
          recordLine = line;
          recordStart = i;
        }
        if (c === D) {
          fields.push(null);
          i++;
          continue;
        }
        // Whitespace before a field carries no state, so skipping it may stop at a chunk's end.
        if (trim && (c === SPACE || c === TAB)) {
          i++;
          continue;
        }
        quotedEnd = -1;
        if (c === Q) {
          this.#quotedFields++;
          this.#quoteLine = line;
          i = start = i + 1;
          mode = QUOTED;
        } else {
          start = i;
          mode = UNQUOTED;
        }
      }

      if (mode === QUOTED) {
        let c = 0;
        for (; i < n; i++) {
          c = s.charCodeAt(i);
          if (c === Q || c === E) break;
          if (c === CR) line++;
          else if (c === LF && !(i > 0 ? s.charCodeAt(i - 1) === CR : this.#endedWithCR)) line++;
        }
        if (i === n) {
          this.#parts.push(s.slice(start));
          break;
        }
        if (c !== Q) {
          // An escape (other than the quote): the next quote or escape is kept literally.
          if (i + 1 === n) {
            this.#parts.push(s.slice(start, i));
            mode = QUOTED_ESCAPE;
            i = n;
            break;
          }
          const next = s.charCodeAt(i + 1);
          if (next === Q || next === E) {
            this.#parts.push(s.slice(start, i), s.charAt(i + 1));
            i = start = i + 2;
          } else {
            i++;
          }
          continue;
        }
        if (i + 1 === n) {
          this.#parts.push(s.slice(start, i));
          mode = QUOTED_QUOTE;
          i = n;
          break;
        }
        if (s.charCodeAt(i + 1) === Q) {
          this.#parts.push(s.slice(start, i + 1)); // keep one quote of the doubled pair
          i = start = i + 2;
          continue;
        }
        // Closing quote: whatever follows up to the next delimiter is appended literally.
        const piece = s.slice(start, i);
        partial = this.#parts.length > 0 ? this.#takeParts() + piece : piece;
        quotedEnd = partial.length;
        i = start = i + 1;
        mode = UNQUOTED;
      }

      // UNQUOTED: the hot loop for typical files.
      let c = 0;
      for (; i < n; i++) {
        c = s.charCodeAt(i);
        if (c === D || c === LF || c === CR) break;
      }
      if (i === n) {
        partial += s.slice(start);
        break;
      }
      const piece = s.slice(start, i);
      const value = partial === '' ? piece : partial + piece;
      fields.push(shaped ? this.#shape(value, quotedEnd) : value);
      partial = '';
      mode = FIELD_START;
      i++;
      if (c !== D) {
        line++;
        out.push({ line: recordLine, values: fields });
        fields = [];
        this.#carried = 0;
      }
    }

    this.#mode = mode;
    this.#fields = fields;
    this.#line = line;
    this.#recordLine = recordLine;
    this.#partial = partial;
    this.#quotedEnd = quotedEnd;
    this.#endedWithCR = s.charCodeAt(n - 1) === CR;
    if (fields.length > 0 || mode !== FIELD_START) {
      this.#carried += n - recordStart;
      if (this.#carried > this.#maxRecordLength) throw this.#tooLong(mode);
    }
  }

  /** Ends the input: emits a last record without a trailing newline, fails on an unclosed quote. */
  finish(out: SourceRow[]): void {
    const mode = this.#mode;
    if (mode === QUOTED || mode === QUOTED_ESCAPE) {
      throw new KeyloadError(ErrorCodes.fileCorrupt, `Unterminated quoted field: the quote opened on line ${this.#quoteLine} is never closed.`, {
        file: this.#file,
        line: this.#quoteLine,
        hint: 'A field starting with a quote must end with a quote; quotes inside it must be doubled.',
      });
    }
    if (mode === QUOTED_QUOTE) this.#fields.push(this.#takeParts());
    else if (mode === UNQUOTED) this.#fields.push(this.#shaped ? this.#shape(this.#partial, this.#quotedEnd) : this.#partial);
    else if (this.#fields.length > 0) this.#fields.push(null);
    if (this.#fields.length > 0) out.push({ line: this.#recordLine, values: this.#fields });
    this.#fields = [];
    this.#partial = '';
    this.#mode = FIELD_START;
  }

  /** A field as the options shape it: trimmed outside its quotes, NULL when unquoted and the NULL string. */
  #shape(value: string, quotedEnd: number): string | null {
    if (quotedEnd >= 0) return this.#trim && quotedEnd < value.length ? value.slice(0, quotedEnd) + value.slice(quotedEnd).trimEnd() : value;
    const text = this.#trim ? value.trim() : value;
    return text === '' || text === this.#nullString ? null : text;
  }

  #takeParts(): string {
    const value = this.#parts.join('');
    this.#parts = [];
    return value;
  }

  #tooLong(mode: number): KeyloadError {
    const limit = `${Math.round(this.#maxRecordLength / (1024 * 1024))} MiB`;
    if (mode === QUOTED || mode === QUOTED_QUOTE || mode === QUOTED_ESCAPE) {
      return new KeyloadError(ErrorCodes.fileCorrupt, `The quoted field opened on line ${this.#quoteLine} is not closed within ${limit}.`, {
        file: this.#file,
        line: this.#quoteLine,
        hint: 'Probably an unbalanced quote; quotes inside a quoted field must be doubled.',
      });
    }
    return new KeyloadError(ErrorCodes.fileCorrupt, `The record starting on line ${this.#recordLine} is longer than ${limit}.`, {
      file: this.#file,
      line: this.#recordLine,
      hint: 'Check the delimiter and line endings.',
    });
  }
}
