// A run report's charts, drawn by the same code as the HTML report's (src/shared/report/svg-charts.ts).
// Its SVG is built from escaped text only, so it is safe to place as markup.
import type { RunReport } from '../../../shared/report-types.ts';
import { reportCharts } from '../../../shared/report/svg-charts.ts';

export function ReportCharts({ report }: { report: RunReport }) {
  return (
    <div className="report-charts">
      {reportCharts(report).map((chart) => (
        <figure key={chart.title} className="report-chart">
          <figcaption>{chart.title}</figcaption>
          <div dangerouslySetInnerHTML={{ __html: chart.svg }} />
        </figure>
      ))}
    </div>
  );
}
