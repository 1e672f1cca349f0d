// @vitest-environment happy-dom
// History's inline report and the export control, fed with the report of a real app run
// (src/renderer/test/report-fixture.json, written by src/main/web-host/report-download.test.ts).
import '../../vitest.setup.ts';
import { screen, waitFor } from '@testing-library/react';
import { createElement } from 'react';
import { expect, test } from 'vitest';
import type { RunReport } from '../../../shared/report-types.ts';
import fixture from '../../test/report-fixture.json';
import { createFakeApi } from '../../test/fake-api.ts';
import { renderScreen } from '../../test/render.tsx';
import { RunReportSection } from './run-report.tsx';

const report = fixture as RunReport;

test('the inline report draws every stage of every file, the pool, and the notices', async () => {
  const fake = createFakeApi({ 'runs.report': async () => report });
  const { container } = renderScreen(createElement(RunReportSection, { runId: report.runId }), { api: fake.api });
  expect(await screen.findByText('Stage timeline')).toBeTruthy();
  const spans = report.files.reduce((n, file) => n + file.stages.length, 0);
  expect(spans).toBeGreaterThan(0);
  expect(container.querySelectorAll('svg rect.span')).toHaveLength(spans);
  expect(screen.getByRole('img', { name: 'Stage timeline per file' })).toBeTruthy();
  expect(container.querySelectorAll('svg path.line.busy, svg circle.busy').length).toBe(report.pool && report.pool.series.length > 0 ? 1 : 0);
  for (const notice of report.notices) expect(screen.getByText(notice)).toBeTruthy();
  expect(fake.calls('runs.report')).toEqual([{ runId: report.runId }]);
});

test('in the desktop app, "Export report…" saves the chosen format and says where', async () => {
  const fake = createFakeApi({ 'runs.report': async () => report, 'runs.saveReport': async ({ format }) => ({ savedTo: `/home/me/run.${format}` }) });
  const { user } = renderScreen(createElement(RunReportSection, { runId: report.runId }), { api: fake.api });
  await user.selectOptions(await screen.findByLabelText('Report format'), 'json');
  await user.click(screen.getByRole('button', { name: 'Export report…' }));
  expect(await screen.findByRole('status')).toHaveProperty('textContent', 'Saved to /home/me/run.json');
  expect(fake.calls('runs.saveReport')).toEqual([{ runId: report.runId, format: 'json' }]);
});

test('in a browser, "Export report…" is a download of the chosen format', async () => {
  const fake = createFakeApi({ 'runs.report': async () => report });
  const reportDownloadUrl = (runId: string, format: string) => `/api/download/report?runId=${runId}&format=${format}`;
  const { user } = renderScreen(createElement(RunReportSection, { runId: report.runId }), { api: fake.api, downloads: { reportDownloadUrl } });
  const link = await screen.findByRole('link', { name: 'Export report…' });
  expect(link.getAttribute('href')).toBe(reportDownloadUrl(report.runId, 'html'));
  await user.selectOptions(screen.getByLabelText('Report format'), 'md');
  await waitFor(() => expect(link.getAttribute('href')).toBe(reportDownloadUrl(report.runId, 'md')));
  expect(link.getAttribute('download')).toBe(`keyload-run-${report.runId.slice(0, 8)}.md`);
});

test('a run without a report says why, and offers no export', async () => {
  const fake = createFakeApi({ 'runs.report': async () => null });
  renderScreen(createElement(RunReportSection, { runId: 'old-run' }), { api: fake.api });
  expect(await screen.findByText(/This run has no report/)).toBeTruthy();
  expect(screen.queryByRole('button', { name: 'Export report…' })).toBeNull();
});
