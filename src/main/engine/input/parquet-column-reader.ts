// Streams one column chunk page by page straight from the file, so memory is bounded by a page
// (plus a small read-ahead window) however large the row group is. Pages are decoded with
// hyparquet's page-level functions; this module adds the file I/O, the sanity checks that keep a
// corrupt page from making the decoder allocate without bound, lazy per-slice decoding of flat
// columns, and cursors that hand out values in row slices to parquet-source.ts.
// Page CRCs are not verified (Arrow and parquet-mr do not by default either).

import buffer from 'node:buffer';
import type { FileHandle } from 'node:fs/promises';
import zlib from 'node:zlib';
import type { CompressionCodec, Compressors, DataPageHeader, DecodedArray, PageHeader } from 'hyparquet';
import { compressors as pureJsCompressors } from 'hyparquet-compressors';
import {
  assembleLists,
  convert,
  convertWithDictionary,
  decompressPage,
  getMaxDefinitionLevel,
  getMaxRepetitionLevel,
  parquetHeader,
  readDataPage,
  readDataPageV2,
  readPlain,
  readRleBitPackedHybrid,
  type ColumnDecoder,
} from './hyparquet-internals.ts';
import { UnsupportedParquetFeature } from './parquet-types.ts';
import { noteProgress } from './read-progress.ts';

export function textArray(values: ArrayLike<unknown>, toText: (value: unknown) => string | null): (string | null)[] {
  const out: (string | null)[] = new Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    out[i] = value === null || value === undefined ? null : toText(value);
  }
  return out;
}

/** A page or column chunk that cannot be decoded. */
export class ParquetDataError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ParquetDataError';
  }
}

// Native zlib is much faster than the pure-JS codecs; zstd is native from Node 22.15 on. Snappy
// uses hyparquet's built-in JS decoder (as fast as hysnappy's WASM here, and no WASM memory that
// grows to the largest page and never shrinks).
const zstdNative = (zlib as { zstdDecompressSync?: (input: Uint8Array, options?: zlib.ZlibOptions) => Buffer })
  .zstdDecompressSync;
const limit = (length: number): zlib.ZlibOptions => ({ maxOutputLength: Math.max(1, length) });
export const compressors: Compressors = {
  GZIP: (input, length) => zlib.unzipSync(input, limit(length)),
  BROTLI: (input, length) => zlib.brotliDecompressSync(input, limit(length)),
  ZSTD: zstdNative ? (input, length) => zstdNative(input, limit(length)) : pureJsCompressors.ZSTD,
  LZ4: pureJsCompressors.LZ4,
  LZ4_RAW: pureJsCompressors.LZ4_RAW,
};
export const supportedCodecs: ReadonlySet<CompressionCodec> = new Set<CompressionCodec>([
  'UNCOMPRESSED',
  'SNAPPY',
  'GZIP',
  'BROTLI',
  'ZSTD',
  'LZ4',
  'LZ4_RAW',
]);

const supportedEncodings = new Set([
  'PLAIN',
  'PLAIN_DICTIONARY',
  'RLE_DICTIONARY',
  'RLE',
  'BYTE_STREAM_SPLIT',
  'DELTA_BINARY_PACKED',
  'DELTA_LENGTH_BYTE_ARRAY',
  'DELTA_BYTE_ARRAY',
]);

/**
 * Most bytes one compressed byte can expand to, per codec. Snappy and LZ4 are decoded into a buffer
 * of the declared size allocated up front, so a corrupt header must not declare more than the codec
 * can produce (Snappy: a 3-byte copy of 64 bytes; LZ4: a length byte per 255 bytes). Native zlib,
 * brotli and zstd grow their output as they go, so the data itself bounds it: a valid page may
 * declare any size (a 1 GiB page of strings compresses to a few MB).
 */
const MAX_EXPANSION: Partial<Record<CompressionCodec, number>> = { UNCOMPRESSED: 1, SNAPPY: 22, LZ4: 256, LZ4_RAW: 256 };
/** Slack for the few bytes of framing a tiny page may have beyond its ratio. */
const EXPANSION_SLACK = 64;
/** First guess for a page header's size; grown when a header is larger (long min/max statistics). */
const HEADER_GUESS = 1 << 14;

export interface ColumnChunkSpec {
  file: FileHandle;
  /** Column path for messages, e.g. "tags.list.element". */
  column: string;
  start: number;
  end: number;
  /** Upper bound for values (including nulls) in the chunk, from the footer. */
  numValues: number;
  decoder: ColumnDecoder;
  /** Read-ahead size; pages larger than this are read whole. */
  windowBytes: number;
  /**
   * Flat columns only: conversion of one non-null value to PostgreSQL text. The dictionary is
   * converted once, other values lazily per row slice (a DuckDB page can hold a whole row group).
   */
  toText?: (value: unknown) => string | null;
  onBytes(bytes: number): void;
}

/** Reads the pages of one column chunk in order. */
export class ColumnChunkReader {
  private readonly spec: ColumnChunkSpec;
  private position: number;
  private buffer = new Uint8Array(0);
  private bufferStart = 0;
  private dictionary: DecodedArray | undefined;
  private valuesSeen = 0;
  private readonly maxRepetition: number;
  private readonly maxDefinition: number;
  private readonly place: string;

  constructor(spec: ColumnChunkSpec) {
    this.spec = spec;
    this.place = `column "${spec.column}"`;
    this.position = spec.start;
    this.maxRepetition = getMaxRepetitionLevel(spec.decoder.schemaPath);
    this.maxDefinition = getMaxDefinitionLevel(spec.decoder.schemaPath);
  }

  /**
   * Decodes the next data page: a FlatPage for flat columns (those given `toText`), else a
   * NestedPage of levels and values. Null at the end of the chunk.
   */
  async nextPage(): Promise<FlatPage | NestedPage | null> {
    for (;;) {
      if (this.position >= this.spec.end) return null;
      // Per page, for the stall watchdog: a decoder stuck on this page leaves the column named.
      noteProgress(this.place);
      const { header, headerLength } = await this.readHeader();
      const bodyStart = this.position + headerLength;
      const size = header.compressed_page_size;
      if (!(size >= 0) || bodyStart + size > this.spec.end) {
        throw new ParquetDataError('a page extends past the end of its column chunk');
      }
      if (!plausibleSize(header.uncompressed_page_size, size, this.spec.decoder.codec)) {
        throw new ParquetDataError(
          `a page declares an impossible uncompressed size (${header.uncompressed_page_size} bytes from ${size} ${this.spec.decoder.codec} bytes)`,
        );
      }
      const body = await this.bytes(bodyStart, bodyStart + size);
      this.spec.onBytes(bodyStart + size - this.position);
      this.position = bodyStart + size;

      switch (header.type) {
        case 'DICTIONARY_PAGE':
          this.readDictionary(header, body);
          continue;
        case 'DATA_PAGE':
        case 'DATA_PAGE_V2': {
          const data = this.readData(header, body);
          if (data) return data;
          continue;
        }
        case 'INDEX_PAGE':
          continue;
        default:
          throw new ParquetDataError('unknown page type');
      }
    }
  }

  private readDictionary(header: PageHeader, body: Uint8Array): void {
    const dictionaryHeader = header.dictionary_page_header;
    if (!dictionaryHeader || !(dictionaryHeader.num_values >= 0)) throw new ParquetDataError('invalid dictionary page header');
    const { decoder } = this.spec;
    const page = decompress(body, header.uncompressed_page_size, decoder);
    const reader = { view: new DataView(page.buffer, page.byteOffset, page.byteLength), offset: 0 };
    const values = convert(readPlain(reader, decoder.type, dictionaryHeader.num_values, decoder.element.type_length), decoder);
    this.dictionary = this.spec.toText ? textArray(values, this.spec.toText) : values;
  }

  private readData(header: PageHeader, body: Uint8Array): FlatPage | NestedPage | null {
    const v1 = header.data_page_header;
    const v2 = header.data_page_header_v2;
    const pageHeader = v1 ?? v2;
    if (!pageHeader) throw new ParquetDataError('data page without a data page header');
    const numValues = pageHeader.num_values;
    if (!(numValues >= 0) || numValues > this.spec.numValues - this.valuesSeen) {
      throw new ParquetDataError('a data page holds more values than its column chunk');
    }
    this.valuesSeen += numValues;
    if (numValues === 0) return null;
    const encoding = pageHeader.encoding;
    if (!supportedEncodings.has(encoding)) {
      throw new UnsupportedParquetFeature(this.spec.column, `the ${encoding ?? 'unknown'} encoding is not supported`);
    }
    const dictionaryEncoded = encoding === 'PLAIN_DICTIONARY' || encoding === 'RLE_DICTIONARY';
    if (dictionaryEncoded && !this.dictionary) throw new ParquetDataError('dictionary-encoded page without a dictionary page');

    const { decoder } = this.spec;
    // The whole uncompressed page: levels, then values.
    let page: Uint8Array;
    let v2Header: PageHeader | undefined;
    if (v1) {
      this.checkLevelEncodings(v1);
      page = decompress(body, header.uncompressed_page_size, decoder);
      this.checkRunsV1(page, v1, decoder.type === 'BOOLEAN');
    } else {
      const daph2 = v2 as NonNullable<typeof v2>;
      const levelBytes = daph2.repetition_levels_byte_length + daph2.definition_levels_byte_length;
      if (!(levelBytes >= 0) || levelBytes > body.length) throw new ParquetDataError('invalid level lengths in a data page');
      // Decompressed here (not in hyparquet) so the values section can be checked before decoding.
      page = body;
      if (daph2.is_compressed !== false) {
        const values = decompress(body.subarray(levelBytes), header.uncompressed_page_size - levelBytes, decoder);
        page = new Uint8Array(levelBytes + values.length);
        page.set(body.subarray(0, levelBytes));
        page.set(values, levelBytes);
      }
      this.checkRunsV2(page, daph2, decoder.type === 'BOOLEAN');
      v2Header = { ...header, data_page_header_v2: { ...daph2, is_compressed: false } };
    }
    const decode = () => (v1 ? readDataPage(page, v1, decoder) : readDataPageV2(page, v2Header as PageHeader, decoder));

    // The column's shape decides, not its levels: a leaf of a REQUIRED group has flat levels too.
    if (this.spec.toText) return this.flatPage(page, v1 ? 'v1' : 'v2', pageHeader, decode);
    const decoded = decode();
    const values = convertWithDictionary(decoded.dataPage, this.dictionary, encoding, decoder);
    const definition = decoded.definitionLevels?.length ? decoded.definitionLevels : undefined;
    const repetition = decoded.repetitionLevels;
    // A final run may overshoot the page's value count; the extra levels are not data.
    if (definition && definition.length > numValues) definition.length = numValues;
    if (repetition.length > numValues) repetition.length = numValues;
    return { count: numValues, definition, repetition, values, position: 0, valuePosition: 0 };
  }

  /**
   * A page of a flat column, decoded without per-value objects where possible: PLAIN byte arrays are
   * read lazily from the page bytes and dictionary pages keep their indexes, so the memory of a
   * huge page (DuckDB writes one page per column chunk) stays close to its uncompressed size.
   */
  private flatPage(
    page: Uint8Array,
    version: 'v1' | 'v2',
    pageHeader: DataPageHeader | NonNullable<PageHeader['data_page_header_v2']>,
    decode: () => ReturnType<typeof readDataPage>,
  ): FlatPage {
    const { decoder } = this.spec;
    const count = pageHeader.num_values;
    const view = new DataView(page.buffer, page.byteOffset, page.byteLength);
    let offset = 0;
    let levels: Uint8Array | undefined;
    if (version === 'v1') {
      if (this.maxDefinition) {
        const length = view.getUint32(0, true);
        levels = readLevels(view, 4, length, count);
        offset = 4 + length;
      }
    } else {
      const v2 = pageHeader as NonNullable<PageHeader['data_page_header_v2']>;
      const repetition = v2.repetition_levels_byte_length;
      const definition = v2.definition_levels_byte_length;
      if (this.maxDefinition) levels = readLevels(view, repetition, definition, count);
      offset = repetition + definition;
    }
    let present = count;
    if (levels) {
      present = 0;
      for (let i = 0; i < count; i++) if (levels[i] === 1) present++;
      if (present === count) levels = undefined;
    }
    const toText = this.spec.toText;
    const encoding = pageHeader.encoding;
    if (encoding === 'PLAIN_DICTIONARY' || encoding === 'RLE_DICTIONARY') {
      const indexes = new Uint32Array(present);
      const width = page[offset] ?? 0;
      if (present && width) {
        readRleBitPackedHybrid({ view, offset: offset + 1 }, width, indexes, page.length - offset - 1);
      }
      return new IndexPage(count, levels, indexes, this.dictionary as ArrayLike<unknown>);
    }
    if (encoding === 'PLAIN' && (decoder.type === 'BYTE_ARRAY' || decoder.type === 'FIXED_LEN_BYTE_ARRAY')) {
      const fixed = decoder.type === 'FIXED_LEN_BYTE_ARRAY' ? (decoder.element.type_length ?? 0) : undefined;
      if (fixed === 0) throw new ParquetDataError('FIXED_LEN_BYTE_ARRAY without a length');
      const utf8 = decoder.element.converted_type === 'UTF8';
      return new BytesPage(count, levels, page, offset, fixed, utf8 ? undefined : toText);
    }
    const values =
      encoding === 'PLAIN'
        ? readPlain({ view, offset }, decoder.type, present, decoder.element.type_length)
        : decode().dataPage;
    if (values.length !== present) throw new ParquetDataError('a data page holds fewer values than its header says');
    return new ArrayPage(count, levels, convert(values, decoder), toText);
  }

  private checkLevelEncodings(header: DataPageHeader): void {
    if (this.maxRepetition && header.repetition_level_encoding !== 'RLE') {
      throw new UnsupportedParquetFeature(this.spec.column, `${header.repetition_level_encoding ?? 'unknown'} repetition levels are not supported`);
    }
    if (this.maxDefinition && header.definition_level_encoding !== 'RLE') {
      throw new UnsupportedParquetFeature(this.spec.column, `${header.definition_level_encoding ?? 'unknown'} definition levels are not supported`);
    }
  }

  /** Checks the run headers of levels and dictionary indexes in a decompressed v1 page. */
  private checkRunsV1(page: Uint8Array, header: DataPageHeader, boolean: boolean): void {
    const view = new DataView(page.buffer, page.byteOffset, page.byteLength);
    let offset = 0;
    const count = header.num_values;
    const prefixed = (width: number): void => {
      if (offset + 4 > page.length) throw new ParquetDataError('truncated levels in a data page');
      const length = view.getUint32(offset, true);
      offset += 4;
      if (offset + length > page.length) throw new ParquetDataError('levels extend past the end of a data page');
      checkHybridRuns(view, offset, offset + length, width, count);
      offset += length;
    };
    if (this.maxRepetition) prefixed(bitWidth(this.maxRepetition));
    if (this.maxDefinition) prefixed(bitWidth(this.maxDefinition));
    this.checkValueRuns(view, offset, header.encoding, boolean, count, prefixed);
  }

  private checkRunsV2(page: Uint8Array, header: NonNullable<PageHeader['data_page_header_v2']>, boolean: boolean): void {
    const view = new DataView(page.buffer, page.byteOffset, page.byteLength);
    const count = header.num_values;
    const repetition = header.repetition_levels_byte_length;
    const definition = header.definition_levels_byte_length;
    if (this.maxRepetition) checkHybridRuns(view, 0, repetition, bitWidth(this.maxRepetition), count);
    if (this.maxDefinition) checkHybridRuns(view, repetition, repetition + definition, bitWidth(this.maxDefinition), count);
    let offset = repetition + definition;
    const prefixed = (width: number): void => {
      if (offset + 4 > page.length) throw new ParquetDataError('truncated values in a data page');
      const length = view.getUint32(offset, true);
      offset += 4;
      checkHybridRuns(view, offset, Math.min(page.length, offset + length), width, count);
    };
    this.checkValueRuns(view, offset, header.encoding, boolean, count, prefixed);
  }

  private checkValueRuns(
    view: DataView,
    offset: number,
    encoding: string,
    boolean: boolean,
    count: number,
    prefixed: (width: number) => void,
  ): void {
    if (encoding === 'RLE' && boolean) {
      prefixed(1);
    } else if (encoding === 'RLE' || encoding === 'PLAIN_DICTIONARY' || encoding === 'RLE_DICTIONARY') {
      if (offset >= view.byteLength) return; // all values null
      const width = view.getUint8(offset);
      if (width > 32) throw new ParquetDataError('invalid dictionary index width');
      checkHybridRuns(view, offset + 1, view.byteLength, width, count);
    }
  }

  private async readHeader(): Promise<{ header: PageHeader; headerLength: number }> {
    let want = Math.min(HEADER_GUESS, this.spec.end - this.position);
    for (;;) {
      const bytes = await this.bytes(this.position, this.position + want, true);
      const reader = { view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), offset: 0 };
      try {
        const header = parquetHeader(reader);
        return { header, headerLength: reader.offset };
      } catch (error) {
        if (this.position + want >= this.spec.end) {
          throw new ParquetDataError('unreadable page header', { cause: error });
        }
        want = Math.min(want * 4, this.spec.end - this.position);
      }
    }
  }

  /**
   * Bytes [from, to) of the file. With `upTo`, returns whatever the current window holds from
   * `from` (at least to `to`), so a header can be parsed without knowing its size.
   */
  private async bytes(from: number, to: number, upTo = false): Promise<Uint8Array> {
    const bufferEnd = this.bufferStart + this.buffer.length;
    if (from < this.bufferStart || to > bufferEnd) {
      const readEnd = Math.min(this.spec.end, Math.max(to, from + this.spec.windowBytes));
      const length = readEnd - from;
      const buffer = Buffer.allocUnsafeSlow(length);
      let filled = 0;
      while (filled < length) {
        const { bytesRead } = await this.spec.file.read(buffer, filled, length - filled, from + filled);
        if (bytesRead === 0) throw new ParquetDataError('the file ends inside a column chunk (truncated file)');
        filled += bytesRead;
      }
      this.buffer = buffer;
      this.bufferStart = from;
    }
    const start = from - this.bufferStart;
    return this.buffer.subarray(start, upTo ? this.buffer.length : to - this.bufferStart);
  }
}

/** Whether `codec` can expand `compressed` bytes to `uncompressed` (see MAX_EXPANSION). */
function plausibleSize(uncompressed: number, compressed: number, codec: CompressionCodec): boolean {
  if (!Number.isSafeInteger(uncompressed) || uncompressed < 0 || uncompressed > buffer.constants.MAX_LENGTH) return false;
  const ratio = MAX_EXPANSION[codec];
  return ratio === undefined || uncompressed <= compressed * ratio + EXPANSION_SLACK;
}

const bitWidth = (value: number): number => 32 - Math.clz32(value);

/** Decompresses page data; nothing to decompress when the page declares no uncompressed bytes. */
function decompress(data: Uint8Array, uncompressedSize: number, decoder: ColumnDecoder): Uint8Array {
  if (uncompressedSize === 0) return new Uint8Array(0);
  return decompressPage(data, uncompressedSize, decoder.codec, decoder.compressors);
}

/**
 * Walks the run headers of an RLE/bit-packed hybrid sequence and rejects a run longer than the
 * page's value count: the decoder writes such runs into a growing array, so a corrupt length would
 * exhaust memory instead of failing.
 */
function checkHybridRuns(view: DataView, offset: number, end: number, width: number, count: number): void {
  const byteWidth = (width + 7) >> 3;
  let seen = 0;
  while (seen < count && offset < end) {
    let header = 0;
    let shift = 0;
    let byte: number;
    do {
      if (offset >= end) return; // the decoder reports the truncation
      byte = view.getUint8(offset++);
      header += (byte & 0x7f) * 2 ** shift;
      shift += 7;
    } while (byte & 0x80 && shift < 35);
    if (header % 2) {
      const groups = Math.floor(header / 2);
      seen += groups * 8;
      offset += groups * width;
    } else {
      const run = header / 2;
      if (run > count) throw new ParquetDataError('a run of values is longer than its page');
      seen += run;
      offset += byteWidth;
    }
  }
}

/** Reads definition levels of a flat optional column (max level 1) into bytes. */
function readLevels(view: DataView, start: number, length: number, count: number): Uint8Array {
  if (start + length > view.byteLength) throw new ParquetDataError('levels extend past the end of a data page');
  checkHybridRuns(view, start, start + length, 1, count);
  const levels = new Uint8Array(count);
  readRleBitPackedHybrid({ view, offset: start }, 1, levels, length);
  return levels;
}

/** Rows of one page of a flat column, handed out as PostgreSQL text. */
export interface FlatPage {
  /** Rows (values and nulls) in the page. */
  readonly count: number;
  /** Writes the next `n` rows to out[at..at+n). */
  fill(out: (string | null)[], at: number, n: number): void;
}

type ToText = ((value: unknown) => string | null) | undefined;

/** Decoded values in an array (typed or not), converted per slice. */
class ArrayPage implements FlatPage {
  readonly count: number;
  private readonly levels: Uint8Array | undefined;
  private readonly values: ArrayLike<unknown>;
  private readonly toText: ToText;
  private row = 0;
  private next = 0;

  constructor(count: number, levels: Uint8Array | undefined, values: ArrayLike<unknown>, toText: ToText) {
    this.count = count;
    this.levels = levels;
    this.values = values;
    this.toText = toText;
  }

  fill(out: (string | null)[], at: number, n: number): void {
    const { levels, values, toText } = this;
    let row = this.row;
    let next = this.next;
    for (let i = at; i < at + n; i++, row++) {
      if (levels && levels[row] !== 1) {
        out[i] = null;
        continue;
      }
      const value = values[next++];
      out[i] = value === null || value === undefined ? null : toText ? toText(value) : (value as string);
    }
    this.row = row;
    this.next = next;
  }
}

/** Dictionary indexes, looked up per slice in the dictionary (converted to text when it was read). */
class IndexPage implements FlatPage {
  readonly count: number;
  private readonly levels: Uint8Array | undefined;
  private readonly indexes: Uint32Array;
  private readonly dictionary: ArrayLike<unknown>;
  private row = 0;
  private next = 0;

  constructor(count: number, levels: Uint8Array | undefined, indexes: Uint32Array, dictionary: ArrayLike<unknown>) {
    this.count = count;
    this.levels = levels;
    this.indexes = indexes;
    this.dictionary = dictionary;
  }

  fill(out: (string | null)[], at: number, n: number): void {
    const { levels, indexes, dictionary } = this;
    let row = this.row;
    let next = this.next;
    for (let i = at; i < at + n; i++, row++) {
      if (levels && levels[row] !== 1) {
        out[i] = null;
        continue;
      }
      const index = indexes[next++] as number;
      if (index >= dictionary.length) throw new ParquetDataError('a dictionary index is out of range');
      const value = dictionary[index];
      out[i] = value === null || value === undefined ? null : (value as string);
    }
    this.row = row;
    this.next = next;
  }
}

/** PLAIN BYTE_ARRAY / FIXED_LEN_BYTE_ARRAY values read straight from the page bytes per slice. */
class BytesPage implements FlatPage {
  readonly count: number;
  private readonly levels: Uint8Array | undefined;
  private readonly bytes: Buffer;
  private readonly fixed: number | undefined;
  /** Undefined: decode as UTF-8 text. */
  private readonly toText: ToText;
  private row = 0;
  private position: number;

  constructor(count: number, levels: Uint8Array | undefined, page: Uint8Array, offset: number, fixed: number | undefined, toText: ToText) {
    this.count = count;
    this.levels = levels;
    this.bytes = Buffer.from(page.buffer, page.byteOffset, page.byteLength);
    this.position = offset;
    this.fixed = fixed;
    this.toText = toText;
  }

  fill(out: (string | null)[], at: number, n: number): void {
    const { levels, bytes, fixed, toText } = this;
    const end = bytes.length;
    let row = this.row;
    let position = this.position;
    for (let i = at; i < at + n; i++, row++) {
      if (levels && levels[row] !== 1) {
        out[i] = null;
        continue;
      }
      let start = position;
      let length = fixed as number;
      if (fixed === undefined) {
        if (position + 4 > end) throw new ParquetDataError('a value extends past the end of its page');
        length = bytes.readUInt32LE(position);
        start = position + 4;
      }
      position = start + length;
      if (position > end) throw new ParquetDataError('a value extends past the end of its page');
      out[i] = toText ? toText(bytes.subarray(start, position)) : bytes.toString('utf8', start, position);
    }
    this.row = row;
    this.position = position;
  }
}

/** Values of a flat column in row slices, as PostgreSQL text. */
export class FlatCursor {
  private readonly reader: ColumnChunkReader;
  private page: FlatPage | undefined;
  private row = 0;

  constructor(reader: ColumnChunkReader) {
    this.reader = reader;
  }

  async take(count: number): Promise<(string | null)[]> {
    const out: (string | null)[] = new Array(count);
    let filled = 0;
    while (filled < count) {
      let page = this.page;
      if (!page || this.row >= page.count) {
        const next = await this.reader.nextPage();
        if (!next) throw new ParquetDataError('a column chunk holds fewer rows than its row group');
        page = this.page = next as FlatPage;
        this.row = 0;
      }
      const n = Math.min(count - filled, page.count - this.row);
      page.fill(out, filled, n);
      this.row += n;
      filled += n;
      if (this.row >= page.count) this.page = undefined;
    }
    return out;
  }
}

/**
 * Decoded levels and values of one page of a nested column. Rows are assembled from it slice by
 * slice, so only a slice's worth of small arrays is alive at a time.
 */
export interface NestedPage {
  /** Levels (values and nulls) in the page. */
  readonly count: number;
  /** Undefined when every level is at the maximum (no nulls). */
  readonly definition: number[] | undefined;
  /** Empty when the column has no repetition. */
  readonly repetition: number[];
  readonly values: DecodedArray;
  /** Next level and next value to assemble. */
  position: number;
  valuePosition: number;
}

/** Assembled per-row values of one leaf of a nested column, in row slices. */
export class NestedLeafCursor {
  private readonly reader: ColumnChunkReader;
  private readonly schemaPath: ColumnDecoder['schemaPath'];
  private readonly maxDefinition: number;
  private readonly repeated: boolean;
  private page: NestedPage | undefined;

  constructor(reader: ColumnChunkReader, schemaPath: ColumnDecoder['schemaPath']) {
    this.reader = reader;
    this.schemaPath = schemaPath;
    this.maxDefinition = getMaxDefinitionLevel(schemaPath);
    this.repeated = getMaxRepetitionLevel(schemaPath) > 0;
  }

  private async nextPage(): Promise<NestedPage | null> {
    const page = (await this.reader.nextPage()) as NestedPage | null;
    this.page = page ?? undefined;
    return page;
  }

  async take(count: number): Promise<unknown[]> {
    // Levels of whole rows only: a row split across pages is gathered before it is assembled
    // (hyparquet cannot continue a row of a top-level repeated field).
    const definition: number[] = [];
    const repetition: number[] = [];
    const values: unknown[] = [];
    let rows = 0;
    for (;;) {
      let page = this.page;
      if (!page || page.position >= page.count) page = (await this.nextPage()) ?? undefined;
      if (!page) break;
      // A row starts at every repetition level 0; levels before the first one continue the last row.
      let end = page.position;
      if (this.repeated) {
        while (end < page.count) {
          if (page.repetition[end] === 0) {
            if (rows === count) break;
            rows++;
          }
          end++;
        }
      } else {
        end = Math.min(page.count, page.position + count - rows);
        rows += end - page.position;
      }
      this.gather(page, end, definition, repetition, values);
      // Done at a row start inside the page; at a page end, a repeated row may go on in the next page.
      if (end < page.count || (rows === count && !this.repeated)) break;
    }
    if (rows < count) throw new ParquetDataError('a column chunk holds fewer rows than its row group');
    if (!definition.length) return [];
    const assembled = assembleLists([], definition, this.repeated ? repetition : [], values, this.schemaPath);
    if (assembled.length !== count) throw new ParquetDataError('nested values could not be assembled');
    return assembled as unknown[];
  }

  /** Appends levels [page.position, end) and their values, and advances the page. */
  private gather(page: NestedPage, end: number, definition: number[], repetition: number[], values: unknown[]): void {
    const start = page.position;
    let present = 0;
    for (let i = start; i < end; i++) {
      const level = page.definition ? (page.definition[i] as number) : this.maxDefinition;
      definition.push(level);
      if (level === this.maxDefinition) present++;
      if (this.repeated) repetition.push(page.repetition[i] as number);
    }
    if (page.valuePosition + present > page.values.length) {
      throw new ParquetDataError('a data page holds fewer values than its levels say');
    }
    for (let i = 0; i < present; i++) values.push(page.values[page.valuePosition + i]);
    page.position = end;
    page.valuePosition += present;
  }
}
