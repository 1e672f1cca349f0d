// A run report's charts, drawn by the same code as the HTML report's (src/shared/report/svg-charts.ts).
// Its SVG is built from escaped text only, so it is safe to place as markup.
import type { RunReport } from '../../../shared/report-types.ts';
import { poolSvg, stageTimelineSvg, throughputSvg } from '../../../shared/report/svg-charts.ts';

function Chart({ title, svg }: { title: string; svg: string }) {
  return (
    <figure className="report-chart">
      <figcaption>{title}</figcaption>
      <div dangerouslySetInnerHTML={{ __html: svg }} />
    </figure>
  );
}

export function ReportCharts({ report }: { report: RunReport }) {
  return (
    <div className="report-charts">
      <Chart title="Stage timeline" svg={stageTimelineSvg(report.files, report.seconds * 1000)} />
      <Chart title="Rows read per second" svg={throughputSvg(report.throughput)} />
      <Chart title="Connection pool" svg={poolSvg(report.pool?.series ?? [], report.pool?.size ?? 0)} />
    </div>
  );
}
