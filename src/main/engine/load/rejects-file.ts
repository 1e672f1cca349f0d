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

  constructor(directory: string, sourcePath: string, rank: number, header: string[]) {
    this.path = join(directory, `${String(rank + 1).padStart(3, '0')}-${basename(sourcePath)}.rejects.csv`);
    this.header = header;
  }

  get written(): boolean {
    return this.handle !== undefined;
  }

  async write(rows: RejectedRow[]): Promise<void> {
    if (rows.length === 0) return;
    if (!this.handle) {
      await mkdir(join(this.path, '..'), { recursive: true });
      this.handle = await open(this.path, 'w');
      await this.handle.write(`${['line', 'column', 'reason', ...this.header].map(csvField).join(',')}\n`);
    }
    const text = rows.map((r) => [String(r.line), r.column, r.reason, ...r.values].map(csvField).join(',')).join('\n');
    await this.handle.write(`${text}\n`);
  }

  async close(): Promise<void> {
    await this.handle?.close();
  }
}
