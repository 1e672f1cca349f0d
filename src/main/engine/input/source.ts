// The contract every input format implements. A source turns one file into rows whose values are
// already in PostgreSQL's text input syntax, so the loader never needs to know the file format.
import type { CsvOptions } from '../../../shared/load-options.ts';
import type { Encoding, FileType, LineEnding } from '../../../shared/vocabulary.ts';

export type { FileType } from '../../../shared/vocabulary.ts';

export interface CsvDialect {
  /** Any single character; sniffed among , ; tab |. */
  delimiter: string;
  /** Sniffed between " and '. */
  quote: string;
  /** Inside quoted fields, makes the next quote or escape literal; the quote itself means doubled quotes. */
  escape: string;
  hasHeader: boolean;
  encoding: Encoding;
  bom: boolean;
  lineEnding: LineEnding;
}

export interface SourceColumn {
  name: string;
  /** PostgreSQL type the data suggests (used by --create-table): bigint, numeric(p,s), text, jsonb, ... */
  pgType: string;
}

export interface SourceRow {
  /** 1-based line number in the file where the record starts (CSV), or 1-based row number (Parquet). */
  line: number;
  /** Values in PostgreSQL text input syntax; null is SQL NULL. May hold more or fewer values than columns. */
  values: (string | null)[];
  /** A value the CSV options could not read (a date not in the date format): the row is rejected. */
  reject?: { column: number; reason: string };
}

export interface SourceDescription {
  type: FileType;
  gzip: boolean;
  /** Present for text files. */
  dialect?: CsvDialect;
  /** Parquet: compression codecs and row-group count, for display. */
  details?: string;
}

export interface RowSource {
  readonly path: string;
  readonly description: SourceDescription;
  readonly columns: SourceColumn[];
  /** Size of the file on disk in bytes. */
  readonly totalBytes: number;
  /** Data rows: exact for Parquet (from its footer), estimated from the first megabyte for text; null when unknown (gzip). */
  readonly rowEstimate: number | null;
  /** Bytes of the file consumed so far (compressed bytes for gzip), for progress. */
  bytesRead(): number;
  /** Rows in file order, in chunks. Iterating twice is not supported. Errors are KeyloadError with file and line. */
  rows(): AsyncIterable<SourceRow[]>;
  /** Releases file handles early (when the consumer stops iterating). Safe to call twice. */
  close(): Promise<void>;
}

export interface OpenSourceOptions {
  /** Overrides content detection (--file-type). */
  fileType?: FileType;
  /** Overrides parts of the sniffed CSV dialect. */
  dialect?: Partial<CsvDialect>;
  /** How CSV fields become values: NULL string, date format, time zone, decimal comma, trimming. */
  values?: CsvValueOptions;
  /** Rows sampled for CSV type inference (default 10000). */
  inferenceSampleRows?: number;
  /** Safety limits of reading; each unset one takes its READER_LIMITS default. */
  limits?: Partial<ReaderLimits>;
}

/** What a reader may take before the file fails: time without progress, and how much gzip may expand. */
export interface ReaderLimits {
  /** No bytes read and no rows produced for this long fails the file (a stuck disk, a reader in a loop). */
  stallTimeoutMs: number;
  /** Decompressed bytes of one gzip file. */
  maxDecompressedBytes: number;
  /** Decompressed bytes per compressed byte, checked once the output is past RATIO_CHECK_BYTES. */
  maxDecompressionRatio: number;
}

export const READER_LIMITS: ReaderLimits = {
  stallTimeoutMs: 60_000,
  maxDecompressedBytes: 100 * 1024 ** 3,
  // Deflate cannot exceed about 1032:1 (a run of zeros). Real CSV stays below: typical exports
  // 10:1, one line repeated 50 MB long ~500:1. So this stops a bomb and nothing else.
  maxDecompressionRatio: 1000,
};

export function readerLimits(options: OpenSourceOptions): ReaderLimits {
  return { ...READER_LIMITS, ...options.limits };
}

/** The CSV options that change values rather than how the text splits into fields. */
export type CsvValueOptions = Pick<CsvOptions, 'nullString' | 'dateFormat' | 'timeZone' | 'decimalComma' | 'trim'>;
