// What a conflict preview reports, and how the desktop app pages through it. Shared by the engine,
// the CLI's --json output (documented in docs/preview.md) and the renderer.
import type { ErrorInfo } from './errors.ts';
import type { ConflictPolicy, FileOrder, RowCounts, WriteMode } from './load-types.ts';

export type ConflictKind = 'duplicate' | 'cross-file' | 'target' | 'rejected';

export interface PreviewFile {
  path: string;
  /** Position in the current load order (0 = loaded first). */
  position: number;
  status: 'ready' | 'failed' | 'skipped';
  error?: ErrorInfo;
  skipReason?: string;
  /** What `keyload load` with the same arguments would report for this file. */
  counts: RowCounts;
  /** Keys that occur more than once in this file. */
  duplicateKeys: number;
  /** Incoming rows a version policy would not let overwrite a newer stored row. */
  protected: number;
}

export interface PreviewSummary {
  runId: string;
  table: string;
  mode: WriteMode;
  order: FileOrder;
  policy: ConflictPolicy;
  key: string[];
  files: PreviewFile[];
  totals: RowCounts & { protected: number };
  /** overlap[i][j]: keys present in both file i and file j (files in load order; diagonal: distinct keys of the file). */
  overlap: number[][];
  /** Keys whose values differ between files, and per column how many such keys differ in it. */
  crossFile: { keys: number; columns: { column: string; keys: number }[] };
  /** Keys already in the table that the load would change (update) or leave (unchanged). */
  target: { existingKeys: number; changed: number; protectedKeys: number };
  seconds: number;
}

export interface ConflictQuery {
  kind?: ConflictKind;
  /** Keys present in both files (paths). */
  files?: [string, string];
  /** Keys whose values differ in this column (cross-file and target kinds). */
  column?: string;
  /** Substring of the key as text, case-insensitive. */
  key?: string;
  offset?: number;
  limit?: number;
}

export interface ConflictVersion {
  file: string;
  line: number;
  values: Record<string, unknown>;
  /** This row's values end up in the table (under the current order and policy). */
  winner: boolean;
}

export interface ConflictEntry {
  kind: ConflictKind;
  /** Key columns and values; for rejected rows, the values as read. */
  key: Record<string, unknown>;
  /** Columns whose values differ (between files, or between the table and the incoming winner). */
  columns: string[];
  versions: ConflictVersion[];
  /** The row in the table now; null when the key is new. */
  stored: Record<string, unknown> | null;
  /** For rejected rows: why. */
  reject?: { file: string; line: number; column: string | null; reason: string };
}

export interface ConflictPage {
  total: number;
  offset: number;
  limit: number;
  entries: ConflictEntry[];
}
