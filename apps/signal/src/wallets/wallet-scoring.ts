import { EntityManager } from 'typeorm';
import { rows } from '@conduit/db';
import { ScoredEvent, walletScore, WalletEventType, WalletScore, WINDOW_MS } from '@conduit/domain';
import type { WalletState } from '@conduit/venue';

/** Events older than this do not count toward the win rate and the archetype. */
export const SCORING_HISTORY_MS = 30 * 24 * 3_600_000;

/**
 * One `wallet_scores` row for a wallet at `now`: loads what libs/domain's walletScore() reads (the wallet's earlier
 * scores from the last one at or before now − 24h, its transfers since then, its events of the last 30 days) and the
 * account state just read, and writes the row once (a retried poll at the same time writes nothing).
 */
export async function scoreWallet(em: EntityManager, walletId: string, now: Date, state: WalletState): Promise<WalletScore> {
  const dayStart = new Date(now.getTime() - WINDOW_MS['24h']);
  const scores = await rows<{ timestamp: Date; equity_usd: string }>(
    em,
    `(SELECT timestamp, equity_usd FROM wallet_scores
       WHERE wallet_id = $1 AND timestamp <= $2 AND equity_usd IS NOT NULL ORDER BY timestamp DESC LIMIT 1)
     UNION ALL
     (SELECT timestamp, equity_usd FROM wallet_scores
       WHERE wallet_id = $1 AND timestamp > $2 AND timestamp < $3 AND equity_usd IS NOT NULL)`,
    [walletId, dayStart, now],
  );
  const since = scores.reduce((min, s) => (s.timestamp < min ? s.timestamp : min), dayStart);
  const transfers = await rows<{ timestamp: Date; net_usdc: string | null }>(
    em,
    `SELECT timestamp, net_usdc FROM wallet_transfers WHERE wallet_id = $1 AND timestamp > $2 AND timestamp <= $3`,
    [walletId, since, now],
  );
  const events = await rows<{
    timestamp: Date;
    asset: string;
    event_type: WalletEventType;
    amount: string;
    notional_usd: string;
    position_before: string;
    position_after: string;
    realized_pnl: string;
  }>(
    em,
    `SELECT timestamp, asset, event_type, amount, notional_usd, position_before, position_after, realized_pnl
       FROM events WHERE wallet_id = $1 AND timestamp > $2 AND timestamp <= $3
      ORDER BY timestamp, id`,
    [walletId, new Date(now.getTime() - SCORING_HISTORY_MS), now],
  );

  const score = walletScore({
    now: now.getTime(),
    equityUsd: state.equity,
    positions: state.positions,
    scores: scores.map((s) => ({ at: s.timestamp.getTime(), equityUsd: s.equity_usd })),
    transfers: transfers.map((t) => ({ at: t.timestamp.getTime(), netUsdc: t.net_usdc })),
    events: events.map((e): ScoredEvent => ({
      at: e.timestamp.getTime(),
      asset: e.asset,
      eventType: e.event_type,
      amount: e.amount,
      notionalUsd: e.notional_usd,
      positionBefore: e.position_before,
      positionAfter: e.position_after,
      realizedPnl: e.realized_pnl,
    })),
  });
  await em.query(
    `INSERT INTO wallet_scores (wallet_id, timestamp, credibility_1h, credibility_4h, credibility_24h, equity_usd,
                                trading_volume_24h, win_rate, archetype)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     ON CONFLICT (wallet_id, timestamp) DO NOTHING`,
    [
      walletId,
      now,
      score.credibility['1h'],
      score.credibility['4h'],
      score.credibility['24h'],
      score.equityUsd,
      score.tradingVolume24h,
      score.winRate,
      score.archetype,
    ],
  );
  return score;
}
