// The engine's side of a reader worker: typed request/reply over postMessage, errors re-thrown
// as KeyloadError, and the worker terminated on close or cancel.
import { Worker } from 'node:worker_threads';
import { ErrorCodes, KeyloadError } from '../../../shared/errors.ts';
import type { OpenSourceOptions } from '../input/source.ts';
import type { CopyBatch, FileInfo, ReaderReply, ReaderRequest } from './protocol.ts';

type Request = ReaderRequest extends infer R ? (R extends { seq: number } ? Omit<R, 'seq'> : never) : never;

export class ReaderClient {
  private readonly worker: Worker;
  private readonly waiting = new Map<number, { resolve: (reply: ReaderReply) => void; reject: (error: Error) => void }>();
  private seq = 0;
  private failure: Error | undefined;
  private readonly path: string;

  constructor(path: string) {
    this.path = path;
    this.worker = new Worker(new URL('./reader-worker.ts', import.meta.url));
    this.worker.on('message', (reply: ReaderReply) => {
      const waiter = this.waiting.get(reply.seq);
      this.waiting.delete(reply.seq);
      waiter?.resolve(reply);
    });
    this.worker.on('error', (error) => this.failAll(error));
    this.worker.on('exit', (code) => this.failAll(new Error(`reader worker exited with code ${code}`)));
  }

  private failAll(error: Error): void {
    this.failure ??= new KeyloadError(ErrorCodes.internal, `Reading ${this.path} failed: ${error.message}`, { file: this.path });
    for (const waiter of this.waiting.values()) waiter.reject(this.failure);
    this.waiting.clear();
  }

  private async request(request: Request): Promise<ReaderReply> {
    if (this.failure) throw this.failure;
    const seq = ++this.seq;
    const reply = await new Promise<ReaderReply>((resolve, reject) => {
      this.waiting.set(seq, { resolve, reject });
      this.worker.postMessage({ ...request, seq } as ReaderRequest);
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

  /** Next batch of COPY text, or null at the end of the file. */
  async pull(sourceIndexes: number[], batchRows: number, prefixed: boolean): Promise<CopyBatch | null> {
    const reply = await this.request({ type: 'pull', sourceIndexes, batchRows, prefixed });
    if (reply.type === 'batch') return reply.batch;
    if (reply.type === 'end') return null;
    throw new KeyloadError(ErrorCodes.internal, `unexpected reply ${reply.type}`);
  }

  async close(): Promise<void> {
    this.worker.removeAllListeners('exit');
    await this.worker.terminate();
  }
}
