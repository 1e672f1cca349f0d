// The only door to hyparquet's private modules (hyparquet/src/*.js). Keyload decodes Parquet page
// by page (parquet-column-reader.ts) to keep memory bounded and values exact, and that needs
// hyparquet's page-level functions, which its public API (parquetRead, parquetMetadata, ...) does
// not export. They are imported here and nowhere else, and hyparquet-internals.test.ts pins the
// behaviour of each one on known inputs, so an upgrade that moves, renames or changes one fails
// loudly in this one place instead of as wrong values somewhere in a load.
import { assembleLists, assembleNested } from 'hyparquet/src/assemble.js';
import { parquetHeader } from 'hyparquet/src/column.js';
import { convert, convertWithDictionary, DEFAULT_PARSERS } from 'hyparquet/src/convert.js';
import { decompressPage, readDataPage, readDataPageV2 } from 'hyparquet/src/datapage.js';
import { readRleBitPackedHybrid } from 'hyparquet/src/encoding.js';
import { readPlain } from 'hyparquet/src/plain.js';
import { getMaxDefinitionLevel, getMaxRepetitionLevel, getTreePath } from 'hyparquet/src/schema.js';

export {
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
};

/** What the page decoders need to know about a column (hyparquet does not export the type). */
export type ColumnDecoder = Parameters<typeof readDataPage>[2];
