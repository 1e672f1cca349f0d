// The engine's public API: plan -> run -> events -> result. The CLI, worker threads and the
// desktop app's IPC handlers all drive the engine through these functions only.
export { planLoad, type LoadPlan, type PlannedFile } from './load/plan.ts';
export type { ConnectionConfig } from './load/runtime/pool.ts';
export { runLoad, type RunHooks } from './load/run.ts';
export { proposeColumns, type ProposeOptions } from './target/propose-columns.ts';
export { toErrorInfo } from './error-info.ts';
export { inspectFile, inspectFiles, previewFile } from './inspect/inspect-files.ts';
export { listFiles } from './load/file-list.ts';
export { fitBudget, freeConnections } from './load/runtime/pool-budget.ts';
export { readRejectsFile } from './load/stage/rejects-reader.ts';
export { introspectTable, type TargetTable } from './target/introspect.ts';
export { mapColumns } from './target/mapping.ts';
export { recordConverter } from './input/csv-values.ts';
export { closeReaderPool } from './reader/reader-pool.ts';
export { readJobFile, type Job } from './job/job-file.ts';
export { runJob, type JobHooks } from './job/run-job.ts';
export { PreviewSession, type PreviewHooks } from './preview/preview-session.ts';
export { writeConflictsCsv, type ConflictSource } from './preview/conflicts-csv.ts';
export { CsvFileWriter, csvText, type CsvCell, type CsvFormat, type CsvRow } from './output/csv-writer.ts';
export { cleanLeftovers, type CleanReport } from './load/cleanup/clean.ts';
export { listUndo, listUndoOnServer, undoOnServer, undoRun, type UndoRequest } from './undo/undo-run.ts';
