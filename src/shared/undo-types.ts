// Undo's vocabulary, shared by the engine, the CLI and the app (docs/undo.md).

/** A run's undo state on a server. */
export interface UndoEntry {
  runId: string;
  /** The target, schema-qualified. */
  table: string;
  mode: string;
  key: string[];
  /** recording: the run is going on, or was killed (what it committed can be undone); kept: complete. */
  status: 'recording' | 'kept' | 'undone';
  createdAt: string;
  finishedAt: string | null;
  undoneAt: string | null;
  /** Space the undo state takes on the server; null once it is gone. */
  bytes: number | null;
}

/** A row the run wrote that is not there any more as the run left it. */
export interface UndoConflict {
  key: Record<string, unknown>;
  /** changed: another row is there now; deleted: no row has the key now. */
  change: 'changed' | 'deleted';
  /** The row as it is now; null when deleted. */
  current: Record<string, unknown> | null;
  /** The row the undo would put back; null when the run inserted the key (the undo deletes it). */
  restore: Record<string, unknown> | null;
}

export interface UndoOutcome {
  entry: UndoEntry;
  /** Rows the undo deletes: keys the run inserted (for a replace, the table's current rows). */
  toDelete: number;
  /** Rows the undo puts back: those the run updated (for a replace, the whole previous table). */
  toRestore: number;
  /** Rows changed since the run; the first few are in shownConflicts. */
  conflicts: number;
  shownConflicts: UndoConflict[];
  /** Later runs that wrote some of the same keys, newest first: to undo before this one. */
  laterRuns: string[];
  /** Why the run cannot be undone at all (the table was recreated or altered, ...); null if it can. */
  refused: string | null;
  /** The undo was carried out (not a dry run, and nothing stopped it). */
  done: boolean;
  /** With chain: the later runs' undos, in the order they were made (newest run first). */
  chained: UndoOutcome[];
}
