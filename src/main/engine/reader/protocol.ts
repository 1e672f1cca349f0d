// Messages between the engine and a reader worker. Every request carries a sequence id and every
// reply echoes it, so the client can match replies without shared state.
import type { ErrorInfo } from '../../../shared/errors.ts';
import type { TypeTally } from '../input/infer-types.ts';
import type { SourcePreview } from '../input/preview.ts';
import type { OpenSourceOptions, SourceColumn, SourceDescription } from '../input/source.ts';

/** A row the reader rejected before it reached the database (wrong field count, NUL byte). */
export interface ReaderReject {
  line: number;
  /** The column whose value could not be read (CSV options); absent when the row as a whole is wrong. */
  column?: string;
  reason: string;
  values: (string | null)[];
}

export interface FileInfo {
  columns: SourceColumn[];
  description: SourceDescription;
  totalBytes: number;
  rowEstimate: number | null;
  mtimeMs: number;
  sha256: string | null;
}

export interface CopyBatch {
  /** COPY text, one row per line: ["ordinal \t line \t"] values... */
  copy: Uint8Array;
  rows: number;
  /** File line of each row in `copy`. */
  lines: Float64Array;
  /** Data rows read from the file so far, including rejected ones. */
  rowsRead: number;
  bytesRead: number;
  rejects: ReaderReject[];
}

export type ReaderRequest =
  | { seq: number; type: 'open'; path: string; options: OpenSourceOptions; hash: boolean }
  /** Starts (first call) or continues streaming; answered by one batch or by end. */
  /** Rows per batch are at most batchRows, and a batch never crosses a multiple of alignTo. */
  | { seq: number; type: 'pull'; sourceIndexes: number[]; batchRows: number; alignTo: number; prefixed: boolean }
  /** The file's first rows for the row preview; the file is closed again before the reply. */
  | { seq: number; type: 'preview'; path: string; options: OpenSourceOptions; rows: number }
  /** Tallies the value types of the first `rows` rows per column (instead of pulling them). */
  | { seq: number; type: 'sample'; rows: number };

export type ReaderReply =
  | { seq: number; type: 'opened'; info: FileInfo }
  | { seq: number; type: 'batch'; batch: CopyBatch }
  | { seq: number; type: 'end'; rowsRead: number; bytesRead: number }
  | { seq: number; type: 'preview'; preview: SourcePreview }
  | { seq: number; type: 'sampled'; tallies: TypeTally[] }
  | { seq: number; type: 'error'; error: ErrorInfo };

/** Sent unasked while the worker makes progress (bytes read, rows produced), for the stall watchdog. */
export interface ReaderProgress {
  type: 'progress';
  /** The last place the reader named, e.g. 'column "price"' in a Parquet file. */
  where: string | null;
}

export type ReaderMessage = ReaderReply | ReaderProgress;
