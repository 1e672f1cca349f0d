// One CSV of rejected rows per input file: line, column, reason, then the row's values under the
// file's own column names, ready to fix and load again. Rows arrive out of order (the reader,
// parallel staging lanes and the set-based checks after staging each find some), so they are kept
// in line order: buffered, spilled to sorted run files when many, and merged when the file closes.
import { createReadStream } from 'node:fs';
import { mkdir, open, rm, writeFile, type FileHandle } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { createInterface } from 'node:readline';
import { csvText, type CsvFormat, type CsvRow } from '../../output/csv-writer.ts';

export interface RejectedRow {
  line: number;
  column: string | null;
  reason: string;
  values: (string | null)[];
}

/** Rows held in memory before a sorted run is spilled to disk. */
const SPILL_ROWS = 20_000;

// People open rejects files in spreadsheets: cells that would run as formulas are escaped.
const rejectsFormat: CsvFormat = { escapeFormulas: true };

/** One record of the rejects file, with its line ending. */
function record(cells: CsvRow): string {
  return csvText([cells], rejectsFormat);
}

/** A rejected row as it is written: its line (to order by) and its CSV text. */
type Entry = [line: number, text: string];

const byLine = (a: Entry, b: Entry) => a[0] - b[0];

async function* readRun(path: string): AsyncGenerator<Entry> {
  for await (const line of createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity })) {
    if (line) yield JSON.parse(line) as Entry;
  }
}

export class RejectsFile {
  readonly path: string;
  private readonly header: string[];
  private buffer: Entry[] = [];
  private readonly runs: string[] = [];
  /** Spills are chained so they never overlap. */
  private queue: Promise<void> = Promise.resolve();
  private count = 0;

  constructor(directory: string, sourcePath: string, rank: number, header: string[]) {
    this.path = join(directory, `${String(rank + 1).padStart(3, '0')}-${basename(sourcePath)}.rejects.csv`);
    this.header = header;
  }

  /** Some row was rejected (the file itself is written when it closes). */
  get written(): boolean {
    return this.count > 0;
  }

  write(rows: RejectedRow[]): Promise<void> {
    if (rows.length === 0) return this.queue;
    this.count += rows.length;
    for (const r of rows) this.buffer.push([r.line, record([String(r.line), r.column, r.reason, ...r.values])]);
    if (this.buffer.length >= SPILL_ROWS) {
      const entries = this.buffer;
      this.buffer = [];
      this.queue = this.queue.then(() => this.spill(entries));
    }
    return this.queue;
  }

  private async spill(entries: Entry[]): Promise<void> {
    const path = `${this.path}.run${this.runs.length}`;
    await mkdir(join(this.path, '..'), { recursive: true });
    await writeFile(path, `${entries.sort(byLine).map((e) => JSON.stringify(e)).join('\n')}\n`);
    this.runs.push(path);
  }

  /** Call once, when the file's load is over: writes the rows in line order. */
  async close(): Promise<void> {
    await this.queue.catch(() => {});
    if (this.count === 0) return;
    await mkdir(join(this.path, '..'), { recursive: true });
    const handle = await open(this.path, 'w');
    try {
      await handle.write(record(['line', 'column', 'reason', ...this.header]));
      await this.merge(handle);
    } finally {
      await handle.close();
      await Promise.all(this.runs.map((run) => rm(run, { force: true })));
    }
  }

  /** A k-way merge of the spilled runs and the rows still in memory; equal lines keep arrival order. */
  private async merge(handle: FileHandle): Promise<void> {
    const rest = this.buffer.sort(byLine);
    this.buffer = [];
    const sources: AsyncIterator<Entry>[] = [...this.runs.map(readRun), (async function* () { yield* rest; })()];
    const next = async (source: AsyncIterator<Entry>): Promise<Entry | null> => {
      const result = await source.next();
      return result.done ? null : result.value;
    };
    const lanes = await Promise.all(sources.map(async (source) => ({ source, head: await next(source) })));
    let out: string[] = [];
    for (;;) {
      let best: (typeof lanes)[number] | null = null;
      for (const lane of lanes) if (lane.head && (!best?.head || lane.head[0] < best.head[0])) best = lane;
      if (!best?.head) break;
      out.push(best.head[1]);
      best.head = await next(best.source);
      if (out.length >= 1000) {
        await handle.write(out.join(''));
        out = [];
      }
    }
    if (out.length > 0) await handle.write(out.join(''));
  }
}
