// Opens any supported file as a RowSource, choosing the reader from the file's content.
import { openCsvSource } from './csv-source.ts';
import { detectFileType } from './detect.ts';
import { openParquetSource } from './parquet-source.ts';
import type { OpenSourceOptions, RowSource } from './source.ts';

export async function openSource(path: string, options: OpenSourceOptions = {}): Promise<RowSource> {
  const detected = await detectFileType(path, options.fileType);
  return detected.type === 'parquet' ? openParquetSource(path, options) : openCsvSource(path, { gzip: detected.gzip }, options);
}
