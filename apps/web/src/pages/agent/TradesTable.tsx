import type { AgentTrade } from '../../api/agent';
import { formatPrice, formatQuantity, formatUsd, isNegative, NO_VALUE } from '../../format/decimal';
import { formatTime } from '../../format/time';
import { download, tradesCsv } from './trades-csv';

const when = (iso: string | null) => (iso ? formatTime(new Date(iso)) : NO_VALUE);
const REASON: Record<string, string> = {
  TAKE_PROFIT: 'Take profit',
  STOP_LOSS: 'Stop loss',
  LIQUIDATION: 'Liquidation',
  AGENT_CLOSE: 'Closed by the agent',
  TRAILING_STOP: 'Trailing stop',
};

/** The closed trades of the agent's book: times in the reader's zone, the API's figures formatted, and a CSV of them. */
export function TradesTable({ trades, agentName }: { trades: AgentTrade[]; agentName: string }) {
  const closed = trades.filter((t) => t.status !== 'open');
  const file = `${agentName.replace(/[^\w-]+/g, '-')}-trades.csv`;
  return (
    <>
      <p>
        <button type="button" className="action" onClick={() => download(file, tradesCsv(closed))} disabled={!closed.length}>
          Export CSV
        </button>
      </p>
      <div className="table-scroll" role="region" aria-labelledby="trades-caption" tabIndex={0}>
        <table className="trades">
          <caption id="trades-caption">Closed trades, newest first</caption>
          <thead>
            <tr>
              {['Opened', 'Closed', 'Coin', 'Side', 'Size', 'Entry', 'Exit', 'PnL', 'Fees', 'Exit reason'].map((h) => (
                <th key={h} scope="col">
                  {h}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {closed.map((t) => (
              <tr key={t.id} data-trade-id={t.id}>
                <td>{when(t.entry_time)}</td>
                <td>{when(t.exit_time)}</td>
                <td>{t.coin}</td>
                <td>{t.side === 'long' ? 'Long' : 'Short'}</td>
                <td className="num">{formatQuantity(t.size)}</td>
                <td className="num">{formatPrice(t.entry_price)}</td>
                <td className="num">{formatPrice(t.exit_price)}</td>
                <td className={`num${isNegative(t.realized_pnl) ? ' loss' : ''}`}>{formatUsd(t.realized_pnl, { signed: true })}</td>
                <td className="num">{formatUsd(t.fees)}</td>
                <td>{t.notes ? (REASON[t.notes] ?? t.notes) : NO_VALUE}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {!closed.length && <p className="empty">No closed trade yet.</p>}
      </div>
    </>
  );
}
