// A short-lived connection for one question from the UI (list tables, describe one, test).
import pg from 'pg';

export async function withClient<T>(connectionString: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString, application_name: 'keyload-app', connectionTimeoutMillis: 10_000 });
  client.on('error', () => {}); // a dropped connection surfaces through the pending query
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => {});
  }
}
