// COPY FROM STDIN through pg-copy-streams, with backpressure via stream.pipeline.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

/** Streams one buffer, or a stream of buffers, into a single COPY. */
export async function copyIn(client: PoolClient, sql: string, data: Uint8Array | AsyncIterable<Uint8Array>): Promise<void> {
  const source = data instanceof Uint8Array ? [data] : data;
  await pipeline(Readable.from(source, { objectMode: false }), client.query(copyFrom(sql)));
}

/** A server-side data error (class 22 or 23) leaves the session usable; anything else does not. */
export function isDataError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^2[23]/.test(code);
}
