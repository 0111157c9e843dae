import { Link, useSearchParams } from 'react-router';
import { ApiError } from '../../api/client';
import { useReports, type ReportListParams } from '../../api/operations';
import { Pager } from '../../components/Pager';
import { formatTime } from '../../format/time';
import { OperatorGate } from '../operations/OperatorGate';
import { periodLabel } from './period';

type ReportType = NonNullable<ReportListParams['type']>;
const TYPES: { value: ReportType; label: string }[] = [
  { value: '4h', label: '4 hours' },
  { value: 'daily', label: 'Daily' },
];
const PAGE = 50;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The filters and page in the URL (`?type=daily&from=2026-06-01&to=2026-06-08&offset=50`): a bad value is left out. */
function readQuery(params: URLSearchParams): ReportListParams {
  const type = params.get('type');
  const from = params.get('from') ?? '';
  const to = params.get('to') ?? '';
  const offset = Number(params.get('offset') ?? '0');
  return {
    limit: PAGE,
    ...(Number.isInteger(offset) && offset > 0 ? { offset } : {}),
    ...(type === '4h' || type === 'daily' ? { type } : {}),
    ...(DAY.test(from) ? { from } : {}),
    ...(DAY.test(to) ? { to } : {}),
  };
}

export const typeLabel = (t: string) => TYPES.find((x) => x.value === t)?.label ?? t;

/** Operators (as the API): the reports, newest period first, by type and by the days their periods fall in. */
export function ReportsPage() {
  return (
    <OperatorGate title="Reports">
      <ReportList />
    </OperatorGate>
  );
}

function ReportList() {
  const [params, setParams] = useSearchParams();
  const query = readQuery(params);
  const reports = useReports(query);
  const set = (key: 'type' | 'from' | 'to' | 'offset', value: string) => {
    const next = new URLSearchParams(globalThis.location.search); // the URL now: changes in a row keep each other
    if (value) next.set(key, value);
    else next.delete(key);
    if (key !== 'offset') next.delete('offset'); // a new filter starts at its first page
    setParams(next, { replace: key !== 'offset' });
  };
  const offset = query.offset ?? 0;
  const count = reports.data?.reports.length ?? 0;

  return (
    <>
      <h1>Reports</h1>
      <form className="filters" aria-label="Report filters" onSubmit={(e) => e.preventDefault()}>
        <label>
          Type{' '}
          <select value={query.type ?? ''} onChange={(e) => set('type', e.target.value)}>
            <option value="">All types</option>
            {TYPES.map((t) => (
              <option key={t.value} value={t.value}>
                {t.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Periods from (UTC day) <input type="date" value={query.from ?? ''} onChange={(e) => set('from', e.target.value)} />
        </label>
        <label>
          until (UTC day, exclusive) <input type="date" value={query.to ?? ''} onChange={(e) => set('to', e.target.value)} />
        </label>
      </form>
      {reports.isError ? (
        <p role="alert" className="error">
          The reports could not be loaded: {reports.error instanceof ApiError ? reports.error.message : 'the API did not answer'}.
        </p>
      ) : reports.isPending ? (
        <p role="status">Loading reports…</p>
      ) : reports.data.reports.length === 0 ? (
        <p role="status">{offset > 0 ? 'No more reports.' : 'No report matches.'}</p>
      ) : (
        <div className="table-scroll" role="region" aria-label="Reports" tabIndex={0}>
          <table className="reports">
            <thead>
              <tr>
                <th scope="col">Period</th>
                <th scope="col">Type</th>
                <th scope="col">Written</th>
                <th scope="col">Delivered</th>
              </tr>
            </thead>
            <tbody>
              {reports.data.reports.map((r) => (
                <tr key={r.id}>
                  <th scope="row">
                    <Link to={`/reports/${r.id}`}>{periodLabel(r.report_type, r.period_start, r.period_end)}</Link>
                  </th>
                  <td>{typeLabel(r.report_type)}</td>
                  <td>{r.created_at ? formatTime(new Date(r.created_at)) : '—'}</td>
                  <td>{r.delivered_at ? formatTime(new Date(r.delivered_at)) : 'not yet'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {reports.isSuccess && (
        <Pager
          label="Report pages"
          offset={offset}
          pageSize={PAGE}
          count={count}
          onPage={(to) => set('offset', to > 0 ? String(to) : '')}
          busy={reports.isFetching}
        />
      )}
    </>
  );
}
