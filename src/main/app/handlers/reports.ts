// runs.report and runs.saveReport: a finished run's report, read from runs/<run id>/report.json, and
// exported in a format (a save dialog in Electron; the web host downloads reportFile's file instead).
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ErrorCodes, KeyloadError } from '../../../shared/errors.ts';
import type { ReportFormat, RunReport } from '../../../shared/report-types.ts';
import { renderReport } from '../../../shared/report/render.ts';
import { readRunReport } from '../../report/run-report.ts';
import type { RunHistory } from '../../store/run-history.ts';
import type { HandlerImpls } from '../dispatch.ts';
import type { FileActions } from '../file-actions.ts';

export class RunReports {
  private readonly history: RunHistory;

  constructor(history: RunHistory) {
    this.history = history;
  }

  /** Null for a run without a report: still running, from before reports, or failed before it started. */
  async report(runId: string): Promise<RunReport | null> {
    const run = this.history.get(runId);
    if (!run) throw new KeyloadError(ErrorCodes.usage, `There is no run ${runId} in the history.`);
    if (run.status === 'running') return null;
    return readRunReport(run.reportDir, runId).catch((error: unknown) => {
      if (error instanceof KeyloadError && error.code === ErrorCodes.fileNotFound) return null;
      throw error;
    });
  }

  /** The report rendered into the run's directory as keyload-run-<id>.<format>; its path. */
  async file(runId: string, format: ReportFormat): Promise<string> {
    const report = await this.report(runId);
    const run = this.history.get(runId);
    if (!report || !run) throw new KeyloadError(ErrorCodes.fileNotFound, `Run ${runId} has no report to export`);
    const path = join(run.reportDir, `keyload-run-${runId.slice(0, 8)}.${format}`);
    await writeFile(path, renderReport(report, format));
    return path;
  }
}

export function reportHandlers(reports: RunReports, files: FileActions | null): Pick<HandlerImpls, 'runs.report' | 'runs.saveReport'> {
  return {
    'runs.report': async ({ runId }) => reports.report(runId),
    'runs.saveReport': async ({ runId, format }) => {
      if (!files) throw new KeyloadError(ErrorCodes.usage, 'Saving files needs the desktop app; in a browser, download the report instead.');
      return { savedTo: await files.saveCopy(await reports.file(runId, format)) };
    },
  };
}
