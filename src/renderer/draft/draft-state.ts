// What the user is putting together across the Files, Target and Run screens: one reducer, so the
// Run screen can build the load options from all of it.
import type { FileInspection } from '../../shared/ipc/contract.ts';
import type { ConflictPolicy, WriteMode } from '../../shared/load-types.ts';

export interface TargetDraft {
  /** null: the built-in local database (or the first connection). */
  connectionId: string | null;
  /** An existing table, "schema.name". */
  table: string | null;
  createTable: boolean;
  newTable: string;
  /** Key columns; empty means the table's primary key. */
  key: string[];
  mode: WriteMode;
  conflictPolicy: ConflictPolicy;
  versionColumn: string;
  /** The user's own mapping choices: file column -> table column; null skips the column. */
  map: Record<string, string | null>;
}

export interface Draft {
  /** In load order. */
  files: FileInspection[];
  target: TargetDraft;
  concurrency: number;
  internalConcurrency: number;
  /** Typed this session for connections that store no password; kept in memory only. */
  passwords: Record<string, string>;
  /** Bumped with every typed password, so what was read with the old one is read again. */
  passwordVersion: number;
}

export type DraftAction =
  | { type: 'files-added'; files: FileInspection[] }
  | { type: 'file-removed'; path: string }
  | { type: 'file-moved'; path: string; by: -1 | 1 }
  | { type: 'connection-chosen'; connectionId: string }
  | { type: 'password-entered'; connectionId: string; password: string }
  | { type: 'table-kind-chosen'; createTable: boolean }
  | { type: 'table-chosen'; table: string }
  | { type: 'new-table-named'; name: string }
  | { type: 'target-changed'; changes: Partial<Pick<TargetDraft, 'key' | 'mode' | 'conflictPolicy' | 'versionColumn'>> }
  | { type: 'column-mapped'; source: string; target: string | null }
  | { type: 'concurrency-changed'; concurrency: number; internalConcurrency: number };

export const initialDraft: Draft = {
  files: [],
  target: {
    connectionId: null,
    table: null,
    createTable: false,
    newTable: '',
    key: [],
    mode: 'upsert',
    conflictPolicy: 'last',
    versionColumn: '',
    map: {},
  },
  concurrency: 4,
  internalConcurrency: 2,
  passwords: {},
  passwordVersion: 0,
};

// Choices that belong to one table: a different table starts them afresh.
const perTable = { key: [], versionColumn: '', map: {} } satisfies Partial<TargetDraft>;

export function draftReducer(draft: Draft, action: DraftAction): Draft {
  const target = draft.target;
  switch (action.type) {
    case 'files-added':
      return { ...draft, files: mergeFiles(draft.files, action.files) };
    case 'file-removed':
      return { ...draft, files: draft.files.filter((file) => file.path !== action.path) };
    case 'file-moved':
      return { ...draft, files: move(draft.files, action.path, action.by) };
    case 'connection-chosen':
      return { ...draft, target: { ...target, ...perTable, connectionId: action.connectionId, table: null, createTable: false } };
    case 'password-entered':
      return {
        ...draft,
        passwords: { ...draft.passwords, [action.connectionId]: action.password },
        passwordVersion: draft.passwordVersion + 1,
      };
    case 'table-kind-chosen':
      return action.createTable === target.createTable ? draft : { ...draft, target: { ...target, ...perTable, createTable: action.createTable } };
    case 'table-chosen':
      return { ...draft, target: { ...target, ...perTable, table: action.table } };
    case 'new-table-named':
      return { ...draft, target: { ...target, newTable: action.name } };
    case 'target-changed':
      return { ...draft, target: { ...target, ...action.changes } };
    case 'column-mapped':
      return { ...draft, target: { ...target, map: { ...target.map, [action.source]: action.target } } };
    case 'concurrency-changed':
      return { ...draft, concurrency: action.concurrency, internalConcurrency: action.internalConcurrency };
  }
}

/** Appends new files; a file added again keeps its place and gets the fresh inspection. */
function mergeFiles(current: FileInspection[], added: FileInspection[]): FileInspection[] {
  const byPath = new Map(added.map((file) => [file.path, file]));
  const kept = current.map((file) => byPath.get(file.path) ?? file);
  const known = new Set(current.map((file) => file.path));
  return [...kept, ...added.filter((file) => !known.has(file.path))];
}

function move<T extends { path: string }>(items: T[], path: string, by: -1 | 1): T[] {
  const from = items.findIndex((item) => item.path === path);
  const to = from + by;
  if (from < 0 || to < 0 || to >= items.length) return items;
  const next = [...items];
  [next[from], next[to]] = [next[to] as T, next[from] as T];
  return next;
}
