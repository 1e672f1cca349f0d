// Live progress on stderr: on a terminal, one redrawn line per active file (bytes %, rows, rows/s,
// ETA); otherwise plain log lines whenever a file changes stage, so CI logs stay readable.
import { basename } from 'node:path';
import type { FileProgress, LoadEvent } from '../../shared/load-types.ts';
import { lockWaitMessage } from '../../shared/lock-wait.ts';
import { formatBytes, formatCount, formatSeconds } from './format.ts';

export interface ProgressOutput {
  write(text: string): void;
  isTTY: boolean;
  columns?: number;
}

/** While merging, the share of staged rows merged; before, the share of bytes read. */
function describe(p: FileProgress): string {
  const eta = p.etaSeconds !== null && p.stage !== 'done' ? ` ETA ${formatSeconds(p.etaSeconds)}` : '';
  if (p.stage === 'merging' && p.stagedRows > 0) {
    const percent = Math.min(100, Math.floor((p.mergedRows / p.stagedRows) * 100));
    return `${p.stage.padEnd(8)} ${basename(p.path)} ${percent}% merged ${formatCount(p.mergedRows)}/${formatCount(p.stagedRows)} rows${eta}`;
  }
  const percent = p.totalBytes > 0 ? `${Math.min(100, Math.floor((p.bytesRead / p.totalBytes) * 100))}%` : '';
  const rate = p.rowsPerSecond > 0 ? ` ${formatCount(p.rowsPerSecond)} rows/s` : '';
  return `${p.stage.padEnd(8)} ${basename(p.path)} ${percent} ${formatBytes(p.bytesRead)}/${formatBytes(p.totalBytes)} ${formatCount(p.counts.read)} rows${rate}${eta}`;
}

export class ProgressView {
  private readonly out: ProgressOutput;
  private readonly files = new Map<string, FileProgress>();
  private drawnLines = 0;

  constructor(out: ProgressOutput) {
    this.out = out;
  }

  handle(event: LoadEvent): void {
    if (event.type === 'notice') return this.print(`note: ${event.message}`);
    if (event.type === 'lock-wait') {
      for (const wait of event.waits) this.print(lockWaitMessage(wait));
      return;
    }
    if (event.type === 'run-finished') return this.clear();
    if (event.type !== 'file-progress') return;
    const previous = this.files.get(event.file.path);
    this.files.set(event.file.path, event.file);
    if (this.out.isTTY) this.redraw();
    else if (previous?.stage !== event.file.stage && event.file.stage !== 'queued') this.out.write(`${describe(event.file)}\n`);
  }

  private print(line: string): void {
    this.clear();
    this.out.write(`${line}\n`);
    if (this.out.isTTY) this.redraw();
  }

  private clear(): void {
    if (this.drawnLines > 0) this.out.write(`\x1b[${this.drawnLines}A\x1b[J`);
    this.drawnLines = 0;
  }

  private redraw(): void {
    const width = Math.max(40, (this.out.columns ?? 100) - 1);
    const active = [...this.files.values()].filter((p) => p.stage !== 'queued');
    const lines = active.slice(-20).map((p) => describe(p).slice(0, width));
    this.clear();
    if (lines.length > 0) this.out.write(`${lines.join('\n')}\n`);
    this.drawnLines = lines.length;
  }
}
