// The only door to hyparquet's private modules (hyparquet/src/*.js). Keyload decodes Parquet page
// by page (parquet-column-reader.ts) to keep memory bounded and values exact, and that needs
// hyparquet's page-level functions, which its public API (parquetRead, parquetMetadata, ...) does
// not export. They are re-exported here and imported nowhere else, and hyparquet-internals.test.ts pins the
// behaviour of each one on known inputs, so an upgrade that moves, renames or changes one fails
// loudly in this one place instead of as wrong values somewhere in a load.
export { assembleLists, assembleNested } from 'hyparquet/src/assemble.js';
export { parquetHeader } from 'hyparquet/src/column.js';
export { convert, convertWithDictionary, DEFAULT_PARSERS } from 'hyparquet/src/convert.js';
export { decompressPage, readDataPage, readDataPageV2 } from 'hyparquet/src/datapage.js';
export { readRleBitPackedHybrid } from 'hyparquet/src/encoding.js';
export { readPlain } from 'hyparquet/src/plain.js';
export { getMaxDefinitionLevel, getMaxRepetitionLevel, getTreePath } from 'hyparquet/src/schema.js';
import type { readDataPage } from 'hyparquet/src/datapage.js';

/** What the page decoders need to know about a column (hyparquet does not export the type). */
export type ColumnDecoder = Parameters<typeof readDataPage>[2];
