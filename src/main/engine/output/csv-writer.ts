// The one CSV writer (csv-stringify underneath): rejects files, the preview's conflicts export,
// the demo's sample files and the tests' generated data all agree with Keyload's own reader
// (input/csv-parser.ts) and PostgreSQL's COPY ... CSV on what a field means:
// - NULL is an empty unquoted field, '' is "" (a quoted empty field);
// - a field holding the delimiter, a quote, CR or LF is quoted, its quotes doubled;
// - a lone \. is quoted, as COPY TO does, so no COPY FROM can take it for the end-of-data marker.
// A row of one NULL field is a blank line, which Keyload's reader skips: CSV cannot say it otherwise.
//
// Files meant for spreadsheets (rejects, conflicts) also defuse formula injection (OWASP, "CSV
// Injection"): a cell starting with =, +, -, @, tab or CR gets a leading single quote, so Excel,
// LibreOffice and Google Sheets show it as text instead of evaluating it. Plain numbers such as
// -12.5 are left as they are (a spreadsheet reads them as numbers, never as formulas), so a rejects
// file can be fixed and loaded again without its negative numbers turning into text.
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify, type Options, type Stringifier } from 'csv-stringify';
import { stringify as stringifySync } from 'csv-stringify/sync';

export type CsvCell = string | null;
export type CsvRow = readonly CsvCell[];

export interface CsvFormat {
  /** Field delimiter; default ','. */
  delimiter?: string;
  /** Line ending after every record; default '\n'. */
  recordDelimiter?: '\n' | '\r\n';
  /**
   * True for files people open in spreadsheets (rejects, conflicts); false for data that must
   * keep its exact values (sample files, test data).
   */
  escapeFormulas: boolean;
}

const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** The cell as a spreadsheet will show it as text: a leading ' before anything it would evaluate. */
function escapeFormula(value: string): string {
  return FORMULA_START.test(value) && !PLAIN_NUMBER.test(value) ? `'${value}` : value;
}

function stringifyOptions(format: CsvFormat): Options {
  return {
    delimiter: format.delimiter ?? ',',
    record_delimiter: format.recordDelimiter ?? '\n',
    // Quote a lone CR or LF in a value too, not only the record delimiter (csv-stringify's default).
    quote_record_delimiter: true,
    // csv-stringify writes null and '' alike (nothing); quoting '' keeps them apart.
    quoted_match: [/^$/, /^\\\.$/],
    ...(format.escapeFormulas ? { cast: { string: escapeFormula } } : {}),
  };
}

/** Rows as CSV text, each record ended by the record delimiter. For small outputs. */
export function csvText(rows: readonly CsvRow[], format: CsvFormat): string {
  return stringifySync([...rows], stringifyOptions(format));
}

/** Streams rows to a CSV file with backpressure, for outputs of any size. */
export class CsvFileWriter {
  private readonly stringifier: Stringifier;
  /** Settles when the file is complete (after close) or the first write error. */
  private readonly done: Promise<void>;

  private constructor(stringifier: Stringifier, file: Writable) {
    this.stringifier = stringifier;
    this.done = pipeline(stringifier, file);
    // Errors are reported by write() and close(); this keeps an early one from going unhandled.
    this.done.catch(() => {});
  }

  /** Creates (or truncates) the file; fails here if it cannot be opened. */
  static async create(path: string, format: CsvFormat): Promise<CsvFileWriter> {
    const file = createWriteStream(path);
    await once(file, 'open');
    return new CsvFileWriter(stringify(stringifyOptions(format)), file);
  }

  /** Writes rows in order; resolves once the stream can take more. */
  async write(rows: readonly CsvRow[]): Promise<void> {
    for (const row of rows) {
      if (this.stringifier.destroyed || this.stringifier.writableEnded) {
        await this.done; // rejects with the error that ended the stream
        throw new Error('write to a closed CSV file');
      }
      if (!this.stringifier.write(row)) await Promise.race([once(this.stringifier, 'drain'), this.done]);
    }
  }

  /** Flushes and closes the file. Rejects with the first write error, if any. */
  async close(): Promise<void> {
    if (!this.stringifier.destroyed && !this.stringifier.writableEnded) this.stringifier.end();
    await this.done;
  }
}
