import type { LeaderboardRow } from '../api/client';
import { EquityChart } from '../components/EquityChart';
import { formatPercent, formatRatio, formatUsd } from '../format/decimal';

const FIGURES: { label: string; value(r: LeaderboardRow): string }[] = [
  { label: 'APR 30d', value: (r) => formatPercent(r.apr_30d) },
  { label: 'APR 90d', value: (r) => formatPercent(r.apr_90d) },
  { label: 'APR since inception', value: (r) => formatPercent(r.apr_si) },
  { label: 'Sharpe 30d', value: (r) => formatRatio(r.sharpe) },
  { label: 'Max drawdown', value: (r) => formatPercent(r.max_drawdown_percent) },
  { label: 'Max drawdown (USD)', value: (r) => formatUsd(r.max_drawdown) },
  { label: 'Subscribers', value: (r) => String(r.subscribers) },
  { label: 'Realized PnL', value: (r) => formatUsd(r.realized_pnl, { signed: true }) },
];

/** Two to four agents: their PnL curves overlaid, and their figures side by side (one column per agent). */
export function CompareView({ rows, days }: { rows: LeaderboardRow[]; days: number }) {
  return (
    <div className="compare-view">
      <EquityChart rows={rows} days={days} />
      <div className="table-scroll" role="region" aria-labelledby="compare-caption" tabIndex={0}>
        <table className="figures">
          <caption id="compare-caption">Figures of the compared agents</caption>
          <thead>
            <tr>
              <td />
              {rows.map((r) => (
                <th key={r.agent_id} scope="col">
                  {r.name}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {FIGURES.map((f) => (
              <tr key={f.label}>
                <th scope="row">{f.label}</th>
                {rows.map((r) => (
                  <td key={r.agent_id} className="num">
                    {f.value(r)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
