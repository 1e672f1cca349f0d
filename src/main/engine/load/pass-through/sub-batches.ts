// A file's bytes cut into sub-batches of whole records by the scanner: as a stream for one COPY
// after another (RecordBatches: any file, gzip too), or as byte ranges of a plain file that several
// COPYs read at once (RecordRanges).
import type { CsvRecordScanner } from './csv-record-scanner.ts';
import { Untrusted, type FileChunks } from './csv-copy.ts';

/** Cuts the bytes into sub-batches of whole records. */
export class RecordBatches {
  private leftover: Buffer | null = null;
  ended = false;
  readonly scanner: CsvRecordScanner;
  private readonly input: AsyncIterator<Buffer>;
  private readonly batchRows: number;

  constructor(input: AsyncIterator<Buffer>, scanner: CsvRecordScanner, batchRows: number) {
    this.input = input;
    this.scanner = scanner;
    this.batchRows = batchRows;
  }

  /** The bytes of sub-batch `batch` (0-based), up to its last record's line end. */
  async *bytes(batch: number): AsyncGenerator<Buffer> {
    const until = (batch + 1) * this.batchRows;
    for (;;) {
      const chunk = this.leftover ?? (await this.nextChunk());
      this.leftover = null;
      if (!chunk) {
        this.ended = true;
        if (!this.scanner.finish()) throw new Untrusted(this.scanner.unsafe ?? 'unsafe');
        return;
      }
      const end = this.scanner.scanUntil(chunk, 0, until);
      if (this.scanner.unsafe) throw new Untrusted(this.scanner.unsafe);
      if (end === -1) {
        yield chunk;
        continue;
      }
      if (end < chunk.length) this.leftover = chunk.subarray(end);
      yield chunk.subarray(0, end);
      return;
    }
  }

  /** Whether any byte is left for another sub-batch. */
  async hasMore(): Promise<boolean> {
    this.leftover ??= await this.nextChunk();
    if (this.leftover === null) this.ended = true;
    return !this.ended;
  }

  private async nextChunk(): Promise<Buffer | null> {
    const step = await this.input.next();
    return step.done ? null : step.value;
  }
}

/** A sub-batch as a byte range of the file (`end` exclusive) and the records in it. */
export interface RecordRange {
  start: number;
  end: number;
  records: number;
}

/**
 * Finds where each sub-batch of whole records ends in a plain file, reading ahead of the COPYs that
 * then send those ranges from the file itself: so several connections can each COPY their own.
 */
export class RecordRanges {
  readonly scanner: CsvRecordScanner;
  private readonly input: FileChunks;
  private readonly batchRows: number;
  // Empty until the first chunk is read; null once the bytes have ended.
  private chunk: Buffer | null = Buffer.alloc(0);
  private at = 0;
  /** The file offset of the next byte to scan. */
  private position = 0;
  private first = true;
  private batches = 0;

  constructor(input: FileChunks, scanner: CsvRecordScanner, batchRows: number) {
    this.input = input;
    this.scanner = scanner;
    this.batchRows = batchRows;
  }

  /** The next sub-batch, or null after the last; throws Untrusted where the scanner gives up. */
  async next(): Promise<RecordRange | null> {
    let chunk = await this.remaining();
    const start = this.position;
    const before = Math.max(0, this.scanner.records);
    const until = (this.batches + 1) * this.batchRows;
    for (;;) {
      if (!chunk) {
        if (!this.scanner.finish()) throw new Untrusted(this.scanner.unsafe ?? 'unsafe');
        return this.position === start ? null : this.range(start, before);
      }
      const end = this.scanner.scanUntil(chunk, this.at, until);
      if (this.scanner.unsafe) throw new Untrusted(this.scanner.unsafe);
      const stop = end === -1 ? chunk.length : end;
      this.position += stop - this.at;
      this.at = stop;
      if (end !== -1) return this.range(start, before);
      chunk = await this.remaining();
    }
  }

  private range(start: number, before: number): RecordRange {
    this.batches++;
    return { start, end: this.position, records: this.scanner.records - before };
  }

  /** The current chunk with bytes left to scan, reading the next when it is used up. */
  private async remaining(): Promise<Buffer | null> {
    while (this.chunk && this.at >= this.chunk.length) {
      const step = await this.input.next();
      this.chunk = step.done ? null : step.value;
      this.at = 0;
      if (this.first) this.position = this.input.dropped;
      this.first = false;
    }
    return this.chunk;
  }
}
