// Where files come in: drag and drop, or the file picker (also opened from the drop zone by keyboard).
import { useRef, useState, type DragEvent, type KeyboardEvent } from 'react';

export function DropZone({ onFiles }: { onFiles: (files: File[]) => void }) {
  const inputRef = useRef<HTMLInputElement>(null);
  const [dragging, setDragging] = useState(false);
  const choose = () => inputRef.current?.click();

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key !== 'Enter' && event.key !== ' ') return;
    event.preventDefault();
    choose();
  };
  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    const files = [...event.dataTransfer.files];
    if (files.length > 0) onFiles(files);
  };

  return (
    <div className="drop-area">
      <div
        role="button"
        tabIndex={0}
        aria-label="Drop files or folders here, or press Enter to choose files"
        className={dragging ? 'drop-zone dragging' : 'drop-zone'}
        onClick={choose}
        onKeyDown={onKeyDown}
        onDragOver={(event) => {
          event.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
      >
        <span className="drop-title">Drop CSV or Parquet files or folders here</span>
        <span className="muted">Folders are expanded into the files they contain.</span>
      </div>
      <label className="button file-button">
        Add files
        <input
          ref={inputRef}
          type="file"
          multiple
          className="visually-hidden"
          onChange={(event) => {
            const files = [...(event.target.files ?? [])];
            // Cleared so that picking the same file again still reports a change.
            event.target.value = '';
            if (files.length > 0) onFiles(files);
          }}
        />
      </label>
    </div>
  );
}
