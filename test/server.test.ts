import { afterAll, beforeAll, expect, test } from 'vitest';
import { createTestDatabase, type TestDatabase } from './database.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());

test('the test server is a real PostgreSQL with its own database per test file', async () => {
  const [row] = await db.query<{ db: string; version: number }>(
    `SELECT current_database() AS db, current_setting('server_version_num')::int AS version`,
  );
  expect(row?.db).toBe(db.name);
  expect(row?.version).toBeGreaterThanOrEqual(160000);
});
