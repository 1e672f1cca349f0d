// How to open one file of a load: --file-type for all, then the file's own overrides.
import type { LoadOptions } from '../../../shared/load-options.ts';
import type { OpenSourceOptions } from '../input/source.ts';

export type FileOpenOptions = Partial<Pick<LoadOptions, 'fileType' | 'fileOverrides'>>;

export function openOptions(options: FileOpenOptions, path: string): OpenSourceOptions {
  const { fileType, ...dialect } = options.fileOverrides?.[path] ?? {};
  const type = fileType ?? options.fileType;
  return { ...(type ? { fileType: type } : {}), ...(Object.keys(dialect).length > 0 ? { dialect } : {}) };
}
