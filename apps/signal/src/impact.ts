import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CtAccountRow, exec, first, ImpactHistoryRow, PositionRow, rows, SignalRow } from '@conduit/db';
import { dec, nextImpactFactor } from '@conduit/domain';
import { UnknownSubjectError } from '@conduit/queue';

/**
 * Closes the loop from outcomes back to sources: when a position closes, every CT account whose post the signal
 * cites moves its impact factor by the position's return on notional, weighted by 1 / the signal's position
 * count (one signal moves it once, however many subscribers traded it). One history row per (account, position),
 * written with the update in one transaction under the account's row lock.
 */
@Injectable()
export class ImpactFeedback {
  constructor(private readonly ds: DataSource) {}

  async positionClosed(positionId: string): Promise<{ accounts: number }> {
    const p = await first<
      Pick<PositionRow, 'id' | 'signal_id' | 'status' | 'pnl' | 'qty' | 'entry_price'> & {
        source_tweets: SignalRow['source_tweets'];
        positions: number;
      }
    >(
      this.ds,
      `SELECT p.id, p.signal_id, p.status, p.pnl, p.qty, p.entry_price, s.source_tweets,
              (SELECT count(*)::int FROM positions_history q
                WHERE q.signal_id = p.signal_id AND q.status IN ('OPEN', 'CLOSED')) AS positions
         FROM positions_v3 p JOIN signals_v3 s ON s.id = p.signal_id WHERE p.id = $1`,
      [positionId],
    );
    if (!p) throw new UnknownSubjectError(`unknown position ${positionId}`);
    if (p.status !== 'CLOSED' || p.pnl === null || !p.source_tweets?.length) return { accounts: 0 };
    const notional = dec(p.qty).mul(p.entry_price);
    if (notional.lte(0)) return { accounts: 0 };
    const ret = dec(p.pnl).div(notional).toNumber();
    const share = 1 / Math.max(1, p.positions);
    const accounts = await rows<{ id: string }>(
      this.ds,
      `SELECT DISTINCT ct_account_id AS id FROM ct_posts WHERE tweet_id = ANY($1::text[])`,
      [p.source_tweets],
    );
    let moved = 0;
    for (const { id } of accounts) {
      moved += await this.ds.transaction(async (em) => {
        const [a] = await rows<Pick<CtAccountRow, 'impact_factor'>>(em, `SELECT impact_factor FROM ct_accounts WHERE id = $1 FOR UPDATE`, [
          id,
        ]);
        const after = nextImpactFactor(a.impact_factor, ret, share);
        const inserted = await rows<Pick<ImpactHistoryRow, 'id'>>(
          em,
          `INSERT INTO impact_factor_history (ct_account_id, signal_id, position_id, pnl_contribution, impact_factor_before,
            impact_factor_after)
           VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (ct_account_id, position_id) WHERE position_id IS NOT NULL DO NOTHING RETURNING id`,
          [id, p.signal_id, p.id, p.pnl, a.impact_factor, after],
        );
        if (!inserted.length) return 0;
        await exec(em, `UPDATE ct_accounts SET impact_factor = $2 WHERE id = $1`, [id, after]);
        return 1;
      });
    }
    return { accounts: moved };
  }
}
