// Pins the behaviour of every hyparquet internal Keyload imports (hyparquet-internals.ts) on known
// inputs: pages of tiny files written by hyparquet-writer (DATA_PAGE_V2) and DuckDB (DATA_PAGE),
// bytes built by hand, and schema trees from hyparquet's public parquetMetadata/parquetSchema.
// A failure here after a hyparquet upgrade means the page-level reader must be revisited.
import { readFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { parquetMetadata, parquetSchema, type FileMetaData, type PageHeader, type SchemaTree } from 'hyparquet';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openDuck, sqlPath, tempDir } from '../../../../test/fixtures/parquet-helpers.ts';
import {
  assembleLists,
  assembleNested,
  convert,
  convertWithDictionary,
  decompressPage,
  DEFAULT_PARSERS,
  getMaxDefinitionLevel,
  getMaxRepetitionLevel,
  getTreePath,
  parquetHeader,
  readDataPage,
  readDataPageV2,
  readPlain,
  readRleBitPackedHybrid,
  type ColumnDecoder,
} from './hyparquet-internals.ts';
import { compressors } from './parquet-column-reader.ts';

const utf8 = new TextEncoder();
const text = new TextDecoder();
const bytesOf = (values: number[]) => Uint8Array.from(values);
const readerOf = (bytes: Uint8Array, offset = 0) => ({ view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), offset });
const strings = (values: ArrayLike<unknown>) => Array.from(values, (v) => (v instanceof Uint8Array ? text.decode(v) : v));

interface Page {
  header: PageHeader;
  headerLength: number;
  body: Uint8Array;
}

interface ParquetFile {
  bytes: Uint8Array;
  metadata: FileMetaData;
  root: SchemaTree;
}

function parquetFile(buffer: ArrayBuffer): ParquetFile {
  const metadata = parquetMetadata(buffer);
  return { bytes: new Uint8Array(buffer), metadata, root: parquetSchema(metadata) };
}

function chunkOf(file: ParquetFile, path: string[]) {
  const chunk = file.metadata.row_groups[0]?.columns.find((c) => c.meta_data?.path_in_schema.join('.') === path.join('.'));
  if (!chunk?.meta_data) throw new Error(`no column chunk ${path.join('.')}`);
  return chunk.meta_data;
}

/** Every page of a column chunk of the first row group, split with parquetHeader. */
function pagesOf(file: ParquetFile, path: string[]): Page[] {
  const meta = chunkOf(file, path);
  const start = Number(meta.dictionary_page_offset ?? meta.data_page_offset);
  const end = start + Number(meta.total_compressed_size);
  const pages: Page[] = [];
  for (let offset = start; offset < end; ) {
    const reader = readerOf(file.bytes, offset);
    const header = parquetHeader(reader);
    pages.push({ header, headerLength: reader.offset - offset, body: file.bytes.subarray(reader.offset, reader.offset + header.compressed_page_size) });
    offset = reader.offset + header.compressed_page_size;
    if (offset > end) throw new Error('a page runs past its column chunk');
  }
  return pages;
}

function decoderOf(file: ParquetFile, path: string[], utf8Text = false): ColumnDecoder {
  const schemaPath = getTreePath(file.root, path);
  const element = (schemaPath[schemaPath.length - 1] as SchemaTree).element;
  const meta = chunkOf(file, path);
  return { pathInSchema: path, type: meta.type, element, schemaPath, codec: meta.codec, parsers: DEFAULT_PARSERS, compressors, utf8: utf8Text };
}

const COLOURS = ['red', 'green', 'blue'];

// hyparquet-writer writes DATA_PAGE_V2 pages.
const writerFile = () =>
  parquetFile(
    parquetWriteBuffer({
      codec: 'UNCOMPRESSED',
      statistics: false,
      columnData: [
        { name: 'id', data: Int32Array.from([1, 2, 3]), type: 'INT32', nullable: false },
        { name: 'name', data: ['ann', null, 'cé'], type: 'STRING' },
      ],
    }),
  );
/** Repeated values: written as a dictionary page and an RLE_DICTIONARY data page. */
const colourFile = (codec: 'UNCOMPRESSED' | 'SNAPPY') =>
  parquetFile(
    parquetWriteBuffer({
      codec,
      statistics: false,
      columnData: [{ name: 'tag', data: Array.from({ length: 40 }, (_, i) => COLOURS[i % 3] ?? null), type: 'STRING' }],
    }),
  );

let duckFile: ParquetFile;
let dir: Awaited<ReturnType<typeof tempDir>> | undefined;

beforeAll(async () => {
  // DuckDB writes DATA_PAGE (v1) pages: a flat text column, a list and a struct.
  const duck = await openDuck();
  dir = await tempDir();
  try {
    const path = dir.file('duck.parquet');
    await duck.run(`COPY (SELECT * FROM (VALUES
        (1, 'ann', [1, 2], {'x': 1, 'y': 'p'}),
        (2, NULL, [], NULL),
        (3, 'cé', NULL, {'x': NULL, 'y': 'q'}),
        (4, 'ann', [NULL], {'x': 4, 'y': NULL})) t(id, name, tags, s))
      TO ${sqlPath(path)} (FORMAT parquet, COMPRESSION uncompressed)`);
    const bytes = await readFile(path);
    duckFile = parquetFile(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  } finally {
    duck.close();
  }
});
afterAll(() => dir?.remove());

describe('parquetHeader', () => {
  test('reads a DATA_PAGE_V2 header written by hyparquet-writer and leaves the reader at the page body', () => {
    const file = writerFile();
    const [page, ...more] = pagesOf(file, ['id']);
    expect(more).toEqual([]);
    expect(page?.header).toMatchObject({
      type: 'DATA_PAGE_V2',
      uncompressed_page_size: 12,
      compressed_page_size: 12,
      data_page_header_v2: {
        num_values: 3,
        num_nulls: 0,
        num_rows: 3,
        encoding: 'PLAIN',
        definition_levels_byte_length: 0,
        repetition_levels_byte_length: 0,
        is_compressed: true,
      },
    });
    // Header plus body fill the column chunk exactly.
    expect((page?.headerLength ?? 0) + 12).toBe(Number(chunkOf(file, ['id']).total_compressed_size));
    expect(Array.from(page?.body ?? [])).toEqual([1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0]);
  });

  test('reads DuckDB DATA_PAGE headers and a dictionary page header', () => {
    const [page] = pagesOf(duckFile, ['name']);
    expect(page?.header).toMatchObject({
      type: 'DATA_PAGE',
      data_page_header: { num_values: 4, encoding: 'PLAIN', definition_level_encoding: 'RLE', repetition_level_encoding: 'RLE' },
    });
    const [dictionary, data] = pagesOf(colourFile('UNCOMPRESSED'), ['tag']);
    expect(dictionary?.header).toMatchObject({ type: 'DICTIONARY_PAGE', dictionary_page_header: { num_values: 3, encoding: 'PLAIN' } });
    expect(data?.header).toMatchObject({ type: 'DATA_PAGE_V2', data_page_header_v2: { num_values: 40, encoding: 'RLE_DICTIONARY' } });
  });

  test('throws on bytes that are not a page header', () => {
    expect(() => parquetHeader(readerOf(bytesOf([0xff, 0xff, 0xff])))).toThrow();
  });
});

describe('decompressPage', () => {
  test('returns UNCOMPRESSED bytes as they are', () => {
    const bytes = bytesOf([1, 2, 3]);
    expect(Array.from(decompressPage(bytes, 3, 'UNCOMPRESSED', compressors))).toEqual([1, 2, 3]);
  });

  test('decodes hand-built snappy (built in) and gzip (through the given compressors)', () => {
    // Snappy: varint length 5, literal tag (5 - 1) << 2, the bytes.
    expect(text.decode(decompressPage(bytesOf([5, 16, ...utf8.encode('hello')]), 5, 'SNAPPY', compressors))).toBe('hello');
    const data = utf8.encode('keyload '.repeat(50));
    expect(text.decode(decompressPage(gzipSync(data), data.length, 'GZIP', compressors))).toBe('keyload '.repeat(50));
  });

  test('a SNAPPY page of hyparquet-writer decompresses to the UNCOMPRESSED page', () => {
    const plain = pagesOf(colourFile('UNCOMPRESSED'), ['tag'])[0];
    const snappy = pagesOf(colourFile('SNAPPY'), ['tag'])[0];
    if (!plain || !snappy) throw new Error('missing pages');
    expect(snappy.header.compressed_page_size).not.toBe(snappy.header.uncompressed_page_size);
    expect(Array.from(decompressPage(snappy.body, snappy.header.uncompressed_page_size, 'SNAPPY', compressors))).toEqual(Array.from(plain.body));
  });
});

describe('readDataPageV2', () => {
  test('decodes definition levels and PLAIN values of an optional column written by hyparquet-writer', () => {
    const file = writerFile();
    const [page] = pagesOf(file, ['name']);
    if (!page) throw new Error('missing page');
    const decoded = readDataPageV2(page.body, page.header, decoderOf(file, ['name']));
    expect(decoded.definitionLevels).toEqual([1, 0, 1]);
    expect(decoded.repetitionLevels).toEqual([]);
    expect(strings(decoded.dataPage)).toEqual(['ann', 'cé']);
  });
});

describe('readDataPage', () => {
  test('decodes a flat optional column written by DuckDB', () => {
    const [page] = pagesOf(duckFile, ['name']);
    if (!page?.header.data_page_header) throw new Error('missing page');
    const decoded = readDataPage(page.body, page.header.data_page_header, decoderOf(duckFile, ['name']));
    expect(decoded.definitionLevels).toEqual([1, 0, 1, 1]);
    expect(decoded.repetitionLevels).toEqual([]);
    expect(strings(decoded.dataPage)).toEqual(['ann', 'cé', 'ann']);
  });

  test('decodes repetition and definition levels of a list column written by DuckDB', () => {
    const [page] = pagesOf(duckFile, ['tags', 'list', 'element']);
    if (!page?.header.data_page_header) throw new Error('missing page');
    const decoded = readDataPage(page.body, page.header.data_page_header, decoderOf(duckFile, ['tags', 'list', 'element']));
    // Rows [1, 2], [], NULL, [NULL]: the levels of the Dremel encoding.
    expect(decoded.repetitionLevels).toEqual([0, 1, 0, 0, 0]);
    expect(decoded.definitionLevels).toEqual([3, 3, 1, 0, 2]);
    expect(Array.from(decoded.dataPage)).toEqual([1, 2]);
  });
});

describe('readRleBitPackedHybrid', () => {
  // One bit-packed group of 0..7 at width 3 (header 1 group: 0b11), then an RLE run of five 4s
  // (header 5 << 1).
  const runs = [0x03, 0x88, 0xc6, 0xfa, 0x0a, 0x04];
  const expected = [0, 1, 2, 3, 4, 5, 6, 7, 4, 4, 4, 4, 4];

  test('decodes bit-packed and RLE runs of a given byte length into a typed array', () => {
    const output = new Uint32Array(expected.length);
    const reader = readerOf(bytesOf(runs));
    readRleBitPackedHybrid(reader, 3, output, runs.length);
    expect(Array.from(output)).toEqual(expected);
    expect(reader.offset).toBe(runs.length);
  });

  test('reads a 4-byte length prefix when no length is given', () => {
    const output = new Uint8Array(expected.length);
    const reader = readerOf(bytesOf([runs.length, 0, 0, 0, ...runs]));
    readRleBitPackedHybrid(reader, 3, output);
    expect(Array.from(output)).toEqual(expected);
    expect(reader.offset).toBe(4 + runs.length);
  });

  test('decodes width-1 definition levels as DuckDB writes them', () => {
    const [page] = pagesOf(duckFile, ['name']);
    if (!page) throw new Error('missing page');
    const length = new DataView(page.body.buffer, page.body.byteOffset).getUint32(0, true);
    const levels = new Uint8Array(4);
    readRleBitPackedHybrid(readerOf(page.body, 4), 1, levels, length);
    expect(Array.from(levels)).toEqual([1, 0, 1, 1]);
  });
});

describe('readPlain', () => {
  test('reads each physical type from hand-built little-endian bytes and advances the reader', () => {
    const int32 = readerOf(bytesOf([1, 0, 0, 0, 0xfe, 0xff, 0xff, 0xff]));
    expect(readPlain(int32, 'INT32', 2, undefined)).toEqual(Int32Array.from([1, -2]));
    expect(int32.offset).toBe(8);
    expect(readPlain(readerOf(bytesOf([0, 0, 0, 0, 0, 1, 0, 0])), 'INT64', 1, undefined)).toEqual(BigInt64Array.from([2n ** 40n]));
    expect(Array.from(readPlain(readerOf(bytesOf([0b101])), 'BOOLEAN', 3, undefined))).toEqual([true, false, true]);
    const double = new Uint8Array(new Float64Array([1.5]).buffer);
    expect(Array.from(readPlain(readerOf(double), 'DOUBLE', 1, undefined))).toEqual([1.5]);
    const byteArrays = readerOf(bytesOf([2, 0, 0, 0, ...utf8.encode('hi'), 0, 0, 0, 0]));
    expect(strings(readPlain(byteArrays, 'BYTE_ARRAY', 2, undefined))).toEqual(['hi', '']);
    expect(byteArrays.offset).toBe(10);
    expect(strings(readPlain(readerOf(utf8.encode('abcd')), 'FIXED_LEN_BYTE_ARRAY', 2, 2))).toEqual(['ab', 'cd']);
  });

  test('reads INT96 as one bigint of Julian day and nanoseconds', () => {
    // 5 ns into Julian day 2440589 (1970-01-02): 8 bytes of nanoseconds, then 4 bytes of day.
    const int96 = readPlain(readerOf(bytesOf([5, 0, 0, 0, 0, 0, 0, 0, 0x8d, 0x3d, 0x25, 0])), 'INT96', 1, undefined);
    expect(Array.from(int96)).toEqual([(2440589n << 64n) | 5n]);
  });
});

describe('convert', () => {
  const decoder = (element: ColumnDecoder['element'], parsers = DEFAULT_PARSERS): ColumnDecoder => ({
    pathInSchema: [element.name],
    type: element.type ?? 'BYTE_ARRAY',
    element,
    schemaPath: [],
    codec: 'UNCOMPRESSED',
    parsers,
    utf8: false,
  });

  test('decodes UTF8 byte arrays to strings and leaves unannotated byte arrays as bytes', () => {
    const values = [utf8.encode('cé'), utf8.encode('')];
    expect(convert(values, decoder({ name: 'a', type: 'BYTE_ARRAY', converted_type: 'UTF8' }))).toEqual(['cé', '']);
    expect(convert(values, decoder({ name: 'b', type: 'BYTE_ARRAY' }))).toBe(values);
  });

  test('returns unannotated numbers untouched', () => {
    const ints = BigInt64Array.from([1n, -1n]);
    expect(convert(ints, decoder({ name: 'i', type: 'INT64' }))).toBe(ints);
  });

  test('turns INT96 into nanoseconds since the epoch through the timestampFromNanoseconds parser', () => {
    const parsers = { ...DEFAULT_PARSERS, timestampFromNanoseconds: (nanos: bigint) => nanos };
    expect(convert([(2440589n << 64n) | 5n], decoder({ name: 't', type: 'INT96' }, parsers))).toEqual([86_400_000_000_005n]);
  });
});

describe('convertWithDictionary', () => {
  test('looks dictionary indexes up, and converts like convert without a dictionary', () => {
    const decoder = decoderOf(writerFile(), ['name']);
    // Indexes as readDataPage returns them (a plain array), replaced in place by their values.
    const indexes = [2, 0, 1, 1];
    const values = convertWithDictionary(indexes, ['a', 'b', 'c'], 'RLE_DICTIONARY', decoder);
    expect(values).toEqual(['c', 'a', 'b', 'b']);
    expect(values).toBe(indexes);
    // Uint8Array indexes into a string dictionary come back as an array of strings.
    expect(convertWithDictionary(Uint8Array.from([1, 0]), ['a', 'b'], 'PLAIN_DICTIONARY', decoder)).toEqual(['b', 'a']);
    expect(convertWithDictionary([utf8.encode('x')], undefined, 'PLAIN', decoder)).toEqual(['x']);
  });

  test('decodes a real dictionary page and its RLE_DICTIONARY data page back to the written strings', () => {
    const file = colourFile('UNCOMPRESSED');
    const [dictionaryPage, dataPage] = pagesOf(file, ['tag']);
    if (!dictionaryPage?.header.dictionary_page_header || !dataPage) throw new Error('missing pages');
    const decoder = decoderOf(file, ['tag']);
    const dictionary = convert(readPlain(readerOf(dictionaryPage.body), 'BYTE_ARRAY', dictionaryPage.header.dictionary_page_header.num_values, undefined), decoder);
    expect(dictionary).toEqual(COLOURS);
    const decoded = readDataPageV2(dataPage.body, dataPage.header, decoder);
    const values = convertWithDictionary(decoded.dataPage, dictionary, 'RLE_DICTIONARY', decoder);
    expect(values).toEqual(Array.from({ length: 40 }, (_, i) => COLOURS[i % 3]));
  });
});

describe('schema paths and levels', () => {
  test('getTreePath walks the public schema tree from the root to a leaf', () => {
    const path = getTreePath(duckFile.root, ['tags', 'list', 'element']);
    expect(path.map((node) => node.element.name)).toEqual(['duckdb_schema', 'tags', 'list', 'element']);
    expect(path.at(-1)?.path).toEqual(['tags', 'list', 'element']);
    expect(() => getTreePath(duckFile.root, ['tags', 'nope'])).toThrow(/not found/);
  });

  test('getMaxDefinitionLevel and getMaxRepetitionLevel count optional and repeated ancestors', () => {
    const levels = (file: ParquetFile, path: string[]) => {
      const schemaPath = getTreePath(file.root, path);
      return [getMaxDefinitionLevel(schemaPath), getMaxRepetitionLevel(schemaPath)];
    };
    expect(levels(duckFile, ['tags', 'list', 'element'])).toEqual([3, 1]);
    expect(levels(duckFile, ['s', 'x'])).toEqual([2, 0]);
    expect(levels(duckFile, ['name'])).toEqual([1, 0]);
    expect(levels(writerFile(), ['id'])).toEqual([0, 0]);
  });
});

/** Levels and values of a DuckDB leaf, assembled per row. */
function assembledLeaf(path: string[], utf8Text = false): unknown[] {
  const [page] = pagesOf(duckFile, path);
  if (!page?.header.data_page_header) throw new Error('missing page');
  const decoder = decoderOf(duckFile, path, utf8Text);
  const decoded = readDataPage(page.body, page.header.data_page_header, decoder);
  const values = convert(decoded.dataPage, decoder);
  return assembleLists([], decoded.definitionLevels, decoded.repetitionLevels, values, decoder.schemaPath) as unknown[];
}

describe('assembleLists', () => {
  test('rebuilds rows of a list column from Dremel levels, one wrapping array per optional level', () => {
    expect(assembledLeaf(['tags', 'list', 'element'])).toEqual([[[1, 2]], [[]], [], [[null]]]);
  });

  test('gives a flat optional leaf inside a struct one array level per optional ancestor', () => {
    expect(assembledLeaf(['s', 'x'])).toEqual([[1], [], [null], [4]]);
  });
});

describe('assembleNested', () => {
  test('unwraps a list column into one array per row (undefined for NULL)', () => {
    const data = new Map([['tags.list.element', assembledLeaf(['tags', 'list', 'element'])]]);
    assembleNested(data, getTreePath(duckFile.root, ['tags']).at(-1) as SchemaTree, DEFAULT_PARSERS, 0);
    expect([...data.keys()]).toEqual(['tags']);
    expect(data.get('tags')).toEqual([[1, 2], [], undefined, [null]]);
  });

  test('turns struct leaves into one object per row (undefined for NULL)', () => {
    const data = new Map([
      ['s.x', assembledLeaf(['s', 'x'])],
      ['s.y', assembledLeaf(['s', 'y'])],
    ]);
    assembleNested(data, getTreePath(duckFile.root, ['s']).at(-1) as SchemaTree, DEFAULT_PARSERS, 0);
    expect([...data.keys()]).toEqual(['s']);
    expect(data.get('s')).toEqual([{ x: 1, y: 'p' }, undefined, { x: null, y: 'q' }, { x: 4, y: null }]);
  });
});

describe('DEFAULT_PARSERS', () => {
  test('has exactly the parsers Keyload spreads and overrides', () => {
    expect(Object.keys(DEFAULT_PARSERS).sort()).toEqual([
      'dateFromDays',
      'geographyFromBytes',
      'geometryFromBytes',
      'jsonFromBytes',
      'stringFromBytes',
      'timestampFromMicroseconds',
      'timestampFromMilliseconds',
      'timestampFromNanoseconds',
      'uuidFromBytes',
    ]);
  });

  test('decodes UTF-8 text and turns epoch counts into Dates', () => {
    expect(DEFAULT_PARSERS.stringFromBytes(utf8.encode('Kraków'))).toBe('Kraków');
    expect(DEFAULT_PARSERS.timestampFromMilliseconds(3n)).toEqual(new Date(3));
    expect(DEFAULT_PARSERS.timestampFromMicroseconds(2000n)).toEqual(new Date(2));
    expect(DEFAULT_PARSERS.timestampFromNanoseconds(1_000_000n)).toEqual(new Date(1));
    expect(DEFAULT_PARSERS.dateFromDays(1)).toEqual(new Date(86_400_000));
  });
});
