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

  test('append sends neither key nor conflict policy', () => {
    const draft: Draft = { ...initialDraft, files: [a], target: { ...initialDraft.target, table: 'public.events', mode: 'append', key: ['id'] } };
    expect(runOptions(draft).options).not.toHaveProperty('key');
    expect(runOptions(draft).options).not.toHaveProperty('conflictPolicy');
  });
});
