// Reading progress inside a reader worker, for the engine's stall watchdog (reader/reader-client.ts).
// Every reader calls noteProgress when it gets bytes or produces rows; a Parquet reader names the
// column it reads. The worker reports to the engine only when the count moved, so a reader stuck
// in I/O or spinning on the CPU stops the reports and the engine fails the file, naming the place.
// One count per worker thread: piscina runs one reading task per worker at a time.

let ticks = 0;
let place: string | undefined;

/** Call on every chunk of bytes read and every row (or batch of rows) produced. */
export function noteProgress(where?: string): void {
  ticks++;
  if (where !== undefined) place = where;
}

export interface ProgressMark {
  ticks: number;
  /** The last place a reader named (e.g. 'column "price"'), for the stall error. */
  where: string | undefined;
}

export function progressMark(): ProgressMark {
  return { ticks, where: place };
}

/** A new task starts counting afresh (the place of the previous file is not this one's). */
export function resetProgress(): void {
  place = undefined;
}
