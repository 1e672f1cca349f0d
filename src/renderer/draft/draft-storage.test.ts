// @vitest-environment happy-dom
import '../vitest.setup.ts';
import { act, render, screen } from '@testing-library/react';
import { createElement, Fragment } from 'react';
import { beforeEach, describe, expect, test } from 'vitest';
import { inspection } from '../test/fixtures.ts';
import { DraftProvider, useDraft, useDraftDispatch } from './draft-context.tsx';
import { draftStorageKey, draftStorageVersion, loadDraft, saveDraft } from './draft-storage.ts';
import { draftReducer, initialDraft, type Draft, type DraftAction } from './draft-state.ts';

function built(...actions: DraftAction[]): Draft {
  return actions.reduce(draftReducer, initialDraft);
}

const draft = built(
  { type: 'files-added', files: [inspection('/data/a.csv', { id: 'integer', name: 'text' }), inspection('/data/b.parquet', { id: 'bigint' }, { error: { code: 'KEYLOAD_FILE_CORRUPT', message: 'bad footer', file: '/data/b.parquet' } })] },
  { type: 'file-overridden', path: '/data/a.csv', overrides: { delimiter: ';', hasHeader: false } },
  { type: 'connection-chosen', connectionId: 'warehouse' },
  { type: 'table-chosen', table: 'public.orders' },
  { type: 'target-changed', changes: { key: ['id'], mode: 'insert', conflictPolicy: 'first' } },
  { type: 'column-mapped', source: 'name', target: null },
  { type: 'concurrency-changed', concurrency: 6, internalConcurrency: 3 },
  { type: 'password-entered', connectionId: 'warehouse', password: 'hunter2-secret' },
);

beforeEach(() => localStorage.clear());

describe('the stored draft', () => {
  test('comes back whole: files with their inspections, overrides, target, mapping and concurrency; never the passwords', () => {
    saveDraft(localStorage, draft);
    const raw = localStorage.getItem(draftStorageKey) ?? '';
    expect(raw).not.toContain('hunter2-secret');
    expect(JSON.parse(raw)).toMatchObject({ version: draftStorageVersion });

    const loaded = loadDraft(localStorage);
    expect(loaded).toEqual({ ...draft, passwords: {}, passwordVersion: 0 });
    expect(loaded?.target).toMatchObject({ connectionId: 'warehouse', table: 'public.orders', key: ['id'], mode: 'insert', conflictPolicy: 'first', map: { name: null } });
  });

  test.each([
    ['not JSON', '{"version": 1, "draft": {'],
    ['another version', JSON.stringify({ version: draftStorageVersion + 1, draft: { ...draft, passwords: undefined } })],
    ['no version', JSON.stringify({ draft })],
    ['a wrong shape', JSON.stringify({ version: draftStorageVersion, draft: { ...draft, files: 'a.csv' } })],
    ['a wrong mode', JSON.stringify({ version: draftStorageVersion, draft: { ...draft, target: { ...draft.target, mode: 'merge' } } })],
    ['null', 'null'],
  ])('is dropped, without an error, when it is %s', (_name, text) => {
    localStorage.setItem(draftStorageKey, text);
    expect(loadDraft(localStorage)).toBeNull();
    expect(localStorage.getItem(draftStorageKey)).toBeNull();
  });

  test('keeps fields it does not know yet, and fills fields the stored draft lacks with defaults', () => {
    const { concurrency: _dropped, ...withoutConcurrency } = draft;
    localStorage.setItem(draftStorageKey, JSON.stringify({ version: draftStorageVersion, draft: { ...withoutConcurrency, concurrency: 2, later: { kept: true }, target: { ...draft.target, later: 1 } } }));
    expect(loadDraft(localStorage)).toMatchObject({ concurrency: 2, later: { kept: true }, target: { later: 1, table: 'public.orders' } });
  });
});

function Probe() {
  const current = useDraft();
  const dispatch = useDraftDispatch();
  return createElement(
    Fragment,
    null,
    createElement('output', { 'aria-label': 'files' }, current.files.map((file) => file.path).join(' ')),
    createElement('output', { 'aria-label': 'table' }, current.target.table),
    createElement('output', { 'aria-label': 'passwords' }, Object.keys(current.passwords).join(' ')),
    createElement('button', { type: 'button', onClick: () => dispatch({ type: 'table-chosen', table: 'public.other' }) }, 'change'),
  );
}

function withProvider(props: { initial?: Draft } = {}) {
  return render(createElement(DraftProvider, { ...props, children: createElement(Probe) }));
}

describe('DraftProvider', () => {
  test('a reload (a new provider on the same storage) finds the draft as it was left', async () => {
    saveDraft(localStorage, draft);
    const first = withProvider();
    expect(screen.getByLabelText('files').textContent).toBe('/data/a.csv /data/b.parquet');
    expect(screen.getByLabelText('passwords').textContent).toBe('');
    act(() => screen.getByRole('button', { name: 'change' }).click());
    first.unmount();

    withProvider();
    expect(screen.getByLabelText('table').textContent).toBe('public.other');
    expect(screen.getByLabelText('files').textContent).toBe('/data/a.csv /data/b.parquet');
  });

  test('a corrupt stored draft starts an empty one', () => {
    localStorage.setItem(draftStorageKey, '{{{');
    withProvider();
    expect(screen.getByLabelText('files').textContent).toBe('');
  });

  test('a draft given to start from leaves the storage alone', () => {
    withProvider({ initial: draft });
    expect(localStorage.getItem(draftStorageKey)).toBeNull();
  });
});
