import { Link, useParams } from 'react-router';
import { ApiError } from '../../api/client';
import { useReport } from '../../api/operations';
import { formatTime } from '../../format/time';
import { OperatorGate } from '../operations/OperatorGate';
import { periodLabel } from './period';
import { ReportMarkdown } from './ReportMarkdown';
import { typeLabel } from './ReportsPage';

/** One report, rendered from its markdown (GET /api/v3/reports/:id). */
export function ReportPage() {
  return (
    <OperatorGate title="Report">
      <ReportView id={useParams().id ?? ''} />
    </OperatorGate>
  );
}

function ReportView({ id }: { id: string }) {
  const report = useReport(id);
  if (report.isError)
    return (
      <>
        <h1>Report</h1>
        <p role="alert" className="error">
          {report.error instanceof ApiError && report.error.status === 404
            ? 'There is no such report.'
            : `The report could not be loaded: ${report.error instanceof ApiError ? report.error.message : 'the API did not answer'}.`}
        </p>
        <p>
          <Link to="/reports">All reports</Link>
        </p>
      </>
    );
  if (report.isPending)
    return (
      <>
        <h1>Report</h1>
        <p role="status">Loading the report…</p>
      </>
    );
  const r = report.data;
  return (
    <article>
      <p>
        <Link to="/reports">← All reports</Link>
      </p>
      <h1>
        {typeLabel(r.report_type)} report, {periodLabel(r.report_type, r.period_start, r.period_end)}
      </h1>
      <p className="meta">
        Written {r.created_at ? formatTime(new Date(r.created_at)) : '—'};{' '}
        {r.delivered_at ? `delivered ${formatTime(new Date(r.delivered_at))}` : 'not delivered yet'}.
      </p>
      {r.summary_markdown ? <ReportMarkdown markdown={r.summary_markdown} /> : <p>This report has no text.</p>}
    </article>
  );
}
