// Where a "Save as…" put the file, announced to screen readers; nothing when it was cancelled.
export function SavedTo({ path }: { path: string | null | undefined }) {
  if (!path) return null;
  return (
    <span role="status" className="text-success">
      Saved to <code className="path">{path}</code>
    </span>
  );
}
