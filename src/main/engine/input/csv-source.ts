// A RowSource over a CSV (or other delimited text) file, plain or gzip. Opening reads the start of
// the file up to three times (encoding, dialect, then header and types from the first rows); rows()
// then streams the whole file from the beginning, pulling bytes only as fast as rows are consumed.
import { ErrorCodes, KeyloadError } from '../../../shared/errors.ts';
import { CsvParser } from './csv-parser.ts';
import { recordConverter, type RecordConverter } from './csv-values.ts';
import { checkInputFile, openFileBytes, type FileBytes, type GzipLimits } from './detect.ts';
import { TypeInference } from './infer-types.ts';
import { commonFieldCount, SNIFF_SAMPLE_CHARS, sniffDialect } from './sniff.ts';
import { readerLimits, type CsvDialect, type CsvValueOptions, type OpenSourceOptions, type RowSource, type SourceColumn, type SourceRow } from './source.ts';
import { decodeText, detectEncoding, ENCODINGS, encodingError, type EncodingDetection } from './text-decode.ts';

const ENCODING_SAMPLE_BYTES = 1024 * 1024;
const DEFAULT_INFERENCE_ROWS = 10_000;
const BATCH_ROWS = 2000;

export async function openCsvSource(path: string, detection: { gzip: boolean }, options: OpenSourceOptions): Promise<RowSource> {
  const { gzip } = detection;
  const totalBytes = await checkInputFile(path);
  const overrides = checkOverrides(path, options.dialect ?? {});
  const limits = readerLimits(options);

  const head = await readStart(path, gzip, limits, ENCODING_SAMPLE_BYTES);
  if (head.bytes.length === 0) throw new KeyloadError(ErrorCodes.fileCorrupt, 'The file is empty after gzip decompression.', { file: path });
  const detected = detectEncoding(head.bytes, head.complete);
  // An encoding given explicitly is read as told; otherwise the guess must be safe.
  if (overrides.encoding === undefined) checkStrayBytes(path, head.bytes, detected);
  const encoding = overrides.encoding ?? detected.encoding;
  // For sniffing only: invalid bytes become U+FFFD here, and an error with a line number when read.
  const text = new TextDecoder(encoding).decode(head.bytes, { stream: !head.complete });
  const sample = text.slice(0, SNIFF_SAMPLE_CHARS);
  // Text never holds NULs; random or compressed bytes hold about one in 256.
  if (countNuls(sample) > sample.length / 1000) {
    throw new KeyloadError(ErrorCodes.fileUnsupported, 'This does not look like a text file: it contains NUL bytes.', {
      file: path,
      hint: 'Only CSV (delimited text) and Parquet files can be loaded.',
    });
  }
  const sniffed = sniffDialect(sample, head.complete && text.length <= SNIFF_SAMPLE_CHARS, overrides);
  const dialect: CsvDialect = { ...sniffed, escape: overrides.escape ?? sniffed.quote, encoding, bom: detected.bom && encoding === detected.encoding };
  const values = options.values ?? {};
  const convert = recordConverter(values, path);

  const sampleRows = Math.max(0, Math.floor(options.inferenceSampleRows ?? DEFAULT_INFERENCE_ROWS));
  const records = await readRecords(path, gzip, limits, dialect, values, sampleRows + (dialect.hasHeader ? 1 : 0));
  if (records.length === 0) throw new KeyloadError(ErrorCodes.fileCorrupt, 'The file holds no records, only blank lines.', { file: path });
  const header = dialect.hasHeader ? records[0]?.values : undefined;
  const dataRecords = dialect.hasHeader ? records.slice(1) : records;
  if (convert) convertAll(dataRecords, convert);
  // Without a header, the column count is the field count most records have.
  const names = columnNames(header ?? new Array<null>(commonFieldCount(dataRecords).fieldCount).fill(null));
  const inference = new TypeInference(names.length);
  // A rejected row never reaches the table, so its values say nothing about the column types.
  for (const record of dataRecords) if (!record.reject) inference.add(record.values);
  const types = inference.types();
  const columns: SourceColumn[] = names.map((name, i) => ({ name, pgType: types[i] ?? 'text' }));

  let active: FileBytes | undefined;
  let iterated = false;
  let closed = false;

  async function* rows(): AsyncGenerator<SourceRow[]> {
    if (iterated) throw new KeyloadError(ErrorCodes.internal, 'The rows of a source can only be read once.', { file: path });
    iterated = true;
    if (closed) return;
    const bytes = openFileBytes(path, gzip, limits);
    active = bytes;
    const parser = csvParser(dialect, values, path);
    let pending: SourceRow[] = [];
    let headerSkipped = !dialect.hasHeader;
    // Complete records in batches (all of them, or only full batches); the header record is dropped.
    const take = (all: boolean): SourceRow[][] => {
      if (!headerSkipped && pending.length > 0) {
        pending.shift();
        headerSkipped = true;
      }
      const end = all ? pending.length : pending.length - (pending.length % BATCH_ROWS);
      const batches: SourceRow[][] = [];
      for (let i = 0; i < end; i += BATCH_ROWS) batches.push(pending.slice(i, i + BATCH_ROWS));
      if (end > 0) pending = pending.slice(end);
      if (convert) for (const batch of batches) convertAll(batch, convert);
      return batches;
    };
    let failed = false;
    let failure: unknown;
    try {
      try {
        for await (const chunk of decodeText(bytes.chunks, encoding, { file: path, currentLine: () => parser.line })) {
          parser.push(chunk, pending);
          for (const batch of take(false)) {
            yield batch;
            if (closed) return;
          }
        }
        parser.finish(pending);
      } catch (error) {
        failed = true;
        failure = error;
      }
      // The records completed before a failure are delivered before it.
      if (!closed) yield* take(true);
    } finally {
      bytes.close();
    }
    if (!failed || closed) return; // after close(), a failed read is the intended stop
    if (failure instanceof KeyloadError) throw failure;
    throw new KeyloadError(ErrorCodes.internal, `Reading the CSV file failed: ${String(failure)}`, { file: path, line: parser.line, cause: failure });
  }

  // Lines per byte in the first megabyte, scaled to the file; a gzip file's content size is unknown.
  const lineBreaks = head.bytes.reduce((n, byte) => (byte === 0x0a ? n + 1 : n), 0);
  const estimatedLines = head.complete ? lineBreaks : Math.round((lineBreaks / Math.max(1, head.bytes.length)) * totalBytes);
  const rowEstimate = gzip && !head.complete ? null : Math.max(0, estimatedLines - (dialect.hasHeader ? 1 : 0));
  return {
    path,
    description: { type: 'csv', gzip, dialect },
    columns,
    totalBytes,
    rowEstimate,
    bytesRead: () => active?.bytesRead() ?? 0,
    rows,
    close: async () => {
      closed = true;
      active?.close();
    },
  };
}

// Overrides normally come typed from the CLI, but a bad value must fail clearly rather than parse oddly.
function checkOverrides(path: string, overrides: Partial<CsvDialect>): Partial<CsvDialect> {
  const bad = (what: string, value: unknown, why: string): KeyloadError =>
    new KeyloadError(ErrorCodes.usage, `Unsupported CSV ${what} ${JSON.stringify(value)}: ${why}.`, { file: path });
  for (const what of ['delimiter', 'quote', 'escape'] as const) {
    const value = overrides[what];
    if (value !== undefined && (value.length !== 1 || value === '\n' || value === '\r')) throw bad(what, value, 'it must be one character other than a line break');
  }
  const { delimiter } = overrides;
  if (delimiter !== undefined && (delimiter === overrides.quote || delimiter === overrides.escape)) throw bad('delimiter', delimiter, 'it is also the quote or escape');
  if (overrides.encoding !== undefined && !ENCODINGS.includes(overrides.encoding)) throw bad('encoding', overrides.encoding, 'not one of ' + ENCODINGS.join(', '));
  return overrides;
}

/** Mostly UTF-8 with a stray byte: neither UTF-8 nor Windows-1252 would read it right, so the file fails. */
function checkStrayBytes(path: string, head: Uint8Array, detected: EncodingDetection): void {
  const offset = detected.strayByte;
  if (offset === undefined) return;
  const line = head.subarray(0, offset).reduce((n, byte) => (byte === 0x0a ? n + 1 : n), 1);
  const byte = `0x${(head[offset] ?? 0).toString(16).toUpperCase().padStart(2, '0')}`;
  const message = `The text is UTF-8 but byte ${byte} at byte offset ${offset} is not: the encoding cannot be told safely.`;
  throw encodingError('utf-8', message, path, line);
}

function csvParser(dialect: CsvDialect, values: CsvValueOptions, file: string): CsvParser {
  return new CsvParser({
    delimiter: dialect.delimiter,
    quote: dialect.quote,
    escape: dialect.escape,
    file,
    ...(values.nullString !== undefined ? { nullString: values.nullString } : {}),
    ...(values.trim ? { trim: true } : {}),
  });
}

function convertAll(rows: SourceRow[], convert: RecordConverter): void {
  for (const row of rows) convert(row);
}

/** The first `limit` bytes (or more) of the file's content; `complete` when that is all of it. */
async function readStart(path: string, gzip: boolean, limits: GzipLimits, limit: number): Promise<{ bytes: Uint8Array; complete: boolean }> {
  const bytes = openFileBytes(path, gzip, limits);
  const parts: Uint8Array[] = [];
  let length = 0;
  try {
    for await (const chunk of bytes.chunks) {
      parts.push(chunk);
      length += chunk.length;
      if (length > limit) return { bytes: Buffer.concat(parts), complete: false };
    }
    return { bytes: Buffer.concat(parts), complete: true };
  } finally {
    bytes.close();
  }
}

/** The first `limit` records (at least one when the file has any), the header included. */
async function readRecords(path: string, gzip: boolean, limits: GzipLimits, dialect: CsvDialect, values: CsvValueOptions, limit: number): Promise<SourceRow[]> {
  const bytes = openFileBytes(path, gzip, limits);
  const parser = csvParser(dialect, values, path);
  const records: SourceRow[] = [];
  const wanted = Math.max(limit, 1);
  try {
    for await (const chunk of decodeText(bytes.chunks, dialect.encoding, { file: path, currentLine: () => parser.line })) {
      parser.push(chunk, records);
      if (records.length >= wanted) return records.slice(0, wanted);
    }
    parser.finish(records);
    return records.slice(0, wanted);
  } finally {
    bytes.close();
  }
}

/** Trimmed header names; empty ones become column_N, repeated ones get _2, _3 (case-insensitively). */
export function columnNames(header: readonly (string | null)[]): string[] {
  const used = new Set<string>();
  return header.map((value, i) => {
    const base = value?.trim() || `column_${i + 1}`;
    let name = base;
    for (let n = 2; used.has(name.toLowerCase()); n++) name = `${base}_${n}`;
    used.add(name.toLowerCase());
    return name;
  });
}

function countNuls(text: string): number {
  let count = 0;
  for (let i = text.indexOf('\0'); i !== -1; i = text.indexOf('\0', i + 1)) count++;
  return count;
}
