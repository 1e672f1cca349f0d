// How to open one file of a load: the CSV options for all files and --file-type, then the file's
// own overrides.
import type { LoadOptions } from '../../../shared/load-options.ts';
import { sourceOptions } from '../input/source-options.ts';
import type { OpenSourceOptions, ReaderLimits } from '../input/source.ts';

export type FileOpenOptions = Partial<Pick<LoadOptions, 'fileType' | 'fileOverrides' | 'csv' | 'stallTimeoutSeconds' | 'maxDecompressedBytes'>>;

export function openOptions(options: FileOpenOptions, path: string): OpenSourceOptions {
  const { stallTimeoutSeconds, maxDecompressedBytes } = options;
  const limits: Partial<ReaderLimits> = {
    ...(stallTimeoutSeconds !== undefined ? { stallTimeoutMs: stallTimeoutSeconds * 1000 } : {}),
    ...(maxDecompressedBytes !== undefined ? { maxDecompressedBytes } : {}),
  };
  const open = sourceOptions(options.fileOverrides?.[path] ?? {}, options.csv, options.fileType);
  return Object.keys(limits).length > 0 ? { ...open, limits } : open;
}
