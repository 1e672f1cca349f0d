// Turns the draft into runs.start options, or says what is still missing.
import type { HandlerInput } from '../../../shared/ipc/contract.ts';
import type { Draft } from '../../draft/draft-state.ts';

export type RunOptions = HandlerInput<'runs.start'>['options'];

export function runOptions(draft: Draft): { options: RunOptions; missing: [] } | { options: null; missing: string[] } {
  const { target } = draft;
  const table = target.createTable ? target.newTable.trim() : (target.table ?? '');
  const keyed = target.mode !== 'append';
  const missing = [
    draft.files.length === 0 && 'Add files on the Files screen.',
    !table && (target.createTable ? 'Name the new table on the Target screen.' : 'Choose a table on the Target screen.'),
    target.createTable && keyed && target.key.length === 0 && 'Choose the key columns of the new table.',
    keyed && target.conflictPolicy === 'version' && !target.versionColumn && 'Choose the version column.',
  ].filter((reason) => reason !== false);
  if (missing.length > 0) return { options: null, missing };

  // Only files still in the list; the reducer never keeps an empty override record.
  const fileOverrides = Object.fromEntries(
    draft.files.flatMap((file) => {
      const overrides = draft.overrides[file.path];
      return overrides ? [[file.path, overrides] as const] : [];
    }),
  );

  return {
    missing: [],
    options: {
      files: draft.files.map((file) => file.path),
      table,
      mode: target.mode,
      map: target.map,
      // The mapping grid shows file columns without a matching table column as skipped.
      ignoreExtraColumns: true,
      createTable: target.createTable,
      concurrency: draft.concurrency,
      internalConcurrency: draft.internalConcurrency,
      ...(Object.keys(fileOverrides).length > 0 ? { fileOverrides } : {}),
      ...(keyed && target.key.length > 0 ? { key: target.key } : {}),
      ...(keyed ? { conflictPolicy: target.conflictPolicy } : {}),
      ...(keyed && target.conflictPolicy === 'version' ? { versionColumn: target.versionColumn } : {}),
    },
  };
}
