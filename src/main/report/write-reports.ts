// A run's report, written in each format asked for: the format comes from the path's extension.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, extname } from 'node:path';
import { ErrorCodes, KeyloadError } from '../../shared/errors.ts';
import { REPORT_FORMATS, type ReportFormat, type RunReport } from '../../shared/report-types.ts';
import { renderReport } from '../../shared/report/render.ts';

const isReportFormat = (text: string): text is ReportFormat => (REPORT_FORMATS as readonly string[]).includes(text);

/** The format of a report path (.html, .json, .csv or .md), refused before the run starts otherwise. */
export function reportFormatOf(path: string): ReportFormat {
  const extension = extname(path).slice(1).toLowerCase();
  if (!isReportFormat(extension)) {
    throw new KeyloadError(ErrorCodes.usage, `--report ${path}: the format comes from the extension, one of ${REPORT_FORMATS.map((f) => `.${f}`).join(', ')}`);
  }
  return extension;
}

export async function writeReports(report: RunReport, paths: readonly string[]): Promise<void> {
  for (const path of paths) {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, renderReport(report, reportFormatOf(path)));
  }
}
