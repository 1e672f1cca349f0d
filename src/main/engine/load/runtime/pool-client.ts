// A checked-out pg client emits 'error' when its connection dies; unhandled, that event would crash
// the process. The failure already reaches the caller through the pending query, so the listener
// only has to exist while we hold the client.
import type { Pool, PoolClient } from 'pg';

export interface HeldClient {
  client: PoolClient;
  /** `discard` closes the connection instead of returning it to the pool. */
  release(discard: boolean): void;
}

export async function acquireClient(pool: Pool): Promise<HeldClient> {
  const client = await pool.connect();
  const ignore = () => {};
  client.on('error', ignore);
  return {
    client,
    release(discard) {
      client.off('error', ignore);
      client.release(discard);
    },
  };
}

/** Runs `work` on a pooled connection; one that saw a failure is closed rather than reused. */
export async function withClient<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const { client, release } = await acquireClient(pool);
  let healthy = false;
  try {
    const result = await work(client);
    healthy = true;
    return result;
  } finally {
    release(!healthy);
  }
}
