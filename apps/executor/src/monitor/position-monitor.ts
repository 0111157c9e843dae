import { randomUUID } from 'crypto';
import { Inject, Injectable } from '@nestjs/common';
import Decimal from 'decimal.js';
import { DataSource } from 'typeorm';
import { Env } from '@conduit/config';
import { markPositions, PositionRow, rows } from '@conduit/db';
import { checkExit, Clock, dec, TrailingParams } from '@conduit/domain';
import { JobName, jobId, JobProducer } from '@conduit/queue';
import { CLOCK, ENV } from '@conduit/runtime';
import { TradingAccounts } from '../accounts/trading-accounts';

type Watched = Pick<
  PositionRow,
  'id' | 'venue' | 'token_symbol' | 'side' | 'entry_price' | 'stop_loss' | 'take_profit' | 'opened_at' | 'liquidation_price'
> & {
  trailing_params: TrailingParams | null;
  trading_mode: 'paper' | 'live';
  paper_mark: string | null;
};

/**
 * Every open position against its mark (paper: the market table; live: the venue's marks, one request per venue):
 * the trailing state moves with the best price, and a crossed stop, take profit, trailing stop or holding time queues
 * the position's close (one close job per position; the close itself is conditional, so two monitors or a user's
 * close racing it close it once). The rules are pure (libs/domain/src/exits.ts).
 *
 * For paper positions the monitor is also the venue's liquidation engine: a mark at or through the liquidation price
 * queues a LIQUIDATION close (before any other exit), which the paper venue fills at that price. Live venues liquidate
 * by themselves; reconciliation finds those from the venue's fills.
 */
@Injectable()
export class PositionMonitor {
  constructor(
    private readonly ds: DataSource,
    private readonly accounts: TradingAccounts,
    private readonly producer: JobProducer,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ENV) private readonly env: Env,
  ) {}

  async run(): Promise<{ checked: number; closing: number; trailed: number }> {
    const open = await rows<Watched>(
      this.ds,
      `SELECT p.id, p.venue::text AS venue, p.token_symbol, p.side, p.entry_price, p.stop_loss, p.take_profit, p.trailing_params,
              p.opened_at, p.liquidation_price, d.trading_mode,
              (SELECT m.current_price FROM venue_markets m WHERE m.token_symbol = p.token_symbol AND m.current_price IS NOT NULL
                ORDER BY (m.venue = p.venue) DESC, m.is_active DESC LIMIT 1) AS paper_mark
         FROM positions_v3 p JOIN agent_deployments_v3 d ON d.id = p.deployment_id
        WHERE p.status = 'OPEN'`,
    );
    const liveMarks = await this.liveMarks(open);
    const maxHoldMs = dec(this.env.MAX_HOLDING_HOURS).mul(3_600_000).toNumber();
    const now = this.clock.now();
    const updates: { id: string; trail: TrailingParams | null; mark: string }[] = [];
    const exits: { id: string; reason: string }[] = [];
    for (const p of open) {
      const mark = p.trading_mode === 'live' ? liveMarks.get(p.venue)?.get(p.token_symbol)?.toString() : p.paper_mark;
      if (!mark) continue;
      const position = {
        side: p.side,
        entryPrice: p.entry_price,
        stopLoss: p.stop_loss,
        takeProfit: p.take_profit,
        trailing: p.trailing_params,
        openedAt: p.opened_at,
        liquidationPrice: p.trading_mode === 'paper' ? p.liquidation_price : null,
      };
      const check = checkExit(position, mark, now, maxHoldMs);
      updates.push({ id: p.id, trail: check.trailing, mark });
      if (check.exit) exits.push({ id: p.id, reason: check.exit });
    }
    await markPositions(this.ds, updates);
    await this.producer.emitBulk(
      // Each automated close starts its own trace (close, bill, collection carry it).
      exits.map((e) => ({
        name: JobName.ExecutorClose,
        data: { positionId: e.id, reason: e.reason, traceId: randomUUID() },
        jobId: jobId(JobName.ExecutorClose, e.id),
      })),
    );
    return { checked: open.length, closing: exits.length, trailed: updates.filter((u) => u.trail).length };
  }

  /** Live marks, one request per venue with live positions; a venue that does not answer waits for the next round. */
  private async liveMarks(open: readonly Watched[]): Promise<Map<string, Map<string, Decimal>>> {
    const marks = new Map<string, Map<string, Decimal>>();
    for (const venue of new Set(open.filter((p) => p.trading_mode === 'live').map((p) => p.venue))) {
      try {
        marks.set(venue, await this.accounts.liveAdapter(venue).markPrices());
      } catch {
        // no conclusion from silence
      }
    }
    return marks;
  }
}
