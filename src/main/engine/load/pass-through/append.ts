// Append's fast path: when a CSV file needs no reshaping on the way, its bytes go straight into
// COPY ... (FORMAT csv) and the server parses them, as psql's \copy does; no worker parses a row.
// A scanner cuts the bytes into sub-batches of --batch-size whole records (counted as the reader
// counts them), each one COPY committed with the manifest, so a stopped load resumes as the usual
// path does. The server's parsing is the cost, so a plain file's sub-batches go to several
// connections at once (--internal-concurrency), each COPYing its own byte range of the file; they
// commit in file order, so the committed sub-batches are always the first N, as resume expects.
// A sub-batch waiting for its turn that holds a key an earlier one is blocked on (the same key in
// both) gives way: serially it would have been refused for that key.
// Whatever the server refuses (a bad value, a short row, a unique key, a trigger), or the scanner
// does not trust, rolls back that sub-batch and every later one, and the file goes on the usual way
// from there: a validated sub-batch at a time, with bad rows in the rejects file.
import { createReadStream } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import type { PoolClient } from 'pg';
import { qualifiedName } from '../../sql/identifiers.ts';
import { checkCancelled, stagedColumns, type FileContext } from '../file-context.ts';
import { recordFile } from '../manifest/file-status.ts';
import { acquireClient, withClient, type HeldClient } from '../runtime/pool-client.ts';
import { ASYNC_COMMIT, BACKEND_PID_SQL, BLOCKS_ANY_SQL } from '../runtime/sql.ts';
import { recordAppendedSql } from '../../undo/sql.ts';
import { copyBatch, fileBytes, Untrusted, type PassThrough } from './csv-copy.ts';
import { CsvRecordScanner } from './csv-record-scanner.ts';
import { RecordBatches, RecordRanges } from './sub-batches.ts';

/** Where the pass-through stopped: the file is loaded, or the usual path goes on after `batchesDone`. */
export type PassThroughEnd = { loaded: true } | { loaded: false; batchesDone: number; batchRows: number; inserted: number; reason: string };

/** How often a sub-batch waiting for its turn checks that it does not block an earlier one. */
const TURN_CHECK_MS = 100;

/** A sub-batch to COPY: its bytes (opened when sent), and the records in them (known once they are sent, for a stream). */
interface SubBatch {
  bytes(): AsyncIterable<Buffer>;
  records(): number;
}

/**
 * Connections that COPY sub-batches at once: one where the bytes can only be read in order (gzip),
 * or where the order rows go in shows in the table (a sequence fills a column the file does not
 * write, or row triggers run), so the result stays the serial one.
 */
function copyLanes(ctx: FileContext): number {
  const { plan } = ctx.run;
  const { info } = ctx.file;
  const written = new Set(stagedColumns(ctx).map((c) => c.name));
  const orderShows = plan.target.rowTriggers || plan.target.columns.some((c) => c.fromSequence && !written.has(c.name));
  if (info.description.gzip || orderShows) return 1;
  const batches = Math.ceil((info.rowEstimate ?? Number.POSITIVE_INFINITY) / plan.options.batchSize);
  return Math.max(1, Math.min(plan.budget.internalConcurrency, batches));
}

/** The file's sub-batches, one after another; `take` must not be called again before a batch's bytes are sent. */
function subBatches(ctx: FileContext, how: PassThrough, lanes: number): { take(): Promise<SubBatch | null>; close(): Promise<unknown> } {
  const input = fileBytes(ctx);
  const scanner = new CsvRecordScanner(how.dialect, how.dialect.hasHeader);
  const batchRows = ctx.run.plan.options.batchSize;
  const close = async () => input.return?.();
  if (lanes === 1) {
    const batches = new RecordBatches(input, scanner, batchRows);
    let index = 0;
    return {
      async take() {
        if (!(await batches.hasMore())) return null;
        const before = Math.max(0, scanner.records);
        const batch = index++;
        return { bytes: () => batches.bytes(batch), records: () => scanner.records - before };
      },
      close,
    };
  }
  const ranges = new RecordRanges(input, scanner, batchRows);
  return {
    async take() {
      const range = await ranges.next();
      if (!range) return null;
      return { bytes: () => createReadStream(ctx.file.path, { start: range.start, end: range.end - 1, highWaterMark: 1 << 18 }), records: () => range.records };
    },
    close,
  };
}

/** Loads the file by sending its own bytes, sub-batch by sub-batch, until done or refused. */
export async function appendPassThrough(ctx: FileContext, how: PassThrough): Promise<PassThroughEnd> {
  checkCancelled(ctx.run.signal);
  const batchRows = ctx.run.plan.options.batchSize;
  const table = qualifiedName(ctx.run.plan.table);
  const lanes = copyLanes(ctx);
  const batches = subBatches(ctx, how, lanes);
  const counts = ctx.tracker.counts;
  const shape = (batchesDone: number) => ({ batchRows, batchesDone, parts: 1, bounds: null });
  /** The first sub-batch refused, and why: it and every later one are rolled back. */
  const refusal = { batch: Number.POSITIVE_INFINITY, reason: '' };
  /** A lane failed (an error, not a refusal): the others roll back what they hold and stop. */
  let failed = false;
  let committed = 0;
  // Sub-batches are taken in file order, one at a time; each commits once the one before is settled.
  let taken = 0;
  let taking: Promise<unknown> = Promise.resolve();
  const settled: Promise<void>[] = [];
  const settle: (() => void)[] = [];
  const turnOf = (batch: number) => (settled[batch] ??= new Promise<void>((resolve) => (settle[batch] = resolve)));
  const refuse = (batch: number, reason: string) => {
    if (batch < refusal.batch) Object.assign(refusal, { batch, reason });
  };
  /** The sub-batch each lane's session (by server pid) holds. */
  const holding = new Map<number, number>();

  /** Waits until the sub-batch before `batch` is settled; false if `batch` must give way to an earlier one blocked on it. */
  async function awaitTurn(client: PoolClient, batch: number): Promise<boolean> {
    let ready = false;
    const turn = turnOf(batch - 1).then(() => (ready = true));
    for (;;) {
      // Unref'd: the timer a race leaves behind must not hold the process open after the load.
      await Promise.race([turn, delay(TURN_CHECK_MS, undefined, { ref: false })]);
      if (ready) return true;
      const earlier = [...holding].filter(([, held]) => held < batch).map(([pid]) => pid);
      const { rows } = await client.query<{ blocking: boolean }>(BLOCKS_ANY_SQL, [earlier]);
      if (rows[0]?.blocking) return false;
    }
  }

  async function lane({ client, release }: HeldClient): Promise<void> {
    let healthy = false;
    let batch = -1;
    let pid = -1;
    try {
      if (lanes > 1) pid = (await client.query<{ pid: number }>(BACKEND_PID_SQL)).rows[0]?.pid ?? -1;
      while (refusal.batch === Number.POSITIVE_INFINITY && !failed) {
        checkCancelled(ctx.run.signal);
        batch = taken++;
        turnOf(batch);
        const next = taking.then(() => batches.take());
        taking = next.catch(() => {});
        const sub = await next.catch((error: unknown) => {
          if (!(error instanceof Untrusted)) throw error;
          refuse(batch, error.message);
          return null;
        });
        if (!sub) break;
        holding.set(pid, batch);
        await client.query(`BEGIN; ${ASYNC_COMMIT}`);
        const refused = await copyBatch(client, how.copySql(table, batch === 0 && how.dialect.hasHeader), sub.bytes(), sub.records);
        if (refused) refuse(batch, refused.reason);
        // Rolled back right away when refused; committed only in its turn.
        else if (batch > 0 && !(await awaitTurn(client, batch))) refuse(batch, 'it holds a key an earlier sub-batch holds too');
        if (failed || refusal.batch <= batch) {
          // A COPY cut short by the scanner may leave the session mid-COPY: close it instead.
          if (refused?.sessionUsable === false) return;
          await client.query('ROLLBACK');
          break;
        }
        const rows = sub.records();
        counts.read += rows;
        counts.inserted += rows;
        if (ctx.run.undo) await client.query(recordAppendedSql(ctx.run.undo), [rows]);
        await recordFile(ctx, client, 'loading', shape(batch + 1));
        await client.query('COMMIT');
        committed = batch + 1;
        holding.delete(pid);
        settle[batch]?.();
        ctx.tracker.committedRows = counts.inserted;
        ctx.tracker.update();
      }
      healthy = true;
    } catch (error) {
      failed = true;
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      // Whatever became of this lane's sub-batch, the next one may now decide.
      holding.delete(pid);
      if (batch >= 0) settle[batch]?.();
      release(!healthy);
    }
  }

  ctx.tracker.stage('staging');
  try {
    // Every lane's connection first: a lane still connecting would leave the first sub-batches to the others.
    const held: HeldClient[] = [];
    try {
      for (let i = 0; i < lanes; i++) held.push(await acquireClient(ctx.run.pool));
    } catch (error) {
      for (const h of held) h.release(false);
      throw error;
    }
    const ended = await Promise.allSettled(held.map(lane));
    const failure = ended.find((e) => e.status === 'rejected');
    if (failure) throw failure.reason;
  } finally {
    await batches.close();
  }
  if (refusal.batch !== Number.POSITIVE_INFINITY) return { loaded: false, batchesDone: refusal.batch, batchRows, inserted: counts.inserted, reason: refusal.reason };
  await withClient(ctx.run.pool, (client) => recordFile(ctx, client, 'loaded', shape(committed)));
  return { loaded: true };
}
