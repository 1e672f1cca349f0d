// The order the files load in and the policy for repeated keys: both are the draft's, so the load
// uses exactly what is chosen here. Files move by drag and drop or by the up and down buttons.
import { useState } from 'react';
import type { ConflictPolicy } from '../../../shared/load-types.ts';
import { conflictPolicyText } from '../../../shared/vocabulary.ts';
import { useDraft, useDraftDispatch } from '../../draft/draft-context.tsx';
import { fileName } from '../../ui/format.ts';

export function PolicyControls() {
  const draft = useDraft();
  const dispatch = useDraftDispatch();
  const [dragged, setDragged] = useState<string | null>(null);
  const { files, target } = draft;
  const policies = (Object.keys(conflictPolicyText) as ConflictPolicy[]).filter((policy) => policy !== 'version' || target.versionColumn);
  const moveTo = (path: string, to: number) => {
    const from = files.findIndex((file) => file.path === path);
    for (let step = 0; step < Math.abs(to - from); step++) dispatch({ type: 'file-moved', path, by: to > from ? 1 : -1 });
  };
  return (
    <div className="policy-controls">
      <label className="field">
        <span>When files repeat a key</span>
        <select value={target.conflictPolicy} onChange={(event) => dispatch({ type: 'target-changed', changes: { conflictPolicy: event.target.value as ConflictPolicy } })}>
          {policies.map((policy) => (
            <option key={policy} value={policy}>
              {policy === 'version' ? `Highest ${target.versionColumn} wins` : conflictPolicyText[policy].label}
            </option>
          ))}
        </select>
      </label>
      <ol className="order-list" aria-label="Load order">
        {files.map((file, index) => (
          <li
            key={file.path}
            draggable
            className={dragged === file.path ? 'order-item order-item-dragged' : 'order-item'}
            onDragStart={() => setDragged(file.path)}
            onDragEnd={() => setDragged(null)}
            onDragOver={(event) => event.preventDefault()}
            onDrop={() => {
              if (dragged) moveTo(dragged, index);
              setDragged(null);
            }}
          >
            <span className="order-handle" aria-hidden="true">⠿</span>
            <span className="num muted">{index + 1}</span>
            <span className="order-name">{fileName(file.path)}</span>
            <button type="button" aria-label={`Move ${fileName(file.path)} up`} disabled={index === 0} onClick={() => dispatch({ type: 'file-moved', path: file.path, by: -1 })}>
              ↑
            </button>
            <button type="button" aria-label={`Move ${fileName(file.path)} down`} disabled={index === files.length - 1} onClick={() => dispatch({ type: 'file-moved', path: file.path, by: 1 })}>
              ↓
            </button>
          </li>
        ))}
      </ol>
    </div>
  );
}
