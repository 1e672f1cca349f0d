// COPY FROM STDIN through pg-copy-streams, with backpressure via stream.pipeline.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

export async function copyIn(client: PoolClient, sql: string, data: Uint8Array): Promise<void> {
  await pipeline(Readable.from([data], { objectMode: false }), client.query(copyFrom(sql)));
}

/** A server-side data error (class 22 or 23) leaves the session usable; anything else does not. */
export function isDataError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^2[23]/.test(code);
}
