// One CSV of rejected rows per input file, created on the first reject: line, column, reason,
// then the row's values under the file's own column names, ready to fix and load again.
import { open, type FileHandle } from 'node:fs/promises';
import { mkdir } from 'node:fs/promises';
import { basename, join } from 'node:path';

export interface RejectedRow {
  line: number;
  column: string | null;
  reason: string;
  values: (string | null)[];
}

function csvField(value: string | null): string {
  if (value === null) return '';
  return /[",\r\n]/.test(value) || value === '' ? `"${value.replaceAll('"', '""')}"` : value;
}

export class RejectsFile {
  readonly path: string;
  private handle: FileHandle | undefined;
  private readonly header: string[];
  /** Writes from parallel staging lanes are chained so lines never interleave. */
  private queue: Promise<void> = Promise.resolve();
  private wroteAny = false;

  constructor(directory: string, sourcePath: string, rank: number, header: string[]) {
    this.path = join(directory, `${String(rank + 1).padStart(3, '0')}-${basename(sourcePath)}.rejects.csv`);
    this.header = header;
  }

  get written(): boolean {
    return this.wroteAny;
  }

  write(rows: RejectedRow[]): Promise<void> {
    if (rows.length === 0) return this.queue;
    this.queue = this.queue.then(() => this.append(rows));
    return this.queue;
  }

  private async append(rows: RejectedRow[]): Promise<void> {
    if (!this.handle) {
      await mkdir(join(this.path, '..'), { recursive: true });
      this.handle = await open(this.path, 'w');
      this.wroteAny = true;
      await this.handle.write(`${['line', 'column', 'reason', ...this.header].map(csvField).join(',')}\n`);
    }
    const text = rows.map((r) => [String(r.line), r.column, r.reason, ...r.values].map(csvField).join(',')).join('\n');
    await this.handle.write(`${text}\n`);
  }

  /** Call once, when the file's load is over. */
  async close(): Promise<void> {
    await this.queue.catch(() => {});
    await this.handle?.close();
  }
}
