// Turns the draft into runs.start options, or says what is still missing.
import type { HandlerInput } from '../../../shared/ipc/contract.ts';
import type { Draft } from '../../draft/draft-state.ts';
import { draftBasics } from '../target/draft-blockers.ts';

export type RunOptions = HandlerInput<'runs.start'>['options'];

export function runOptions(draft: Draft): { options: RunOptions; missing: [] } | { options: null; missing: string[] } {
  const { target } = draft;
  const table = target.createTable ? target.newTable.trim() : (target.table ?? '');
  const keyed = target.mode !== 'append';
  const missing = draftBasics(draft);
  if (missing.length > 0) return { options: null, missing };

  // The types the user chose for a new table's columns, leaving out skipped columns.
  const columnTypes = Object.fromEntries(Object.entries(target.columnTypes).filter(([column]) => target.map[column] !== null));

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
      // Every file column is mapped or skipped explicitly: the Target screen blocks the run until
      // none is left unresolved, so extra columns are never ignored behind the user's back.
      map: target.map,
      createTable: target.createTable,
      // "Create new table" never loads into a table that exists already.
      ...(target.createTable ? { tableMustBeNew: true } : {}),
      ...(target.createTable && Object.keys(columnTypes).length > 0 ? { columnTypes } : {}),
      concurrency: draft.concurrency,
      internalConcurrency: draft.internalConcurrency,
      ...(Object.keys(fileOverrides).length > 0 ? { fileOverrides } : {}),
      ...(keyed && target.key.length > 0 ? { key: target.key } : {}),
      ...(keyed ? { conflictPolicy: target.conflictPolicy } : {}),
      ...(keyed && target.conflictPolicy === 'version' ? { versionColumn: target.versionColumn } : {}),
    },
  };
}
