// Parquet input: a RowSource over one Parquet file.
//
// Library: hyparquet (pure JS; hyparquet-compressors for LZ4 and the zstd fallback), used at the
// page level. Measured on a 1M-row x 5-column file (bigint, 2 text, bigint, timestamptz; DuckDB,
// snappy or zstd, 9 row groups; shared 2-core machine, so ranges): this reader 1.0-1.6 M rows/s,
// peak RSS ~170 MiB; parquet-wasm + apache-arrow 0.5-0.9 M rows/s, peak RSS ~200 MiB, even with
// lossy String() conversions (exact decimals/timestamps would need raw Arrow buffers on top). On a
// single 3M-row row group (zstd) this reader peaks at ~450 MiB and releases it; parquet-wasm peaks
// at ~750 MiB and keeps 470 MiB of WASM memory for the life of the process (it never shrinks, so
// it would need recycled workers). hyparquet's high-level API decodes whole row groups and converts
// DECIMAL/timestamps lossily; reading pages ourselves avoids both with no extra machinery.
//
// How: the footer is parsed with hyparquet; parquet-types.ts maps the schema to PostgreSQL types
// and strips leaf annotations so the decoder hands back exact physical values; row groups are read
// one at a time, each column chunk streamed page by page (parquet-column-reader.ts) and handed out
// in slices of at most MAX_CHUNK_ROWS rows, so memory is bounded by about one decoded page per
// column whatever the row group size (DuckDB writes one page per column chunk, so there it is one
// column chunk). Values are converted by parquet-values.ts (scalars) and parquet-json.ts
// (LIST/MAP/STRUCT -> jsonb).

import { open, type FileHandle } from 'node:fs/promises';
import type { DecodedArray, FileMetaData } from 'hyparquet';
import { parquetMetadata } from 'hyparquet';
import { ErrorCodes, KeyloadError } from '../../../shared/errors.ts';
import type { OpenSourceOptions, RowSource, SourceColumn, SourceDescription, SourceRow } from './source.ts';
import {
  ColumnChunkReader,
  FlatCursor,
  NestedLeafCursor,
  ParquetDataError,
  compressors,
  supportedCodecs,
} from './parquet-column-reader.ts';
import { assembleNested, DEFAULT_PARSERS, getTreePath, type ColumnDecoder } from './hyparquet-internals.ts';
import { nestedJsonConverter } from './parquet-json.ts';
import { planSchema, UnsupportedParquetFeature, type ParquetSchemaPlan } from './parquet-types.ts';
import { pgTextConverter } from './parquet-values.ts';

/**
 * Most rows in one yielded chunk. Small slices keep the objects of a slice short-lived (measured:
 * nested columns 0.31 -> 0.53 M rows/s going from 8192 to 2048 rows, flat columns unchanged).
 */
export const MAX_CHUNK_ROWS = 2048;
/** Target uncompressed bytes per slice (from the row group's average row size), for wide rows. */
const SLICE_BYTES = 4 << 20;
/** Read-ahead for all column chunks of a row group together. */
const READ_AHEAD_BYTES = 32 << 20;

// INT96 values come out of the decoder as nanoseconds since the epoch (bigint); everything else
// the raw schema keeps is never passed to a parser except text decoding.
const parsers = { ...DEFAULT_PARSERS, timestampFromNanoseconds: (nanos: bigint): bigint => nanos };

const FOOTER_CORRUPT = 'Parquet footer is corrupt or the file is truncated';

export async function openParquetSource(path: string, _options: OpenSourceOptions = {}): Promise<RowSource> {
  let file: FileHandle;
  try {
    file = await open(path, 'r');
  } catch (error) {
    throw fileAccessError(path, error);
  }
  try {
    const { size } = await file.stat();
    const { metadata, dataEnd } = await readFooter(file, size, path);
    let plan: ParquetSchemaPlan;
    try {
      plan = planSchema(metadata);
    } catch (error) {
      if (error instanceof UnsupportedParquetFeature) throw unsupportedError(path, error);
      throw corruptFooter(path, 'invalid schema', error);
    }
    const chunks = validateRowGroups(metadata, plan, dataEnd, path);
    return new ParquetRowSource(path, file, size, metadata, plan, chunks);
  } catch (error) {
    await file.close().catch(() => {});
    throw error instanceof KeyloadError ? error : fileAccessError(path, error);
  }
}

/** An error of the file system (not of the data), as a KeyloadError. */
function fileAccessError(path: string, error: unknown): KeyloadError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return new KeyloadError(ErrorCodes.fileNotFound, 'File not found', { file: path, cause: error });
  const inaccessible = code === 'EISDIR' || code === 'ENOTDIR' || code === 'EACCES' || code === 'EPERM';
  return new KeyloadError(
    inaccessible ? ErrorCodes.fileNotFound : ErrorCodes.fileCorrupt,
    `Cannot read the file (${code ?? reason(error)})`,
    { file: path, cause: error },
  );
}

const isFileSystemError = (error: unknown): boolean =>
  error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string' && 'syscall' in error;

function corruptFooter(path: string, detail: string, cause?: unknown): KeyloadError {
  return new KeyloadError(ErrorCodes.fileCorrupt, `${FOOTER_CORRUPT} (${detail})`, { file: path, cause });
}

function unsupportedError(path: string, error: UnsupportedParquetFeature, line?: number): KeyloadError {
  return new KeyloadError(ErrorCodes.fileUnsupported, `Parquet column "${error.column}": ${error.message}`, {
    file: path,
    line,
    cause: error,
  });
}

/** First line of an error message, bounded, for embedding in a one-line message. */
function reason(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const line = text.split('\n')[0] ?? '';
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}

async function readAt(file: FileHandle, position: number, length: number): Promise<Uint8Array> {
  const buffer = Buffer.alloc(length);
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await file.read(buffer, filled, length - filled, position + filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return buffer.subarray(0, filled);
}

const ascii = (bytes: Uint8Array): string => String.fromCharCode(...bytes);

async function readFooter(file: FileHandle, size: number, path: string): Promise<{ metadata: FileMetaData; dataEnd: number }> {
  const head = ascii(await readAt(file, 0, Math.min(4, size)));
  const tail = size >= 8 ? await readAt(file, size - 8, 8) : new Uint8Array(0);
  const tailMagic = tail.length === 8 ? ascii(tail.subarray(4)) : '';
  if (tailMagic === 'PARE') {
    throw new KeyloadError(ErrorCodes.fileUnsupported, 'Encrypted Parquet files are not supported', { file: path });
  }
  if (head !== 'PAR1' && tailMagic !== 'PAR1') {
    throw new KeyloadError(ErrorCodes.fileUnsupported, 'Not a Parquet file (no PAR1 signature)', { file: path });
  }
  if (head !== 'PAR1') throw corruptFooter(path, 'the file does not start with PAR1');
  if (tailMagic !== 'PAR1' || size < 12) throw corruptFooter(path, 'no PAR1 signature at the end');
  const metadataLength = new DataView(tail.buffer, tail.byteOffset, 8).getUint32(0, true);
  if (metadataLength === 0 || metadataLength > size - 12) throw corruptFooter(path, 'invalid footer length');
  const dataEnd = size - 8 - metadataLength;
  const footer = await readAt(file, dataEnd, metadataLength + 8);
  let metadata: FileMetaData;
  try {
    metadata = parquetMetadata(footer, { geoparquet: false });
  } catch (error) {
    throw corruptFooter(path, reason(error), error);
  }
  if (!Array.isArray(metadata.schema) || !metadata.schema.length || !Array.isArray(metadata.row_groups)) {
    throw corruptFooter(path, 'missing schema or row groups');
  }
  return { metadata, dataEnd };
}

interface ChunkLocation {
  start: number;
  end: number;
}

/** Checks every column chunk against the schema and the file; returns their byte ranges. */
function validateRowGroups(metadata: FileMetaData, plan: ParquetSchemaPlan, dataEnd: number, path: string): ChunkLocation[][] {
  const leafKeys = plan.leafPaths.map((leaf) => leaf.join('.'));
  return metadata.row_groups.map((rowGroup, groupIndex) => {
    const where = `row group ${groupIndex + 1}`;
    const rows = Number(rowGroup.num_rows);
    if (!Number.isSafeInteger(rows) || rows < 0) throw corruptFooter(path, `${where} has an invalid row count`);
    if (rowGroup.columns?.length !== leafKeys.length) {
      throw corruptFooter(path, `${where} does not have one column chunk per column`);
    }
    return rowGroup.columns.map((chunk, index) => {
      const column = leafKeys[index] as string;
      if (chunk.file_path) {
        throw unsupportedError(path, new UnsupportedParquetFeature(column, 'column data stored in another file is not supported'));
      }
      if (chunk.crypto_metadata || chunk.encrypted_column_metadata) {
        throw unsupportedError(path, new UnsupportedParquetFeature(column, 'encrypted columns are not supported'));
      }
      const meta = chunk.meta_data;
      if (!meta || meta.path_in_schema?.join('.') !== column) {
        throw corruptFooter(path, `${where} column chunk ${index + 1} does not match the schema`);
      }
      if (!supportedCodecs.has(meta.codec)) {
        throw unsupportedError(
          path,
          new UnsupportedParquetFeature(column, `${meta.codec ?? 'an unknown'} compression is not supported`),
        );
      }
      const dataOffset = Number(meta.data_page_offset);
      const dictionaryOffset = meta.dictionary_page_offset === undefined ? 0 : Number(meta.dictionary_page_offset);
      const start = dictionaryOffset > 0 && dictionaryOffset < dataOffset ? dictionaryOffset : dataOffset;
      const end = start + Number(meta.total_compressed_size);
      if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 4 || end < start || end > dataEnd) {
        throw corruptFooter(path, `${where} column "${column}" points outside the file`);
      }
      return { start, end };
    });
  });
}

function describe(metadata: FileMetaData): string {
  const codecs = [
    ...new Set(metadata.row_groups.flatMap((group) => group.columns.map((chunk) => String(chunk.meta_data?.codec).toLowerCase()))),
  ];
  const groups = metadata.row_groups.length;
  const count = `${groups} row group${groups === 1 ? '' : 's'}`;
  return codecs.length ? `${codecs.join('+')}, ${count}` : count;
}

interface ColumnSlicer {
  take(count: number): Promise<ArrayLike<string | null | undefined>>;
}

class ParquetRowSource implements RowSource {
  readonly path: string;
  readonly description: SourceDescription;
  readonly columns: SourceColumn[];
  readonly totalBytes: number;
  private readonly file: FileHandle;
  private readonly metadata: FileMetaData;
  private readonly plan: ParquetSchemaPlan;
  private readonly chunks: ChunkLocation[][];
  readonly rowEstimate: number | null;
  private consumed = 0;
  private started = false;
  private closed = false;
  private closing: Promise<void> | undefined;

  constructor(
    path: string,
    file: FileHandle,
    size: number,
    metadata: FileMetaData,
    plan: ParquetSchemaPlan,
    chunks: ChunkLocation[][],
  ) {
    this.path = path;
    this.file = file;
    this.totalBytes = size;
    this.metadata = metadata;
    this.plan = plan;
    this.chunks = chunks;
    this.columns = plan.columns.map((column) => ({ name: column.name, pgType: column.pgType }));
    this.description = { type: 'parquet', gzip: false, details: describe(metadata) };
    this.rowEstimate = Number(metadata.num_rows);
  }

  bytesRead(): number {
    return Math.min(this.consumed, this.totalBytes);
  }

  close(): Promise<void> {
    this.closed = true;
    this.closing ??= this.file.close().catch(() => {});
    return this.closing;
  }

  rows(): AsyncIterable<SourceRow[]> {
    if (this.started) {
      throw new KeyloadError(ErrorCodes.internal, 'Parquet rows can only be iterated once', { file: this.path });
    }
    this.started = true;
    return this.iterate();
  }

  private async *iterate(): AsyncGenerator<SourceRow[]> {
    try {
      let firstRow = 0;
      const groupCount = this.metadata.row_groups.length;
      for (let group = 0; group < groupCount && !this.closed; group++) {
        const rowGroup = this.metadata.row_groups[group] as FileMetaData['row_groups'][number];
        const groupRows = Number(rowGroup.num_rows);
        const slicers = this.slicers(group);
        const averageRow = Number(rowGroup.total_byte_size) / groupRows;
        const sliceRows =
          averageRow > 0 ? Math.max(16, Math.min(MAX_CHUNK_ROWS, Math.floor(SLICE_BYTES / averageRow))) : MAX_CHUNK_ROWS;
        for (let done = 0; done < groupRows && !this.closed; ) {
          const count = Math.min(sliceRows, groupRows - done);
          const line = firstRow + done + 1;
          const columns: ArrayLike<string | null | undefined>[] = [];
          for (let c = 0; c < slicers.length; c++) {
            columns.push(await this.take(slicers[c] as ColumnSlicer, count, group, c, line));
          }
          if (this.closed) return;
          const rows: SourceRow[] = new Array(count);
          const width = columns.length;
          for (let i = 0; i < count; i++) {
            const values: (string | null)[] = new Array(width);
            for (let c = 0; c < width; c++) values[c] = (columns[c] as ArrayLike<string | null | undefined>)[i] ?? null;
            rows[i] = { line: line + i, values };
          }
          done += count;
          // The footer and any bytes between chunks count as read once the last row is out.
          if (group === groupCount - 1 && done === groupRows) this.consumed = this.totalBytes;
          yield rows;
        }
        firstRow += groupRows;
      }
      if (!this.closed) this.consumed = this.totalBytes;
    } finally {
      await this.close();
    }
  }

  private async take(slicer: ColumnSlicer, count: number, group: number, column: number, line: number) {
    try {
      return await slicer.take(count);
    } catch (error) {
      if (this.closed) return [];
      if (error instanceof KeyloadError) throw error;
      if (error instanceof UnsupportedParquetFeature) throw unsupportedError(this.path, error, line);
      if (isFileSystemError(error)) throw fileAccessError(this.path, error);
      const name = this.plan.columns[column]?.name ?? '?';
      const groups = this.metadata.row_groups.length;
      const what = error instanceof ParquetDataError ? error.message : `a page could not be decoded: ${reason(error)}`;
      throw new KeyloadError(
        ErrorCodes.fileCorrupt,
        `Parquet data is corrupt in row group ${group + 1} of ${groups}, column "${name}": ${what}`,
        { file: this.path, line, cause: error },
      );
    }
  }

  /** One slicer per top-level column for row group `group`. */
  private slicers(group: number): ColumnSlicer[] {
    const rowGroup = this.metadata.row_groups[group] as FileMetaData['row_groups'][number];
    const locations = this.chunks[group] as ChunkLocation[];
    const leafCount = Math.max(1, this.plan.leafPaths.length);
    const windowBytes = Math.max(64 << 10, Math.min(1 << 20, Math.floor(READ_AHEAD_BYTES / leafCount)));
    let leafIndex = 0;
    const readerFor = (leafPath: string[], toText?: (value: unknown) => string | null) => {
      const index = leafIndex++;
      const chunk = rowGroup.columns[index] as FileMetaData['row_groups'][number]['columns'][number];
      const meta = chunk.meta_data as NonNullable<typeof chunk.meta_data>;
      const location = locations[index] as ChunkLocation;
      const schemaPath = getTreePath(this.plan.rawRoot, leafPath);
      const element = (schemaPath[schemaPath.length - 1] as (typeof schemaPath)[number]).element;
      const decoder: ColumnDecoder = {
        pathInSchema: leafPath,
        type: element.type ?? meta.type,
        element,
        schemaPath,
        codec: meta.codec,
        parsers,
        compressors,
        utf8: false,
      };
      return {
        schemaPath,
        reader: new ColumnChunkReader({
          file: this.file,
          column: leafPath.join('.'),
          start: location.start,
          end: location.end,
          numValues: Number(meta.num_values),
          decoder,
          windowBytes,
          toText,
          onBytes: (bytes) => {
            this.consumed += bytes;
          },
        }),
      };
    };

    return this.plan.columns.map((column): ColumnSlicer => {
      if (column.flat && column.node.type === 'leaf') {
        const { leaf } = column.node;
        const toText = leaf.kind === 'null' ? () => null : pgTextConverter(leaf);
        return new FlatCursor(readerFor(column.leafPaths[0] as string[], toText).reader);
      }
      const leaves = column.leafPaths.map((leafPath) => {
        const { reader, schemaPath } = readerFor(leafPath);
        return { key: leafPath.join('.'), cursor: new NestedLeafCursor(reader, schemaPath) };
      });
      const toJson = nestedJsonConverter(column.node);
      const repeated = column.node.repeated;
      const rawTree = column.rawTree;
      const key = rawTree.path.join('.');
      return {
        async take(count) {
          const data = new Map<string, DecodedArray>();
          for (const leaf of leaves) data.set(leaf.key, await leaf.cursor.take(count));
          if (rawTree.children.length) assembleNested(data, rawTree, parsers, 0);
          const values = data.get(key);
          if (!values || values.length !== count) throw new ParquetDataError('nested values could not be assembled');
          const out: (string | null)[] = new Array(count);
          for (let i = 0; i < count; i++) {
            const value: unknown = values[i];
            // A repeated field is never NULL: its converter turns an absent value into [].
            out[i] = (value === null || value === undefined) && !repeated ? null : toJson(value);
          }
          return out;
        },
      };
    });
  }
}
