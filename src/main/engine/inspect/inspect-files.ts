// What a file is (format, dialect, columns) and its first rows as a load would read them, for the
// app's Files screen. Both read in the reader workers, so a big file never blocks the caller.
import { stat } from 'node:fs/promises';
import type { FileInspection, FilePreview } from '../../../shared/ipc/contract.ts';
import type { FileOverrides } from '../../../shared/load-options.ts';
import { toErrorInfo } from '../error-info.ts';
import { sourceOptions } from '../input/source-options.ts';
import type { SourceDescription } from '../input/source.ts';
import { mapLimit } from '../load/runtime/concurrency.ts';
import { listFiles } from '../load/file-list.ts';
import { ReaderClient } from '../reader/reader-client.ts';

const delimiterNames: Record<string, string> = { ',': 'comma', ';': 'semicolon', '\t': 'tab', '|': 'pipe' };

export function describeFormat(description: SourceDescription): string {
  const dialect = description.dialect;
  if (description.type === 'parquet') return ['Parquet', description.details].filter(Boolean).join(', ');
  if (!dialect) return 'CSV';
  return [
    description.gzip ? 'CSV (gzip)' : 'CSV',
    `${delimiterNames[dialect.delimiter] ?? dialect.delimiter}-separated`,
    `${dialect.encoding}${dialect.bom ? ' with BOM' : ''}`,
    ...(dialect.escape !== dialect.quote ? [`${dialect.escape} escapes`] : []),
    dialect.hasHeader ? 'header row' : 'no header',
    dialect.lineEnding === '\r\n' ? 'CRLF' : 'LF',
  ].join(', ');
}

export async function inspectFile(path: string, overrides: FileOverrides = {}): Promise<FileInspection> {
  const reader = new ReaderClient(path);
  try {
    const info = await reader.open(sourceOptions(overrides), false);
    return { path, sizeBytes: info.totalBytes, rowEstimate: info.rowEstimate, format: describeFormat(info.description), type: info.description.type, columns: info.columns, error: null };
  } catch (error) {
    const size = await stat(path).then((s) => s.size, () => 0);
    return { path, sizeBytes: size, rowEstimate: null, format: 'unreadable', type: null, columns: [], error: toErrorInfo(error, path) };
  } finally {
    await reader.close();
  }
}

export async function previewFile(path: string, overrides: FileOverrides = {}): Promise<FilePreview> {
  const reader = new ReaderClient(path);
  try {
    const preview = await reader.preview(sourceOptions(overrides));
    return { path, format: describeFormat(preview.description), columns: preview.columns, rows: preview.rows, lines: preview.lines, invalidCells: preview.invalidCells, error: null };
  } catch (error) {
    return { path, format: 'unreadable', columns: [], rows: [], lines: [], invalidCells: [], error: toErrorInfo(error, path) };
  } finally {
    await reader.close();
  }
}

/** Every file of `paths` (directories expand in name order, as the CLI does), a few at a time. */
export async function inspectFiles(paths: string[], overrides: Record<string, FileOverrides>): Promise<FileInspection[]> {
  const files = await listFiles(paths, 'given');
  return mapLimit(files, 4, (path) => inspectFile(path, overrides[path]));
}
