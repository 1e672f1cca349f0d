// files.inspect: what each file is (format, dialect, columns); files.preview: its first rows as the
// load would read them; files.proposeColumns: the columns "Create new table" would make.
import { inspectFiles, listFiles, previewFile, proposeColumns } from '../../engine/index.ts';
import type { HandlerImpls } from '../dispatch.ts';

export function fileHandlers(): Pick<HandlerImpls, 'files.inspect' | 'files.preview' | 'files.proposeColumns'> {
  return {
    'files.inspect': ({ paths, overrides }) => inspectFiles(paths, overrides),
    'files.preview': ({ path, overrides }) => previewFile(path, overrides),
    // The same proposal that planning creates the table from.
    'files.proposeColumns': async ({ paths, overrides }) => proposeColumns(await listFiles(paths, 'given'), { fileOverrides: overrides }),
  };
}
