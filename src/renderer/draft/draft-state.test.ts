// @vitest-environment happy-dom
import { describe, expect, test } from 'vitest';
import { inspection } from '../test/fixtures.ts';
import { runOptions } from '../features/run/run-options.ts';
import { draftReducer, initialDraft, type Draft } from './draft-state.ts';

const a = inspection('/d/a.csv', { id: 'integer' });
const b = inspection('/d/b.csv', { id: 'integer' });

describe('draft', () => {
  test('a file added again keeps its place and takes the new inspection', () => {
    const draft = draftReducer({ ...initialDraft, files: [a, b] }, { type: 'files-added', files: [{ ...a, sizeBytes: 9 }, inspection('/d/c.csv', {})] });
    expect(draft.files.map((file) => [file.path, file.sizeBytes])).toEqual([
      ['/d/a.csv', 9],
      ['/d/b.csv', 2048],
      ['/d/c.csv', 2048],
    ]);
  });

  test('a file read again is taken only while it is listed and its overrides are still the chosen ones', () => {
    let draft: Draft = draftReducer({ ...initialDraft, files: [a, b] }, { type: 'file-overridden', path: a.path, overrides: { delimiter: ';' } });
    draft = draftReducer(draft, { type: 'file-overridden', path: a.path, overrides: { delimiter: '|' } });
    const readWith = (delimiter: ';' | '|') => inspection(a.path, { [`read with ${delimiter}`]: 'text' });

    // The answer for ';' arrives after '|' was chosen: it is out of date.
    expect(draftReducer(draft, { type: 'file-inspected', file: readWith(';'), overrides: { delimiter: ';' } })).toBe(draft);
    draft = draftReducer(draft, { type: 'file-inspected', file: readWith('|'), overrides: { delimiter: '|' } });
    expect(draft.files.map((file) => file.columns[0]?.name ?? '')).toEqual(['read with |', 'id']);

    draft = draftReducer(draft, { type: 'file-removed', path: a.path });
    expect(draft.overrides).toEqual({});
    expect(draftReducer(draft, { type: 'file-inspected', file: readWith('|'), overrides: {} }).files).toEqual([b]);
  });

  test('an override with nothing left in it is forgotten', () => {
    const draft = draftReducer({ ...initialDraft, files: [a], overrides: { [a.path]: { hasHeader: false } } }, { type: 'file-overridden', path: a.path, overrides: {} });
    expect(draft.overrides).toEqual({});
  });

  test('a loaded profile replaces the mapping choices, and the key when it has one', () => {
    const draft: Draft = { ...initialDraft, target: { ...initialDraft.target, table: 'public.a', key: ['id'], map: { old: 'x', notes: null } } };
    const withKey = draftReducer(draft, { type: 'profile-loaded', profile: { version: 1, columns: { notes: 'comment', extra: null }, key: ['code'] } });
    expect(withKey.target).toMatchObject({ table: 'public.a', key: ['code'], map: { notes: 'comment', extra: null } });
    expect(draftReducer(draft, { type: 'profile-loaded', profile: { version: 1, columns: {} } }).target).toMatchObject({ key: ['id'], map: {} });
  });

  test('choosing another table or connection forgets the choices made for the old one', () => {
    let draft: Draft = { ...initialDraft, target: { ...initialDraft.target, table: 'public.a', key: ['id'], map: { x: null }, mode: 'insert' } };
    draft = draftReducer(draft, { type: 'table-chosen', table: 'public.b' });
    expect(draft.target).toMatchObject({ table: 'public.b', key: [], map: {}, mode: 'insert' });
    draft = draftReducer({ ...draft, target: { ...draft.target, key: ['id'] } }, { type: 'connection-chosen', connectionId: 'other' });
    expect(draft.target).toMatchObject({ connectionId: 'other', table: null, key: [] });
  });
});

describe('run options', () => {
  test('a new table needs its key, and the version policy its column', () => {
    const draft: Draft = { ...initialDraft, files: [a], target: { ...initialDraft.target, createTable: true, newTable: 't', conflictPolicy: 'version' } };
    expect(runOptions(draft).missing).toEqual(['Choose the key columns of the new table.', 'Choose the version column.']);

    const ready = runOptions({ ...draft, target: { ...draft.target, key: ['id'], versionColumn: 'updated_at' } });
    expect(ready.options).toMatchObject({ table: 't', createTable: true, key: ['id'], conflictPolicy: 'version', versionColumn: 'updated_at' });
  });

  test('file overrides are sent for the listed files that have any, and not at all otherwise', () => {
    const draft: Draft = { ...initialDraft, files: [a, b], target: { ...initialDraft.target, table: 'public.t' } };
    expect(runOptions(draft).options).not.toHaveProperty('fileOverrides');

    const overridden = { ...draft, overrides: { [b.path]: { delimiter: ';' as const, encoding: 'windows-1252' as const }, '/d/gone.csv': { hasHeader: false } } };
    expect(runOptions(overridden).options?.fileOverrides).toEqual({ [b.path]: { delimiter: ';', encoding: 'windows-1252' } });
  });

  test('append sends neither key nor conflict policy', () => {
    const draft: Draft = { ...initialDraft, files: [a], target: { ...initialDraft.target, table: 'public.events', mode: 'append', key: ['id'] } };
    expect(runOptions(draft).options).not.toHaveProperty('key');
    expect(runOptions(draft).options).not.toHaveProperty('conflictPolicy');
  });
});
