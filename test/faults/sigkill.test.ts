// SIGKILL of the real CLI process at random moments of reading, staging, merging and the manifest
// write, on the shared test server.
import { createTestDatabase, type TestDatabase } from '../database.ts';
import { faultSuite } from './fault-suite.ts';

let database: TestDatabase | undefined;
faultSuite({
  kind: 'sigkill',
  runs: 18,
  size: { minRows: 5_000, maxRows: 12_000 },
  async target() {
    database = await createTestDatabase();
    return {
      db: database,
      dsn: database.url,
      inject: async ({ run }) => {
        run.child.kill('SIGKILL');
        return 'SIGKILL';
      },
    };
  },
  close: async () => database?.drop(),
});
