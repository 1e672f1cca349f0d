// Files screen: add files, see what Keyload detected in each, and set the load order.
import { useDraft } from '../../draft/draft-context.tsx';
import { ErrorNotice } from '../../ui/error-notice.tsx';
import { Loading } from '../../ui/states.tsx';
import { DropZone } from './drop-zone.tsx';
import { FileList } from './file-list.tsx';
import { useAddFiles } from './use-add-files.ts';
import { plural } from '../../../shared/plural.ts';

export function FilesScreen({ onContinue }: { onContinue: () => void }) {
  const { files, overrides } = useDraft();
  const addFiles = useAddFiles();
  return (
    <>
      <header className="screen-header">
        <h1 tabIndex={-1}>Files</h1>
        <p className="muted">CSV and Parquet files to load; the format of each is detected from its content, and can be changed per file.</p>
      </header>
      <DropZone onFiles={(added) => addFiles.mutate(added)} />
      {addFiles.isPending && <Loading>Inspecting {plural(addFiles.variables.length, 'file')}…</Loading>}
      <ErrorNotice error={addFiles.error} onDismiss={addFiles.reset} title="Could not add the files" />
      <FileList files={files} overrides={overrides} />
      {files.length > 0 && (
        <div className="screen-actions">
          <button type="button" className="button-primary" onClick={onContinue}>
            Continue to target and mapping
          </button>
        </div>
      )}
    </>
  );
}
