// The engine's side of a reader task: typed request/reply over a MessagePort, errors re-thrown as
// KeyloadError. Closing the port ends the task and frees its worker for the next file.
import { ErrorCodes, KeyloadError } from '../../../shared/errors.ts';
import { PREVIEW_ROWS, type SourcePreview } from '../input/preview.ts';
import type { TypeTally } from '../input/infer-types.ts';
import { readerLimits, type OpenSourceOptions } from '../input/source.ts';
import type { CopyBatch, FileInfo, ReaderMessage, ReaderReply, ReaderRequest } from './protocol.ts';
import { startReader, type ReaderSession } from './reader-pool.ts';

type Request = ReaderRequest extends infer R ? (R extends { seq: number } ? Omit<R, 'seq'> : never) : never;

export class ReaderClient {
  private readonly session: ReaderSession;
  private readonly path: string;
  private readonly waiting = new Map<number, { resolve: (reply: ReaderReply) => void; reject: (error: Error) => void }>();
  private seq = 0;
  private failure: Error | undefined;
  // The watchdog: while a request waits, the worker must report progress within this time.
  private stallTimeoutMs = readerLimits({}).stallTimeoutMs;
  private stallTimer: NodeJS.Timeout | undefined;
  private lastPlace: string | null = null;
  // Watched from the worker's first message on: starting a thread is not reading (and slow on a busy machine).
  private started = false;

  constructor(path: string) {
    this.path = path;
    this.session = startReader();
    this.session.port.on('message', (message: ReaderMessage) => {
      this.started = true;
      if (message.type === 'progress') this.lastPlace = message.where ?? this.lastPlace;
      else {
        const waiter = this.waiting.get(message.seq);
        this.waiting.delete(message.seq);
        waiter?.resolve(message);
      }
      this.armWatchdog();
    });
    this.session.done.catch((error: unknown) => this.failAll(error instanceof Error ? error : new Error(String(error))));
  }

  private failAll(error: Error): void {
    this.failure ??= error instanceof KeyloadError ? error : new KeyloadError(ErrorCodes.internal, `Reading failed: ${error.message}`, { file: this.path });
    for (const waiter of this.waiting.values()) waiter.reject(this.failure);
    this.waiting.clear();
    this.armWatchdog();
  }

  /** (Re)starts the stall timer while anything waits for the worker; stops it when nothing does. */
  private armWatchdog(): void {
    clearTimeout(this.stallTimer);
    this.stallTimer = this.started && this.waiting.size > 0 ? setTimeout(() => this.stalled(), this.stallTimeoutMs) : undefined;
  }

  private stalled(): void {
    const where = this.lastPlace ? ` (last progress: ${this.lastPlace})` : '';
    const error = new KeyloadError(ErrorCodes.readerStalled, `Reading stalled: no bytes read and no rows produced for ${this.stallTimeoutMs / 1000} s${where}.`, {
      file: this.path,
      hint: 'Check that the file can be read (a hung network share or disk stalls reads); --stall-timeout sets the limit.',
    });
    this.failAll(error);
    this.session.abort();
  }

  private async request(request: Request): Promise<ReaderReply> {
    if (this.failure) throw this.failure;
    if (request.type === 'open' || request.type === 'preview') this.stallTimeoutMs = readerLimits(request.options).stallTimeoutMs;
    const seq = ++this.seq;
    const reply = await new Promise<ReaderReply>((resolve, reject) => {
      this.waiting.set(seq, { resolve, reject });
      this.session.port.postMessage({ ...request, seq } as ReaderRequest);
      this.armWatchdog();
    });
    if (reply.type === 'error') {
      throw new KeyloadError(reply.error.code, reply.error.message, { ...reply.error, file: reply.error.file ?? this.path });
    }
    return reply;
  }

  async open(options: OpenSourceOptions, hash: boolean): Promise<FileInfo> {
    const reply = await this.request({ type: 'open', path: this.path, options, hash });
    if (reply.type !== 'opened') throw new KeyloadError(ErrorCodes.internal, `unexpected reply ${reply.type}`);
    return reply.info;
  }

  /** The file's first rows, parsed and checked in the worker (a big file never blocks the caller). */
  async preview(options: OpenSourceOptions, rows = PREVIEW_ROWS): Promise<SourcePreview> {
    const reply = await this.request({ type: 'preview', path: this.path, options, rows });
    if (reply.type !== 'preview') throw new KeyloadError(ErrorCodes.internal, `unexpected reply ${reply.type}`);
    return reply.preview;
  }

  /** Next batch of COPY text, or null at the end of the file. Several may be requested ahead. */
  async pull(sourceIndexes: number[], batchRows: number, prefixed: boolean, alignTo = Number.MAX_SAFE_INTEGER): Promise<CopyBatch | null> {
    const reply = await this.request({ type: 'pull', sourceIndexes, batchRows, alignTo, prefixed });
    if (reply.type === 'batch') return reply.batch;
    if (reply.type === 'end') return null;
    throw new KeyloadError(ErrorCodes.internal, `unexpected reply ${reply.type}`);
  }

  /** Per column, the value types of the file's first `rows` rows. Use instead of pull, not with it. */
  async sample(rows: number): Promise<TypeTally[]> {
    const reply = await this.request({ type: 'sample', rows });
    if (reply.type === 'sampled') return reply.tallies;
    throw new KeyloadError(ErrorCodes.internal, `unexpected reply ${reply.type}`);
  }

  async close(): Promise<void> {
    this.failAll(new Error('reader closed'));
    this.session.port.close();
    await this.session.done.catch(() => {});
  }
}
