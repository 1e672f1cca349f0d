// pg_terminate_backend on Keyload's connections (found by application_name in pg_stat_activity)
// at random moments of reading, staging, merging and the manifest write, on the shared test server.
import { createTestDatabase, type TestDatabase } from '../database.ts';
import { faultSuite, keyloadBackends, type InjectContext } from './fault-suite.ts';

/** Terminates the waiting manifest writer, or one of Keyload's connections (an active one first), or all of them. */
async function terminate({ scenario, db, manifestWriter }: InjectContext): Promise<string> {
  const backends = await keyloadBackends(db);
  const active = backends.filter((b) => b.state === 'active');
  const candidates = active.length > 0 ? active : backends;
  const victims =
    manifestWriter !== null
      ? backends.filter((b) => b.pid === manifestWriter)
      : scenario.victims === 'all'
        ? backends
        : candidates.slice(scenario.fileIndex % Math.max(1, candidates.length)).slice(0, 1);
  if (victims.length === 0) return 'no Keyload connection was open';
  await db.query('SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid', [victims.map((v) => v.pid)]);
  return `terminated ${victims.length} of ${backends.length} connection(s): ${victims.map((v) => `${v.state} "${v.query}"`).join(', ')}`;
}

let database: TestDatabase | undefined;
faultSuite({
  kind: 'terminate-backend',
  runs: 24,
  size: { minRows: 5_000, maxRows: 12_000 },
  async target() {
    database = await createTestDatabase();
    return { db: database, dsn: database.url, inject: terminate };
  },
  close: async () => database?.drop(),
});
