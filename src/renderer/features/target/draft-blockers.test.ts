import { describe, expect, test } from 'vitest';
import type { TableInfo } from '../../../shared/ipc/contract.ts';
import { initialDraft, type Draft, type TargetDraft } from '../../draft/draft-state.ts';
import { inspection } from '../../test/fixtures.ts';
import { draftBasics, draftBlockers, noKeyReason, type TargetFacts } from './draft-blockers.ts';
import { existingTableRows, newTableRows } from './mapping-rows.ts';

const customers = inspection('/d/customers.csv', { customer_id: 'bigint', email: 'text' });
const orders = inspection('/d/orders.csv', { order_id: 'bigint', amount: 'numeric' });

function table(name: string, columns: string[], keys: TableInfo['uniqueKeys'], notNull: string[] = []): TableInfo {
  return {
    schema: 'public',
    name,
    columns: columns.map((column) => ({ name: column, type: 'text', notNull: notNull.includes(column), hasDefault: false, generated: false })),
    uniqueKeys: keys,
  };
}

const customersTable = table('customers', ['customer_id', 'email'], [{ name: 'customers_pkey', columns: ['customer_id'], primary: true }], ['customer_id']);

function draftWith(files: Draft['files'], target: Partial<TargetDraft>): Draft {
  return { ...initialDraft, files, target: { ...initialDraft.target, ...target } };
}

function facts(values: Partial<TargetFacts>): TargetFacts {
  return { passwordFor: null, existingTables: new Set(), table: undefined, mapping: undefined, fileProblems: [], ...values };
}

describe('what stops a draft from running', () => {
  test('the basics need no database', () => {
    expect(draftBasics(initialDraft)).toEqual(['Add files on the Files screen.', 'Choose a table on the Target screen.']);
    const broken = inspection('/d/x.csv', {}, { error: { code: 'KEYLOAD_FILE_CORRUPT', message: 'bad' } });
    expect(draftBasics(draftWith([broken], { table: 'public.t' }))).toEqual(['None of the files can be read: fix or replace them on the Files screen.']);
    expect(draftBasics(draftWith([customers], { createTable: true, newTable: 't', key: ['customer_id'], columnTypes: { email: ' ' } }))).toEqual([
      'Give a type for column email of the new table.',
    ]);
  });

  test('a password to type comes before anything read through the connection', () => {
    expect(draftBlockers(draftWith([customers], { table: 'public.customers' }), facts({ passwordFor: 'Warehouse' }))).toEqual([
      'Enter the password for Warehouse on the Target screen.',
    ]);
  });

  test('the repro: customers loaded into a new table, then orders.csv in their place, still "Create new table: public.customers"', () => {
    const draft = draftWith([orders], { createTable: true, newTable: 'public.customers', key: ['customer_id'] });
    const reasons = draftBlockers(draft, facts({ existingTables: new Set(['public.customers']), mapping: newTableRows(draft.files, {}) }));
    expect(reasons).toEqual([
      'A table named public.customers already exists: choose it as an existing table, or give the new table another name.',
      'Key column customer_id is in none of the files: choose another key.',
    ]);
    // A name without a schema means public, as in the engine.
    expect(draftBlockers({ ...draft, target: { ...draft.target, newTable: 'customers' } }, facts({ existingTables: new Set(['public.customers']), mapping: [] }))[0]).toMatch(/public\.customers already exists/);
    // Until the list of tables is known, the run waits for it.
    expect(draftBlockers(draft, facts({ existingTables: undefined, mapping: [] }))[0]).toBe('Checking whether public.customers already exists…');
  });

  test('the repro, into the existing table: nothing of orders.csv would load', () => {
    const draft = draftWith([orders], { table: 'public.customers' });
    const suggestion = { path: orders.path, mapped: [], skipped: ['order_id', 'amount'], warnings: [], error: null };
    const rows = existingTableRows(draft.files, [suggestion], {});
    expect(draftBlockers(draft, facts({ table: customersTable, mapping: rows }))).toEqual([
      '2 file columns match no table column (order_id, amount): choose a table column or Skip for each.',
      'No column of orders.csv would be loaded: map its columns, or remove it on the Files screen.',
    ]);
    // Skipping them explicitly still leaves the file with nothing to load.
    const skipped = existingTableRows(draft.files, [suggestion], { order_id: null, amount: null });
    expect(draftBlockers(draft, facts({ table: customersTable, mapping: skipped }))).toEqual(['No column of orders.csv would be loaded: map its columns, or remove it on the Files screen.']);
  });

  test('a keyed mode into a table without a unique key is refused, append is not', () => {
    const events = table('events', ['customer_id', 'email'], []);
    const rows = newTableRows([customers], {});
    const upsert = draftWith([customers], { table: 'public.events' });
    expect(draftBlockers(upsert, facts({ table: events, mapping: rows }))).toEqual([noKeyReason]);
    for (const mode of ['insert', 'ignore'] as const) expect(draftBlockers({ ...upsert, target: { ...upsert.target, mode } }, facts({ table: events, mapping: rows }))).toContain(noKeyReason);
    expect(draftBlockers({ ...upsert, target: { ...upsert.target, mode: 'append' } }, facts({ table: events, mapping: rows }))).toEqual([]);
  });

  test('every file must feed the key and the required columns; a mapping error names its file', () => {
    const partial = inspection('/d/partial.csv', { email: 'text' });
    const draft = draftWith([customers, partial], { table: 'public.customers' });
    const suggestions = [customers, partial].map((file) => ({ path: file.path, mapped: file.columns.map((c) => ({ source: c.name, target: c.name, how: 'exact' as const })), skipped: [], warnings: [], error: null }));
    const rows = existingTableRows(draft.files, suggestions, {});
    const fileProblems = [{ path: partial.path, message: 'File column "Email" matches several table columns' }];
    expect(draftBlockers(draft, facts({ table: customersTable, mapping: rows, fileProblems }))).toEqual([
      'partial.csv cannot be mapped: File column "Email" matches several table columns',
      'partial.csv has no column for key customer_id.',
    ]);
    const required = table('customers', ['customer_id', 'email', 'country'], customersTable.uniqueKeys, ['customer_id', 'country']);
    expect(draftBlockers(draftWith([customers], { table: 'public.customers' }), facts({ table: required, mapping: newTableRows([customers], {}) }))).toEqual([
      'customers.csv has no column for country, which the table requires (NOT NULL, no default).',
    ]);
  });

  test('while the table or the mapping are being read, the run waits for them', () => {
    const draft = draftWith([customers], { table: 'public.customers' });
    expect(draftBlockers(draft, facts({}))).toEqual(['Reading public.customers…']);
    expect(draftBlockers(draft, facts({ table: null }))).toEqual(['public.customers no longer exists: choose another table.']);
    expect(draftBlockers(draft, facts({ table: customersTable }))).toEqual(['Matching the file columns to the table…']);
    expect(draftBlockers(draft, facts({ table: customersTable, mapping: newTableRows([customers], {}) }))).toEqual([]);
  });

  test('a new table whose key is skipped, or whose name cannot be read', () => {
    const draft = draftWith([customers], { createTable: true, newTable: 'public.c', key: ['customer_id'], map: { customer_id: null } });
    expect(draftBlockers(draft, facts({ mapping: newTableRows(draft.files, draft.target.map) }))).toEqual(['Key column customer_id is skipped in the mapping.']);
    expect(draftBlockers({ ...draft, target: { ...draft.target, newTable: 'a.b.c', map: {} } }, facts({ mapping: newTableRows(draft.files, {}) }))).toEqual([
      'The table name cannot be read: Table name "a.b.c" must be "table" or "schema.table".',
    ]);
  });
});
