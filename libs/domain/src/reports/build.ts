import Decimal from 'decimal.js';
import { dec, Dec, toMoney } from '../money';
import { ReportPeriod } from './period';

/**
 * The report builder (issue 15): from one period's closed trades, open positions, bills and notable events, the
 * metrics (JSON), the notable events and the markdown a report row stores. Pure: no I/O, no clock; every amount is a
 * decimal string in and out (8 places, like the DECIMAL(20,8) columns), never a float.
 */

/** A position closed in the period. `pnl` is its realized PnL as recorded; `fees` its filled orders' fees. */
export interface ReportTrade {
  positionId: string;
  agentId: string;
  agentName: string;
  deploymentId: string;
  tokenSymbol: string;
  side: string;
  pnl: string;
  fees: string;
  closedAt: Date;
  exitReason: string | null;
}

/** A position open at the period's end; its unrealized PnL from the last mark (null without one). */
export interface ReportOpenPosition {
  positionId: string;
  agentId: string;
  agentName: string;
  deploymentId: string;
  unrealizedPnl: string | null;
}

/** A bill that was created, collected or failed in the period (one bill can appear once per event). */
export interface ReportBill {
  id: string;
  kind: string;
  amount: string;
  deploymentId: string | null;
  event: 'created' | 'collected' | 'failed';
}

export const NOTABLE_KINDS = [
  'kill_switch',
  'signal_failed',
  'outcome_failed',
  'venue_down',
  'bill_failed',
  'wallet_event',
  'bias_flip',
] as const;
export type NotableKind = (typeof NOTABLE_KINDS)[number];

/** Something an operator should see, at a time in the period. */
export interface NotableEvent {
  at: string;
  kind: NotableKind;
  /** The id of what it is about (deployment, signal, venue, bill, wallet, asset). */
  subject: string | null;
  /** One line, for the markdown. */
  detail: string;
}

export interface ReportInput {
  period: ReportPeriod;
  trades: readonly ReportTrade[];
  openPositions: readonly ReportOpenPosition[];
  bills: readonly ReportBill[];
  events: readonly NotableEvent[];
}

export interface MoneyCount {
  count: number;
  amount: string;
}

export interface TradeRef {
  position_id: string;
  agent_id: string;
  agent_name: string;
  deployment_id: string;
  token_symbol: string;
  side: string;
  pnl: string;
  closed_at: string;
}

export interface AgentMetrics {
  agent_id: string;
  name: string;
  trades: number;
  wins: number;
  losses: number;
  win_rate: string | null;
  realized_pnl: string;
  fees: string;
}

export interface DeploymentMetrics {
  deployment_id: string;
  agent_id: string;
  trades: number;
  wins: number;
  losses: number;
  win_rate: string | null;
  realized_pnl: string;
  fees: string;
  open_positions: number;
  unrealized_pnl: string;
}

/** The `metrics` JSON of a report. Amounts are decimal strings; win rates are fractions with 4 places. */
export interface ReportMetrics {
  report_type: string;
  period_start: string;
  period_end: string;
  trades: { closed: number; wins: number; losses: number; breakeven: number; win_rate: string | null };
  realized_pnl: string;
  fees: string;
  open_positions: { count: number; unrealized_pnl: string };
  best_trade: TradeRef | null;
  worst_trade: TradeRef | null;
  agents: AgentMetrics[];
  deployments: DeploymentMetrics[];
  bills: { created: MoneyCount; collected: MoneyCount; failed: MoneyCount };
  notable_events: number;
}

export interface BuiltReport {
  metrics: ReportMetrics;
  notableEvents: NotableEvent[];
  markdown: string;
}

/** wins / trades with 4 places (half-even), null with no trade. */
export function winRateOf(wins: number, trades: number): string | null {
  return trades === 0 ? null : new Dec(wins).div(trades).toFixed(4, Decimal.ROUND_HALF_EVEN);
}

const ZERO = () => new Dec(0);

interface Tally {
  trades: number;
  wins: number;
  losses: number;
  pnl: Decimal;
  fees: Decimal;
}
const tally = (): Tally => ({ trades: 0, wins: 0, losses: 0, pnl: ZERO(), fees: ZERO() });
function count(t: Tally, trade: ReportTrade) {
  const pnl = dec(trade.pnl);
  t.trades += 1;
  if (pnl.gt(0)) t.wins += 1;
  if (pnl.lt(0)) t.losses += 1;
  t.pnl = t.pnl.plus(pnl);
  t.fees = t.fees.plus(dec(trade.fees));
}

function ref(t: ReportTrade): TradeRef {
  return {
    position_id: t.positionId,
    agent_id: t.agentId,
    agent_name: t.agentName,
    deployment_id: t.deploymentId,
    token_symbol: t.tokenSymbol,
    side: t.side,
    pnl: toMoney(t.pnl),
    closed_at: t.closedAt.toISOString(),
  };
}

/** Larger PnL first; on a tie the earlier close, then the position id (a stable order whatever the input's). */
function byPnlDesc(a: ReportTrade, b: ReportTrade): number {
  return dec(b.pnl).cmp(dec(a.pnl)) || a.closedAt.getTime() - b.closedAt.getTime() || a.positionId.localeCompare(b.positionId);
}

/** Higher realized PnL first, then the id. */
const byRealized =
  <T extends { realized_pnl: string }>(id: (x: T) => string) =>
  (a: T, b: T) =>
    dec(b.realized_pnl).cmp(dec(a.realized_pnl)) || id(a).localeCompare(id(b));

export function buildReport(input: ReportInput): BuiltReport {
  const { period } = input;
  const all = tally();
  const agents = new Map<string, Tally & { name: string }>();
  const deployments = new Map<string, Tally & { agentId: string; open: number; unrealized: Decimal }>();
  const deployment = (id: string, agentId: string) => {
    let d = deployments.get(id);
    if (!d) deployments.set(id, (d = { ...tally(), agentId, open: 0, unrealized: ZERO() }));
    return d;
  };
  for (const t of input.trades) {
    count(all, t);
    let a = agents.get(t.agentId);
    if (!a) agents.set(t.agentId, (a = { ...tally(), name: t.agentName }));
    count(a, t);
    count(deployment(t.deploymentId, t.agentId), t);
  }
  let unrealized = ZERO();
  for (const p of input.openPositions) {
    const d = deployment(p.deploymentId, p.agentId);
    d.open += 1;
    if (p.unrealizedPnl !== null) {
      d.unrealized = d.unrealized.plus(dec(p.unrealizedPnl));
      unrealized = unrealized.plus(dec(p.unrealizedPnl));
    }
  }
  const sorted = [...input.trades].sort(byPnlDesc);
  const bills = (event: ReportBill['event']): MoneyCount => {
    const of = input.bills.filter((b) => b.event === event);
    return { count: of.length, amount: toMoney(of.reduce((s, b) => s.plus(dec(b.amount)), ZERO())) };
  };
  const notableEvents = [...input.events].sort(
    (a, b) => a.at.localeCompare(b.at) || a.kind.localeCompare(b.kind) || (a.subject ?? '').localeCompare(b.subject ?? ''),
  );

  const metrics: ReportMetrics = {
    report_type: period.type,
    period_start: period.start.toISOString(),
    period_end: period.end.toISOString(),
    trades: {
      closed: all.trades,
      wins: all.wins,
      losses: all.losses,
      breakeven: all.trades - all.wins - all.losses,
      win_rate: winRateOf(all.wins, all.trades),
    },
    realized_pnl: toMoney(all.pnl),
    fees: toMoney(all.fees),
    open_positions: { count: input.openPositions.length, unrealized_pnl: toMoney(unrealized) },
    best_trade: sorted.length ? ref(sorted[0]) : null,
    worst_trade: sorted.length ? ref(sorted[sorted.length - 1]) : null,
    agents: [...agents]
      .map(([id, a]) => ({
        agent_id: id,
        name: a.name,
        trades: a.trades,
        wins: a.wins,
        losses: a.losses,
        win_rate: winRateOf(a.wins, a.trades),
        realized_pnl: toMoney(a.pnl),
        fees: toMoney(a.fees),
      }))
      .sort(byRealized((a) => a.agent_id)),
    deployments: [...deployments]
      .map(([id, d]) => ({
        deployment_id: id,
        agent_id: d.agentId,
        trades: d.trades,
        wins: d.wins,
        losses: d.losses,
        win_rate: winRateOf(d.wins, d.trades),
        realized_pnl: toMoney(d.pnl),
        fees: toMoney(d.fees),
        open_positions: d.open,
        unrealized_pnl: toMoney(d.unrealized),
      }))
      .sort(byRealized((d) => d.deployment_id)),
    bills: { created: bills('created'), collected: bills('collected'), failed: bills('failed') },
    notable_events: notableEvents.length,
  };
  return { metrics, notableEvents, markdown: renderMarkdown(metrics, notableEvents) };
}

// ---- markdown ---------------------------------------------------------------------------------------------------

/** A table cell: no pipe or line break can break the table (agent names are user text). */
export function markdownCell(text: string): string {
  return text
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/[\r\n]+/g, ' ');
}

const percent = (rate: string | null) => (rate === null ? '–' : `${dec(rate).mul(100).toFixed(2)}%`);
const when = (iso: string) => iso.replace('T', ' ').replace(/:00\.000Z$/, ' UTC');
const short = (id: string) => id.slice(0, 8);

function tradeLine(label: string, t: TradeRef | null): string {
  if (!t) return `- ${label}: –`;
  const where = `deployment ${short(t.deployment_id)}, position ${short(t.position_id)}`;
  return `- ${label}: ${t.pnl} USDC, ${t.side} ${markdownCell(t.token_symbol)} by ${markdownCell(t.agent_name)} (${where})`;
}

export function renderMarkdown(m: ReportMetrics, events: readonly NotableEvent[]): string {
  const lines: string[] = [];
  const title = m.report_type === 'daily' ? 'Daily report' : '4-hour report';
  lines.push(`# Conduit ${title}: ${when(m.period_start)} to ${when(m.period_end)}`, '');
  lines.push('## Summary', '');
  const t = m.trades;
  lines.push(`- Trades closed: ${t.closed} (${t.wins} won, ${t.losses} lost, ${t.breakeven} even; win rate ${percent(t.win_rate)})`);
  lines.push(`- Realized PnL: ${m.realized_pnl} USDC`);
  lines.push(`- Fees: ${m.fees} USDC`);
  lines.push(`- Open positions at the end: ${m.open_positions.count} (unrealized PnL ${m.open_positions.unrealized_pnl} USDC)`);
  lines.push(tradeLine('Best trade', m.best_trade), tradeLine('Worst trade', m.worst_trade), '');

  lines.push('## PnL per agent', '');
  if (!m.agents.length) lines.push('No trade closed.', '');
  else {
    lines.push('| Agent | Trades | Won | Win rate | Realized PnL | Fees |', '|---|---:|---:|---:|---:|---:|');
    for (const a of m.agents)
      lines.push(
        `| ${markdownCell(a.name)} (${short(a.agent_id)}) | ${a.trades} | ${a.wins} | ${percent(a.win_rate)} | ` +
          `${a.realized_pnl} | ${a.fees} |`,
      );
    lines.push('');
  }

  lines.push('## PnL per deployment', '');
  if (!m.deployments.length) lines.push('No trade closed and no position open.', '');
  else {
    lines.push(
      '| Deployment | Agent | Trades | Win rate | Realized PnL | Fees | Open | Unrealized PnL |',
      '|---|---|---:|---:|---:|---:|---:|---:|',
    );
    for (const d of m.deployments)
      lines.push(
        `| ${short(d.deployment_id)} | ${short(d.agent_id)} | ${d.trades} | ${percent(d.win_rate)} | ${d.realized_pnl} | ${d.fees} | ` +
          `${d.open_positions} | ${d.unrealized_pnl} |`,
      );
    lines.push('');
  }

  lines.push('## Bills', '', '| | Count | Amount (USDC) |', '|---|---:|---:|');
  for (const k of ['created', 'collected', 'failed'] as const) lines.push(`| ${k} | ${m.bills[k].count} | ${m.bills[k].amount} |`);
  lines.push('');

  lines.push('## Notable events', '');
  if (!events.length) lines.push('None.');
  for (const e of events) lines.push(`- ${when(e.at)} ${e.kind.replace(/_/g, ' ')}: ${markdownCell(e.detail)}`);
  return `${lines.join('\n')}\n`;
}
