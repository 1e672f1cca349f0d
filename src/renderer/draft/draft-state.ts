// What the user is putting together across the Files, Target and Run screens: one reducer, so the
// Run screen can build the load options from all of it.
import type { FileInspection } from '../../shared/ipc/contract.ts';
import type { FileOverrides } from '../../shared/load-options.ts';
import type { ConflictPolicy, WriteMode } from '../../shared/load-types.ts';
import type { MappingProfile } from '../../shared/mapping-profile.ts';
import { LOAD_DEFAULTS } from '../../shared/vocabulary.ts';

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
  /** A new table's column types the user chose over the proposed ones: column -> PostgreSQL type. */
  columnTypes: Record<string, string>;
}

export interface Draft {
  /** In load order. */
  files: FileInspection[];
  /** Per file path: the format and dialect the user chose over the detected ones; never empty records. */
  overrides: Record<string, FileOverrides>;
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
  | { type: 'file-overridden'; path: string; overrides: FileOverrides }
  /** A file read again with `overrides`; ignored once the file is gone or its overrides changed since. */
  | { type: 'file-inspected'; file: FileInspection; overrides: FileOverrides }
  | { type: 'connection-chosen'; connectionId: string }
  | { type: 'password-entered'; connectionId: string; password: string }
  | { type: 'table-kind-chosen'; createTable: boolean }
  | { type: 'table-chosen'; table: string }
  | { type: 'new-table-named'; name: string }
  | { type: 'target-changed'; changes: Partial<Pick<TargetDraft, 'key' | 'mode' | 'conflictPolicy' | 'versionColumn'>> }
  | { type: 'column-mapped'; source: string; target: string | null }
  /** "Skip all unmatched": each of these file columns is skipped explicitly. */
  | { type: 'columns-skipped'; sources: string[] }
  /** A new table's column type; null goes back to the proposed one. */
  | { type: 'column-typed'; column: string; pgType: string | null }
  | { type: 'profile-loaded'; profile: MappingProfile }
  | { type: 'concurrency-changed'; concurrency: number; internalConcurrency: number };

export const initialDraft: Draft = {
  files: [],
  overrides: {},
  target: {
    connectionId: null,
    table: null,
    createTable: false,
    newTable: '',
    key: [],
    mode: LOAD_DEFAULTS.mode,
    conflictPolicy: LOAD_DEFAULTS.conflictPolicy,
    versionColumn: '',
    map: {},
    columnTypes: {},
  },
  concurrency: LOAD_DEFAULTS.concurrency,
  internalConcurrency: LOAD_DEFAULTS.internalConcurrency,
  passwords: {},
  passwordVersion: 0,
};

// Choices that belong to one table: a different table starts them afresh.
const perTable = { key: [], versionColumn: '', map: {}, columnTypes: {} } satisfies Partial<TargetDraft>;

export function draftReducer(draft: Draft, action: DraftAction): Draft {
  const target = draft.target;
  switch (action.type) {
    case 'files-added':
      return withFiles(draft, mergeFiles(draft.files, action.files));
    case 'file-removed':
      return withFiles({ ...draft, overrides: withoutKey(draft.overrides, action.path) }, draft.files.filter((file) => file.path !== action.path));
    case 'file-moved':
      return { ...draft, files: move(draft.files, action.path, action.by) };
    case 'file-overridden':
      return {
        ...draft,
        overrides: isEmpty(action.overrides) ? withoutKey(draft.overrides, action.path) : { ...draft.overrides, [action.path]: action.overrides },
      };
    case 'file-inspected': {
      const { file } = action;
      // Answers can arrive out of order when the user changes several settings quickly: keep only
      // the one that matches what is chosen now.
      const current = draft.files.some((candidate) => candidate.path === file.path) && sameOverrides(draft.overrides[file.path] ?? {}, action.overrides);
      return current ? withFiles(draft, draft.files.map((candidate) => (candidate.path === file.path ? file : candidate))) : draft;
    }
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
    case 'columns-skipped':
      return { ...draft, target: { ...target, map: { ...target.map, ...Object.fromEntries(action.sources.map((source) => [source, null])) } } };
    case 'column-typed':
      return {
        ...draft,
        target: { ...target, columnTypes: action.pgType === null ? withoutKey(target.columnTypes, action.column) : { ...target.columnTypes, [action.column]: action.pgType } },
      };
    case 'profile-loaded': {
      // The profile is the whole mapping: earlier choices go, columns it does not name are suggested
      // again, and columns no file has are left out (the engine refuses a mapping of unknown columns).
      const map = onlyFileColumns(draft.files, { ...action.profile.columns });
      return { ...draft, target: { ...target, map, ...(action.profile.key ? { key: [...action.profile.key] } : {}) } };
    }
    case 'concurrency-changed':
      return { ...draft, concurrency: action.concurrency, internalConcurrency: action.internalConcurrency };
  }
}

/**
 * A changed file set re-validates the target: choices about file columns that no file has any more
 * go (mapping, column types). The key is kept, so that a key column no file has is flagged before
 * the run rather than silently forgotten (see draft-blockers.ts).
 */
function withFiles(draft: Draft, files: FileInspection[]): Draft {
  const { target } = draft;
  return { ...draft, files, target: { ...target, map: onlyFileColumns(files, target.map), columnTypes: onlyFileColumns(files, target.columnTypes) } };
}

function onlyFileColumns<T>(files: FileInspection[], record: Record<string, T>): Record<string, T> {
  const present = new Set(files.flatMap((file) => file.columns.map((column) => column.name)));
  const kept = Object.entries(record).filter(([column]) => present.has(column));
  return kept.length === Object.keys(record).length ? record : Object.fromEntries(kept);
}

/** Appends new files; a file added again keeps its place and gets the fresh inspection. */
function mergeFiles(current: FileInspection[], added: FileInspection[]): FileInspection[] {
  const byPath = new Map(added.map((file) => [file.path, file]));
  const kept = current.map((file) => byPath.get(file.path) ?? file);
  const known = new Set(current.map((file) => file.path));
  return [...kept, ...added.filter((file) => !known.has(file.path))];
}

function isEmpty(overrides: FileOverrides): boolean {
  return Object.values(overrides).every((value) => value === undefined);
}

function sameOverrides(a: FileOverrides, b: FileOverrides): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)] as (keyof FileOverrides)[]);
  return [...keys].every((key) => a[key] === b[key]);
}

function withoutKey<T>(record: Record<string, T>, key: string): Record<string, T> {
  if (!(key in record)) return record;
  const { [key]: _removed, ...rest } = record;
  return rest;
}

function move<T extends { path: string }>(items: T[], path: string, by: -1 | 1): T[] {
  const from = items.findIndex((item) => item.path === path);
  const to = from + by;
  if (from < 0 || to < 0 || to >= items.length) return items;
  const next = [...items];
  [next[from], next[to]] = [next[to] as T, next[from] as T];
  return next;
}
