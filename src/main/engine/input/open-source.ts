// Opens any supported file as a RowSource, choosing the reader from the file's content.
import { openCsvSource } from './csv-source.ts';
import { detectFileType } from './detect.ts';
import type { OpenSourceOptions, RowSource } from './source.ts';

export async function openSource(path: string, options: OpenSourceOptions = {}): Promise<RowSource> {
  const detected = await detectFileType(path, options.fileType);
  if (detected.type !== 'parquet') return openCsvSource(path, { gzip: detected.gzip }, options);
  // Loaded on first use: the Parquet reader and its codecs are 50 ms of a reader worker's start.
  const { openParquetSource } = await import('./parquet-source.ts');
  return openParquetSource(path, options);
}
