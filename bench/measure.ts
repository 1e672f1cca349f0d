// Runs one command as a child process and measures its wall time and, through GNU time, its peak
// resident memory. Stderr lines are timestamped on arrival, which gives Keyload's stage split from
// its plain (non-TTY) progress lines without touching the engine.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Run {
  seconds: number;
  /** Peak RSS in MB, or null where GNU time is not available. */
  peakRssMb: number | null;
  stdout: string;
  /** Stderr lines with the seconds since start at which they arrived. */
  stderr: { at: number; line: string }[];
}

const GNU_TIME = '/usr/bin/time';

/** GNU time, if this machine has it (BusyBox's time has no -f / -o). */
export const hasGnuTime = spawnSync(GNU_TIME, ['-f', '%M', '-o', '/dev/null', 'true']).status === 0;

export async function measure(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<Run> {
  const dir = await mkdtemp(join(tmpdir(), 'keyload-bench-time-'));
  const rssFile = join(dir, 'rss');
  const full = hasGnuTime ? [GNU_TIME, '-f', '%M', '-o', rssFile, ...argv] : argv;
  try {
    const started = performance.now();
    const child = spawn(full[0] as string, full.slice(1), { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: { at: number; line: string }[] = [];
    let partial = '';
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      const at = (performance.now() - started) / 1000;
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) stderr.push({ at, line });
    });
    const code = await new Promise<number | null>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', resolve);
    });
    const seconds = (performance.now() - started) / 1000;
    if (partial) stderr.push({ at: seconds, line: partial });
    if (code !== 0) {
      const tail = stderr.slice(-15).map((l) => l.line).join('\n');
      throw new Error(`${argv.join(' ')} exited with ${code}:\n${tail}`);
    }
    const rssKb = hasGnuTime ? Number((await readFile(rssFile, 'utf8')).trim()) : NaN;
    return { seconds, peakRssMb: Number.isFinite(rssKb) ? rssKb / 1024 : null, stdout: Buffer.concat(stdout).toString('utf8'), stderr };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
