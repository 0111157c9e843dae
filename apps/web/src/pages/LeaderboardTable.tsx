import { Link } from 'react-router';
import type { LeaderboardRow, LeaderboardSort } from '../api/client';
import { SortHeader, type Order } from '../components/SortHeader';
import { Sparkline } from '../components/Sparkline';
import { formatPercent, formatRatio, formatUsd, isNegative } from '../format/decimal';
import { MAX_COMPARED, type BoardState } from './leaderboard-params';

const KIND_LABEL: Record<LeaderboardRow['kind'], string> = { signal: 'Signal', llm_trader: 'LLM trader' };

/** The sortable columns: the API's sort key, the header, the order a first click sorts in, and the cell. */
const COLUMNS: { field: LeaderboardSort; label: string; first?: Order; cell(r: LeaderboardRow): string }[] = [
  { field: 'apr_30d', label: 'APR 30d', cell: (r) => formatPercent(r.apr_30d) },
  { field: 'apr_90d', label: 'APR 90d', cell: (r) => formatPercent(r.apr_90d) },
  { field: 'apr_si', label: 'APR since inception', cell: (r) => formatPercent(r.apr_si) },
  { field: 'sharpe', label: 'Sharpe 30d', cell: (r) => formatRatio(r.sharpe) },
  { field: 'max_drawdown_percent', label: 'Max drawdown', first: 'asc', cell: (r) => formatPercent(r.max_drawdown_percent) },
  { field: 'subscribers', label: 'Subscribers', cell: (r) => String(r.subscribers) },
  { field: 'realized_pnl', label: 'Realized PnL', cell: (r) => formatUsd(r.realized_pnl, { signed: true }) },
];

export function LeaderboardTable(props: {
  rows: LeaderboardRow[];
  state: BoardState;
  onSort(sort: LeaderboardSort, order: Order): void;
  onCompare(ids: string[]): void;
}) {
  const { rows, state, onSort, onCompare } = props;
  const full = state.compare.length >= MAX_COMPARED;
  const toggle = (id: string, on: boolean) => onCompare(on ? [...state.compare, id] : state.compare.filter((x) => x !== id));
  const sortProps = { sort: state.sort, order: state.order, onSort };
  return (
    <div className="table-scroll" role="region" aria-labelledby="leaderboard-caption" tabIndex={0}>
      <table className="leaderboard">
        <caption id="leaderboard-caption">
          Agents by {COLUMNS.find((c) => c.field === state.sort)?.label ?? 'name'}, {state.order === 'asc' ? 'lowest' : 'highest'} first
        </caption>
        <thead>
          <tr>
            <th scope="col">Compare</th>
            <SortHeader field="name" first="asc" {...sortProps}>
              Agent
            </SortHeader>
            <th scope="col">Kind</th>
            {COLUMNS.map((c) => (
              <SortHeader key={c.field} field={c.field} first={c.first} {...sortProps}>
                {c.label}
              </SortHeader>
            ))}
            <th scope="col">PnL, {state.days} days</th>
            <th scope="col">Subscribe</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => {
            const checked = state.compare.includes(r.agent_id);
            return (
              <tr key={r.agent_id} data-agent-id={r.agent_id}>
                <td>
                  <input
                    type="checkbox"
                    aria-label={`Compare ${r.name}`}
                    checked={checked}
                    disabled={!checked && full}
                    onChange={(e) => toggle(r.agent_id, e.target.checked)}
                  />
                </td>
                <th scope="row" className="agent-name">
                  <Link to={`/agents/${r.agent_id}`}>{r.name}</Link>
                  {r.status !== 'ACTIVE' && <span className="status"> ({r.status.toLowerCase()})</span>}
                </th>
                <td>{KIND_LABEL[r.kind]}</td>
                {COLUMNS.map((c) => (
                  <td key={c.field} className={`num${c.field === 'realized_pnl' && isNegative(r.realized_pnl) ? ' loss' : ''}`}>
                    {c.cell(r)}
                  </td>
                ))}
                <td>
                  <Sparkline points={r.sparkline} days={state.days} name={r.name} />
                </td>
                <td>
                  {/* the agent page's subscribe form (it signs the wallet in first) */}
                  <Link to={`/agents/${r.agent_id}#subscribe`} aria-label={`Subscribe to ${r.name}`}>
                    Subscribe
                  </Link>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {rows.length === 0 && <p className="empty">No agent matches these filters.</p>}
    </div>
  );
}
