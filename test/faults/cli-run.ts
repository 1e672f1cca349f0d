// The real CLI as a child process (`node bin/keyload.js load ...`), watched through its plain
// progress lines on stderr ("staging  f2.csv 40% ..."), so a fault can be timed to a file's stage.
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { FileResult, LoadResult } from '../../src/shared/load-types.ts';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const STAGE_LINE = /^(reading|staging|merging|done|failed|partly-loaded|cancelled|skipped)\s+(\S+)/;

export interface CliExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The --json result, when the run got to print it. */
  result: LoadResult | null;
  stderr: string[];
}

export class CliRun {
  readonly child: ChildProcessByStdio<null, Readable, Readable>;
  readonly stderr: string[] = [];
  /** The latest stage line per file name. */
  readonly stageOf = new Map<string, string>();
  readonly exit: Promise<CliExit>;
  exited = false;
  private readonly waiters: { stage: string; file: string | null; resolve: (seen: boolean) => void }[] = [];

  constructor(args: string[], env: NodeJS.ProcessEnv) {
    this.child = spawn(process.execPath, ['bin/keyload.js', 'load', ...args], { cwd: REPO, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    this.child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const lines = createInterface({ input: this.child.stderr });
    lines.on('line', (line) => this.onLine(line));
    const closed = new Promise<void>((resolve) => lines.once('close', resolve));
    this.exit = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        this.exited = true;
        for (const w of this.waiters.splice(0)) w.resolve(false);
        // stdout and stderr are complete once their streams close.
        void closed.then(() => resolve({ code, signal, result: parseResult(stdout), stderr: this.stderr }));
      });
    });
  }

  private onLine(line: string): void {
    this.stderr.push(line);
    const match = STAGE_LINE.exec(line);
    if (!match) return;
    const [, stage = '', file = ''] = match;
    this.stageOf.set(file, stage);
    for (const w of [...this.waiters]) {
      if (w.stage === stage && (w.file === null || w.file === file)) {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        w.resolve(true);
      }
    }
  }

  /** Resolves true when `file` (any file when null) prints a `stage` line, false if the run ends first. */
  reached(stage: string, file: string | null): Promise<boolean> {
    if (this.exited) return Promise.resolve(false);
    if ([...this.stageOf].some(([f, s]) => s === stage && (file === null || f === file))) return Promise.resolve(true);
    return new Promise((resolve) => this.waiters.push({ stage, file, resolve }));
  }

  /** Waits for the end, killing the process if it outlives `ms` (a hang guard, not a timing check). */
  async finish(ms: number): Promise<CliExit & { hung: boolean }> {
    let hung = false;
    const guard = setTimeout(() => {
      hung = true;
      this.child.kill('SIGKILL');
    }, ms);
    const exit = await this.exit;
    clearTimeout(guard);
    return { ...exit, hung };
  }
}

function parseResult(stdout: string): LoadResult | null {
  try {
    return JSON.parse(stdout) as LoadResult;
  } catch {
    return null;
  }
}

/** Indexes of the files a result reports loaded (or skipped as loaded before), by their path. */
export function loadedFiles(result: LoadResult | null, paths: string[]): number[] {
  const loaded = (f: FileResult) => f.status === 'loaded' || (f.status === 'skipped' && /already loaded/.test(f.skipReason ?? ''));
  return (result?.files ?? []).filter(loaded).map((f) => paths.indexOf(f.path)).filter((i) => i >= 0);
}
