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

  test('a loaded profile replaces the mapping choices, and the key when it has one; columns no file has are left out', () => {
    const files = [inspection('/d/n.csv', { old: 'text', notes: 'text', extra: 'text' })];
    const draft: Draft = { ...initialDraft, files, target: { ...initialDraft.target, table: 'public.a', key: ['id'], map: { old: 'x', notes: null } } };
    const withKey = draftReducer(draft, { type: 'profile-loaded', profile: { version: 1, columns: { notes: 'comment', extra: null, gone: 'x' }, key: ['code'] } });
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

describe('the target is re-validated when the files change', () => {
  const customers = inspection('/d/customers.csv', { customer_id: 'bigint', email: 'text', signup: 'date' });
  const orders = inspection('/d/orders.csv', { order_id: 'bigint', amount: 'numeric' });
  const draft: Draft = {
    ...initialDraft,
    files: [customers],
    target: { ...initialDraft.target, createTable: true, newTable: 'public.customers', key: ['customer_id'], map: { signup: null }, columnTypes: { email: 'varchar(320)' } },
  };

  test('choices about columns no file has any more go; the key stays, to be flagged', () => {
    const replaced = draftReducer(draftReducer(draft, { type: 'files-added', files: [orders] }), { type: 'file-removed', path: customers.path });
    expect(replaced.target).toMatchObject({ createTable: true, newTable: 'public.customers', key: ['customer_id'], map: {}, columnTypes: {} });
  });

  test('a file read again with other columns drops the choices about the old ones', () => {
    const reread = draftReducer(draft, { type: 'file-inspected', file: inspection(customers.path, { 'customer_id;email;signup': 'text' }), overrides: {} });
    expect(reread.target.map).toEqual({});
    expect(reread.target.columnTypes).toEqual({});
  });

  test('choices about columns still there are kept, as the same objects', () => {
    const added = draftReducer(draft, { type: 'files-added', files: [orders] });
    expect(added.target.map).toBe(draft.target.map);
    expect(added.target.columnTypes).toBe(draft.target.columnTypes);
  });

  test('"Skip all unmatched" skips each explicitly; a column type goes back to the proposed one with null', () => {
    const skipped = draftReducer(draft, { type: 'columns-skipped', sources: ['email', 'signup'] });
    expect(skipped.target.map).toEqual({ signup: null, email: null });
    const typed = draftReducer(draft, { type: 'column-typed', column: 'signup', pgType: 'timestamptz' });
    expect(typed.target.columnTypes).toEqual({ email: 'varchar(320)', signup: 'timestamptz' });
    expect(draftReducer(typed, { type: 'column-typed', column: 'email', pgType: null }).target.columnTypes).toEqual({ signup: 'timestamptz' });
  });
});

describe('run options', () => {
  test('extra columns are never ignored implicitly, and a new table must be new, with the chosen types of the columns it creates', () => {
    const draft: Draft = {
      ...initialDraft,
      files: [a],
      target: { ...initialDraft.target, createTable: true, newTable: 'public.t', key: ['id'], map: { note: null }, columnTypes: { id: 'integer', note: 'text' } },
    };
    const { options } = runOptions(draft);
    expect(options).not.toHaveProperty('ignoreExtraColumns');
    expect(options).toMatchObject({ createTable: true, tableMustBeNew: true, columnTypes: { id: 'integer' } });

    const existing = runOptions({ ...draft, target: { ...draft.target, createTable: false, table: 'public.t' } }).options;
    expect(existing).not.toHaveProperty('ignoreExtraColumns');
    expect(existing).not.toHaveProperty('tableMustBeNew');
    expect(existing).not.toHaveProperty('columnTypes');
  });

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
