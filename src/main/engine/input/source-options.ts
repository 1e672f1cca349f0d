// How to open one file, from the options as front ends give them: the CSV options for all files,
// then the file's own overrides (which win), split into the dialect and the value options.
import type { CsvOptions, FileOverrides } from '../../../shared/load-options.ts';
import type { CsvDialect, CsvValueOptions, FileType, OpenSourceOptions } from './source.ts';

export function sourceOptions(overrides: FileOverrides, forAllFiles: CsvOptions = {}, fileType?: FileType): OpenSourceOptions {
  const { fileType: ownType, delimiter, quote, escape, encoding, hasHeader, nullString, dateFormat, timeZone, decimalComma, trim } = { ...forAllFiles, ...overrides };
  const dialect: Partial<CsvDialect> = defined({ delimiter, quote, escape, encoding, hasHeader });
  const values: CsvValueOptions = defined({ nullString, dateFormat, timeZone, decimalComma, trim });
  const type = ownType ?? fileType;
  return {
    ...(type ? { fileType: type } : {}),
    ...(Object.keys(dialect).length > 0 ? { dialect } : {}),
    ...(Object.keys(values).length > 0 ? { values } : {}),
  };
}

/** The object without its undefined properties, so that an empty one means nothing was set. */
type Defined<T> = { [K in keyof T]?: Exclude<T[K], undefined> };

function defined<T extends object>(object: T): Defined<T> {
  // Object.entries forgets the keys' types; filtering keeps a subset of the same properties.
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as Defined<T>;
}
