// How to open one file of a load: the CSV options for all files and --file-type, then the file's
// own overrides.
import type { LoadOptions } from '../../../shared/load-options.ts';
import { sourceOptions } from '../input/source-options.ts';
import type { OpenSourceOptions } from '../input/source.ts';

export type FileOpenOptions = Partial<Pick<LoadOptions, 'fileType' | 'fileOverrides' | 'csv'>>;

export function openOptions(options: FileOpenOptions, path: string): OpenSourceOptions {
  return sourceOptions(options.fileOverrides?.[path] ?? {}, options.csv, options.fileType);
}
