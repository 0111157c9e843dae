import { Env } from '@conduit/config';
import { AgentRow, rows, Sql } from '@conduit/db';
import { BiasTimeframe, TOKEN_SYMBOL, walletView, WalletSignalEvent, WalletView } from '@conduit/domain';
import { normaliseSymbol } from './signal-store';

/** What the wallet reader needs of an agent: whom it follows and its threshold. */
export type AgentFollowingWallets = Pick<AgentRow, 'wallet_ids' | 'wallet_top_n' | 'wallet_bias_threshold'>;

export interface WalletReading {
  /** The agent's bias per token over its followed wallets (crossing or not). */
  views: Map<string, WalletView>;
  /** Wallet id → address, for the decision log. */
  addresses: Map<string, string>;
}

const HOUR_MS = 3_600_000;
const TIMEFRAME_MS: Record<BiasTimeframe, number> = { '1h': HOUR_MS, '4h': 4 * HOUR_MS, '24h': 24 * HOUR_MS };
/** The wallet_scores column of each timeframe (a closed list: the name goes into the SQL). */
const CREDIBILITY: Record<BiasTimeframe, string> = { '1h': 'credibility_1h', '4h': 'credibility_4h', '24h': 'credibility_24h' };

interface EventRow {
  event_id: string;
  wallet_id: string;
  address: string;
  asset: string;
  timestamp: Date;
  size_fraction: string | null;
  bias_impact: string;
  credibility: string | null;
}

/**
 * The wallets an agent follows: the active ones its wallet_ids name (by id or address, any case) and the watchlist's
 * top wallet_top_n active wallets by their latest 4h credibility at `now` (unscored ones never rank). Their analysed
 * events within the timeframe before `now` (events JOIN event_analysis), each with its wallet's latest credibility for
 * the timeframe at or before `now` (none: 0, so it carries no weight), make one bias per token (assetBias via
 * walletView). Assets that are no token symbol (spot pairs like PURR/USDC, @107) are left out.
 */
export async function readWalletViews(q: Sql, agent: AgentFollowingWallets, now: Date, env: Env): Promise<WalletReading> {
  const views = new Map<string, WalletView>();
  const addresses = new Map<string, string>();
  const listed = agent.wallet_ids ?? [];
  if (!listed.length && !agent.wallet_top_n) return { views, addresses };
  const timeframe = env.WALLET_SIGNAL_TIMEFRAME;
  const events = await rows<EventRow>(
    q,
    `WITH listed AS (
       SELECT w.id FROM wallets w
        WHERE w.is_active AND (w.id::text = ANY($1::text[]) OR w.address = ANY(SELECT lower(x) FROM unnest($1::text[]) x))),
     top AS (
       SELECT w.id FROM wallets w
         JOIN LATERAL (SELECT s.credibility_4h FROM wallet_scores s WHERE s.wallet_id = w.id AND s.timestamp <= $3
                        ORDER BY s.timestamp DESC LIMIT 1) s ON s.credibility_4h IS NOT NULL
        WHERE w.is_active ORDER BY s.credibility_4h DESC, w.id LIMIT COALESCE($2::int, 0)),
     followed AS (SELECT id FROM listed UNION SELECT id FROM top)
     SELECT e.id AS event_id, e.wallet_id, w.address, e.asset, e.timestamp, e.size_fraction::text AS size_fraction,
            a.bias_impact::text AS bias_impact,
            (SELECT s.${CREDIBILITY[timeframe]} FROM wallet_scores s WHERE s.wallet_id = e.wallet_id AND s.timestamp <= $3
              ORDER BY s.timestamp DESC LIMIT 1)::text AS credibility
       FROM events e JOIN followed f ON f.id = e.wallet_id JOIN wallets w ON w.id = e.wallet_id
       JOIN event_analysis a ON a.event_id = e.id
      WHERE e.timestamp > $4 AND e.timestamp <= $3 AND a.bias_impact IS NOT NULL AND e.asset IS NOT NULL
      ORDER BY e.timestamp, e.id`,
    [listed, agent.wallet_top_n ?? null, now, new Date(now.getTime() - TIMEFRAME_MS[timeframe])],
  );
  const byToken = new Map<string, { asset: string; events: WalletSignalEvent[] }>();
  for (const e of events) {
    const token = normaliseSymbol(e.asset);
    if (!TOKEN_SYMBOL.test(token)) continue;
    addresses.set(e.wallet_id, e.address);
    const group = byToken.get(token) ?? { asset: e.asset, events: [] };
    group.events.push({
      eventId: e.event_id,
      walletId: e.wallet_id,
      time: e.timestamp,
      biasImpact: e.bias_impact,
      sizeFraction: e.size_fraction,
      credibility: e.credibility ?? '0',
    });
    byToken.set(token, group);
  }
  const threshold = agent.wallet_bias_threshold ?? env.WALLET_BIAS_THRESHOLD;
  for (const [token, g] of byToken) views.set(token, walletView(token, g.asset, g.events, now, timeframe, threshold));
  return { views, addresses };
}

/** The wallet evidence in words: value against the threshold, confidence, and each wallet's share by address. */
export function describeWallets(view: WalletView, addresses: Map<string, string>): string {
  const shares = view.wallets.map((id) => `${addresses.get(id) ?? id} ${view.components[id]}`).join(', ');
  const against = view.side ? `≥ ${view.threshold}` : `below the threshold ${view.threshold}`;
  return `wallet bias ${view.value} ${against} over ${view.timeframe} (confidence ${view.confidence}${shares ? `; ${shares}` : ''})`;
}

/** The wallet evidence as the decision log's parsed_result keeps it. */
export function walletParsed(view: WalletView, addresses: Map<string, string>, gate?: 'wallet' | 'confidence') {
  return {
    asset: view.asset,
    timeframe: view.timeframe,
    value: view.value,
    confidence: view.confidence,
    threshold: view.threshold,
    side: view.side,
    strength: view.strength,
    components: view.components,
    addresses: Object.fromEntries(view.wallets.map((id) => [id, addresses.get(id) ?? null])),
    events: view.events,
    ...(gate ? { gate } : {}),
  };
}
