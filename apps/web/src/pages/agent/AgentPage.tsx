import { useEffect, useMemo, useState } from 'react';
import { Link, useLocation, useParams } from 'react-router';
import {
  useAgent,
  useDecisions,
  useMarks,
  usePerformance,
  useRoutingConfig,
  useRoutingHistory,
  useTrades,
  type AgentTrade,
  type PerformanceResponse,
} from '../../api/agent';
import { useSession } from '../../api/session';
import { formatPercent, formatUsd, NO_VALUE } from '../../format/decimal';
import { AgentPolicy } from './CreatorForms';
import { formatTime } from '../../format/time';
import { DecisionLog } from './DecisionLog';
import { PerformanceCharts } from './PerformanceCharts';
import { PriceChart } from './PriceChart';
import { SubscribePanel } from './SubscribePanel';
import { TradesTable } from './TradesTable';
import { VenueSection } from './VenueSection';

const KIND: Record<string, string> = { signal: 'Signal agent', llm_trader: 'LLM trader' };
const HOUR = 3_600_000;

/** Problems loading a section, said in the page (an error alert), not only in the console. */
function Failed({ error }: { error: Error | null }) {
  return error ? (
    <p className="error" role="alert">
      {error.message}
    </p>
  ) : null;
}

function Figures({ p }: { p: PerformanceResponse['performance'] }) {
  const items: [string, string][] = [
    ['Realized PnL', formatUsd(p.realized_pnl, { signed: true })],
    ['Unrealized PnL', formatUsd(p.unrealized_pnl, { signed: true })],
    ['Trades', String(p.trades)],
    ['Max drawdown', formatUsd(p.max_drawdown_usd)],
    ['Max drawdown (daily returns)', p.max_drawdown_pct === null ? NO_VALUE : formatPercent(p.max_drawdown_pct.toFixed(2))],
  ];
  return (
    <dl className="agent-figures">
      {items.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}

/** The trades of one coin on its price chart; a select picks the coin and the trade whose levels are drawn. */
function TradedCoin({ trades }: { trades: AgentTrade[] }) {
  const coins = useMemo(() => [...new Set(trades.map((t) => t.coin))].sort(), [trades]);
  const [coin, setCoin] = useState<string | undefined>(undefined);
  const shown = coin ?? coins[0];
  const ofCoin = useMemo(() => trades.filter((t) => t.coin === shown).reverse(), [trades, shown]);
  const [tradeId, setTradeId] = useState<string | undefined>(undefined);
  const selected = ofCoin.find((t) => t.id === tradeId) ?? ofCoin[ofCoin.length - 1];
  // The range the marks are asked for: from two hours before the first entry to two hours after the last exit.
  const from = ofCoin.length ? new Date(Date.parse(ofCoin[0].entry_time) - 2 * HOUR).toISOString() : '';
  const lastExit = Math.max(...ofCoin.map((t) => Date.parse(t.exit_time ?? t.entry_time)));
  const to = ofCoin.length ? new Date(lastExit + 2 * HOUR).toISOString() : '';
  const marks = useMarks(shown, from, to);
  if (!shown) return <p className="empty">No trade to chart yet.</p>;
  return (
    <>
      <div className="filters">
        <label>
          Coin{' '}
          <select value={shown} onChange={(e) => setCoin(e.target.value)}>
            {coins.map((c) => (
              <option key={c}>{c}</option>
            ))}
          </select>
        </label>
        <label>
          Levels of the trade{' '}
          <select value={selected?.id} onChange={(e) => setTradeId(e.target.value)}>
            {ofCoin.map((t) => (
              <option key={t.id} value={t.id}>
                {t.side === 'long' ? 'Long' : 'Short'} opened {formatTime(new Date(t.entry_time))}
              </option>
            ))}
          </select>
        </label>
      </div>
      <Failed error={marks.error} />
      {marks.data && <PriceChart coin={shown} marks={marks.data} trades={ofCoin} selected={selected} />}
      <p className="meta">
        Charts by{' '}
        <a href="https://www.tradingview.com/lightweight-charts/" rel="noreferrer">
          TradingView Lightweight Charts
        </a>
      </p>
    </>
  );
}

/** /agents/:id: one agent's public record. */
export function AgentPage() {
  const { id = '' } = useParams();
  const agent = useAgent(id);
  const performance = usePerformance(id);
  const trades = useTrades(id, agent.data?.kind === 'llm_trader');
  const decisions = useDecisions(id);
  const routing = useRoutingHistory(id);
  const config = useRoutingConfig(id);
  const { session } = useSession();
  const { hash } = useLocation();
  const loaded = agent.isSuccess;
  // A link to a part of the page (the leaderboard's Subscribe: #subscribe) shows it once the agent is loaded.
  useEffect(() => {
    if (loaded && hash) document.getElementById(decodeURIComponent(hash.slice(1)))?.scrollIntoView();
  }, [loaded, hash]);

  if (agent.isPending) return <p aria-live="polite">Loading the agent…</p>;
  if (agent.error)
    return (
      <>
        <h1>Agent not found</h1>
        <Failed error={agent.error} />
        <p>
          <Link to="/">Back to the leaderboard</Link>
        </p>
      </>
    );
  const a = agent.data;
  // The creator's wallet edits the agent's policy and routing config (the API checks it again on every write).
  const creator = !!session && session.address.toLowerCase() === a.creator_wallet.toLowerCase();
  return (
    <article className="agent-page">
      <header className="agent-header">
        <h1>{a.name}</h1>
        <dl className="agent-facts">
          <div>
            <dt>Kind</dt>
            <dd>{KIND[a.kind] ?? a.kind}</dd>
          </div>
          <div>
            <dt>Status</dt>
            <dd>{a.status.toLowerCase()}</dd>
          </div>
          <div>
            <dt>Creator</dt>
            <dd>
              <code title={a.creator_wallet}>{`${a.creator_wallet.slice(0, 6)}…${a.creator_wallet.slice(-4)}`}</code>
            </dd>
          </div>
          <div>
            <dt>Subscribers</dt>
            <dd>{a.subscribers}</dd>
          </div>
        </dl>
      </header>

      <section id="subscribe" aria-labelledby="subscribe-heading">
        <h2 id="subscribe-heading">Subscribe</h2>
        <SubscribePanel agent={a} />
      </section>

      <section aria-labelledby="performance-heading">
        <h2 id="performance-heading">Performance</h2>
        <Failed error={performance.error} />
        {performance.data && (
          <>
            <Figures p={performance.data.performance} />
            <PerformanceCharts days={performance.data.daily} />
          </>
        )}
      </section>

      <section aria-labelledby="trades-heading">
        <h2 id="trades-heading">Trades</h2>
        {a.kind === 'llm_trader' ? (
          <>
            <Failed error={trades.error} />
            {trades.data && <TradesTable trades={trades.data} agentName={a.name} />}
          </>
        ) : (
          <p>
            A signal agent trades through its subscribers’ deployments, whose positions are theirs to read: the public sees its performance
            above.
          </p>
        )}
      </section>

      {a.kind === 'llm_trader' && (
        <section aria-labelledby="price-heading">
          <h2 id="price-heading">Price and trades</h2>
          {trades.data && <TradedCoin trades={trades.data.filter((t) => t.status !== 'open')} />}
        </section>
      )}

      <section aria-labelledby="decisions-heading">
        <h2 id="decisions-heading">Decision log</h2>
        <Failed error={decisions.error} />
        {decisions.data && <DecisionLog decisions={decisions.data} />}
      </section>

      <section aria-labelledby="policy-heading">
        <h2 id="policy-heading">Agent policy</h2>
        <p className="meta">
          The agent’s own limits: each subscriber’s policy is combined with them, the stricter wins.
          {creator && ' You created this agent: the changes apply from its next signal.'}
        </p>
        <AgentPolicy key={creator ? 'edit' : 'read'} agent={a} editable={creator} />
      </section>

      <section aria-labelledby="venues-heading">
        <h2 id="venues-heading">Venues</h2>
        <Failed error={routing.error ?? config.error} />
        {routing.data && config.isSuccess && <VenueSection agentId={a.id} history={routing.data} config={config.data} editable={creator} />}
      </section>
    </article>
  );
}
