// How rows are written: the mode, the key that identifies a row, and which row wins when the files
// repeat a key.
import { useId } from 'react';
import type { TableInfo } from '../../../shared/ipc/contract.ts';
import { CONFLICT_POLICIES, conflictPolicyText, isOneOf, WRITE_MODES, writeModeText } from '../../../shared/vocabulary.ts';
import { useDraft, useDraftDispatch } from '../../draft/draft-context.tsx';

/** `info`: the existing table, null for a new one; `columns`: the columns a key or version may use. */
export function LoadSettings({ info, columns }: { info: TableInfo | null; columns: string[] }) {
  const { target } = useDraft();
  const dispatch = useDraftDispatch();
  const id = useId();
  return (
    <div className="field-grid">
      <div className="field">
        <label htmlFor={`${id}-mode`}>Mode</label>
        <select
          id={`${id}-mode`}
          aria-describedby={`${id}-mode-note`}
          value={target.mode}
          onChange={(event) => {
            const mode = event.target.value;
            if (isOneOf(WRITE_MODES, mode)) dispatch({ type: 'target-changed', changes: { mode } });
          }}
        >
          {WRITE_MODES.map((mode) => (
            <option key={mode} value={mode}>
              {writeModeText[mode].label}
            </option>
          ))}
        </select>
        <span id={`${id}-mode-note`} className="muted">
          {writeModeText[target.mode].description}
        </span>
      </div>
      {target.mode !== 'append' && (
        <>
          {info ? <UniqueKeyPicker info={info} /> : <NewKeyPicker columns={columns} />}
          <div className="field">
            <label htmlFor={`${id}-policy`}>When files repeat a key</label>
            <select
              id={`${id}-policy`}
              aria-describedby={`${id}-policy-note`}
              value={target.conflictPolicy}
              onChange={(event) => {
                const conflictPolicy = event.target.value;
                if (isOneOf(CONFLICT_POLICIES, conflictPolicy)) dispatch({ type: 'target-changed', changes: { conflictPolicy } });
              }}
            >
              {CONFLICT_POLICIES.map((policy) => (
                <option key={policy} value={policy}>
                  {conflictPolicyText[policy].label}
                </option>
              ))}
            </select>
            <span id={`${id}-policy-note`} className="muted">
              {conflictPolicyText[target.conflictPolicy].description}
            </span>
          </div>
          {target.conflictPolicy === 'version' && (
            <label className="field">
              <span>Version column</span>
              <select value={target.versionColumn} onChange={(event) => dispatch({ type: 'target-changed', changes: { versionColumn: event.target.value } })}>
                <option value="" disabled>
                  Choose a column
                </option>
                {columns.map((column) => (
                  <option key={column}>{column}</option>
                ))}
              </select>
            </label>
          )}
        </>
      )}
    </div>
  );
}

/** An existing table's key must be backed by a unique index: offer those. */
function UniqueKeyPicker({ info }: { info: TableInfo }) {
  const { target } = useDraft();
  const dispatch = useDraftDispatch();
  const keys = info.uniqueKeys;
  if (keys.length === 0) {
    return <p className="notice notice-warning">{`${info.schema}.${info.name}`} has no primary key or unique index; only append mode can load it.</p>;
  }
  const chosen = target.key.length > 0 ? keys.findIndex((key) => key.columns.join() === target.key.join()) : keys.findIndex((key) => key.primary);
  return (
    <label className="field">
      <span>Key</span>
      <select
        value={chosen < 0 ? '' : String(chosen)}
        onChange={(event) => dispatch({ type: 'target-changed', changes: { key: keys[Number(event.target.value)]?.columns ?? [] } })}
      >
        <option value="" disabled>
          Choose a key
        </option>
        {keys.map((key, index) => (
          <option key={key.name} value={index}>
            {key.columns.join(', ')} ({key.primary ? 'primary key' : key.name})
          </option>
        ))}
      </select>
    </label>
  );
}

/** A new table's key becomes its primary key: any of the file columns. */
function NewKeyPicker({ columns }: { columns: string[] }) {
  const { target } = useDraft();
  const dispatch = useDraftDispatch();
  return (
    <label className="field">
      <span>Key columns</span>
      <select
        multiple
        size={Math.min(6, Math.max(2, columns.length))}
        value={target.key}
        onChange={(event) => dispatch({ type: 'target-changed', changes: { key: [...event.target.selectedOptions].map((option) => option.value) } })}
      >
        {columns.map((column) => (
          <option key={column}>{column}</option>
        ))}
      </select>
    </label>
  );
}
