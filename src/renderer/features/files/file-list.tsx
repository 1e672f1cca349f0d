// The files in load order. Virtualized: a load can have hundreds of files.
import { useId, useState } from 'react';
import type { FileInspection } from '../../../shared/ipc/contract.ts';
import type { FileOverrides } from '../../../shared/load-options.ts';
import { formatBytes } from '../../ui/format.ts';
import { EmptyState } from '../../ui/states.tsx';
import { VirtualList } from '../../ui/virtual-list.tsx';
import { FileRow } from './file-row.tsx';
import { RowPreview } from './row-preview.tsx';
import { plural } from '../../../shared/plural.ts';

export function FileList({ files, overrides }: { files: FileInspection[]; overrides: Record<string, FileOverrides> }) {
  // Paths whose "Change format" is open: rows unmount when scrolled away, so it is kept here.
  const [formatOpen, setFormatOpen] = useState<ReadonlySet<string>>(() => new Set());
  const toggleFormat = (path: string) =>
    setFormatOpen((open) => {
      const next = new Set(open);
      if (!next.delete(path)) next.add(path);
      return next;
    });
  // The file whose rows are shown below the list (one at a time: a grid wants the full width).
  const [previewPath, setPreviewPath] = useState<string | null>(null);
  const previewId = useId();
  const togglePreview = (path: string) => setPreviewPath((shown) => (shown === path ? null : path));
  const previewed = files.find((file) => file.path === previewPath);
  if (files.length === 0) {
    return <EmptyState title="No files yet">Drop files or folders above, or use Add files. They load in the order listed here.</EmptyState>;
  }
  const failed = files.filter((file) => file.error).length;
  const bytes = files.reduce((sum, file) => sum + file.sizeBytes, 0);
  return (
    <>
      <p className="list-summary">
        {plural(files.length, 'file')}, {formatBytes(bytes)}
        {failed > 0 && <span className="text-error">, {failed} cannot be read</span>}. Files load from top to bottom; with duplicate keys the later file wins by default.
      </p>
      <VirtualList
        kind="list"
        label="Files in load order"
        count={files.length}
        estimateSize={96}
        getKey={(index) => files[index]?.path ?? String(index)}
        renderItem={(index) => {
          const file = files[index];
          return (
            file && (
              <FileRow
                file={file}
                position={index}
                count={files.length}
                overrides={overrides[file.path]}
                formatOpen={formatOpen.has(file.path)}
                onToggleFormat={toggleFormat}
                previewId={previewId}
                previewOpen={file.path === previewPath}
                onTogglePreview={togglePreview}
              />
            )
          );
        }}
      />
      {previewed && <RowPreview id={previewId} file={previewed} overrides={overrides[previewed.path] ?? {}} onClose={() => setPreviewPath(null)} />}
    </>
  );
}
