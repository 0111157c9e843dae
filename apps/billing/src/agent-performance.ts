import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Env } from '@conduit/config';
import { asJson, readBooks, rows } from '@conduit/db';
import { bookFigures, Clock, dec, DecimalLike, deterministicId } from '@conduit/domain';
import { CLOCK, ENV } from '@conduit/runtime';

/** The slot of a job run by hand while the schedule is off (AGENT_PERFORMANCE_INTERVAL_MS = 0). */
const DEFAULT_SLOT_MS = 300_000;
/** How early (by the worker's clock) a scheduled tick may run and still count for the slot it was scheduled at. */
const EARLY_TICK_MS = 1000;

/**
 * `x` as text for a DECIMAL(precision, scale) column, or null when it has no value or does not fit: a ratio that
 * explodes (a profit factor over a loss of a cent) must not fail the snapshot of every trader.
 */
export function fitDecimal(x: DecimalLike | null | undefined, precision: number, scale: number): string | null {
  if (x === null || x === undefined || (typeof x === 'number' && !Number.isFinite(x))) return null;
  const v = dec(x).toDecimalPlaces(scale);
  return v.abs().lt(dec(10).pow(precision - scale)) ? v.toFixed(scale) : null;
}

/**
 * Seed 004's agent_performance for LLM traders: for each llm_trader that is not STOPPED, one row per snapshot slot
 * (AGENT_PERFORMANCE_INTERVAL_MS long, `snapshot_time` its start) from its own book (bookFigures(), libs/domain):
 * total_value = initial balance + realized + unrealized, cash_balance = initial balance + realized − margin in use,
 * position_value = Σ |qty × mark|, roi_percent on the initial balance, and the agents' trade statistics, Sharpe and
 * drawdowns on the book alone (docs/MONEY.md). Exactly once per slot: the row's id is derived from (agent, slot) and
 * the insert does nothing on a conflict, so a retried or repeated job keeps the slot's first figures. Other agents'
 * rows are the hourly ones of billing.pnl-snapshot.
 */
@Injectable()
export class AgentPerformanceSnapshots {
  constructor(
    private readonly ds: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ENV) private readonly env: Env,
  ) {}

  /**
   * The start of the slot `at` falls in. The scheduler's ticks fall on slot starts; a worker whose clock runs a little
   * behind the one that scheduled the tick (another replica's host) still takes the tick's slot, not the one before.
   */
  slotOf(at: Date): Date {
    const ms = this.env.AGENT_PERFORMANCE_INTERVAL_MS || DEFAULT_SLOT_MS;
    const early = Math.min(EARLY_TICK_MS, ms / 10);
    return new Date(Math.floor((at.getTime() + early) / ms) * ms);
  }

  async snapshot(): Promise<{ slot: string; traders: number; written: number }> {
    const slot = this.slotOf(this.clock.now()).toISOString();
    const books = await readBooks(this.ds);
    const values = books.map((b) => {
      const f = bookFigures(b);
      const r = f.report;
      return {
        id: deterministicId('agent-performance', b.agentId, slot),
        agent_id: b.agentId,
        total_value: f.totalValue.toFixed(2),
        cash_balance: f.cash.toFixed(2),
        position_value: f.positionValue.toFixed(2),
        realized_pnl: f.realized.toFixed(2),
        unrealized_pnl: f.unrealized.toFixed(2),
        total_pnl: f.totalPnl.toFixed(2),
        roi_percent: fitDecimal(f.roiPct, 10, 4),
        num_trades: r.trades,
        num_winning_trades: r.winning_trades,
        num_losing_trades: r.losing_trades,
        win_rate: fitDecimal(r.win_rate * 100, 5, 2),
        avg_win: fitDecimal(f.amounts.averageWin, 20, 2),
        avg_loss: fitDecimal(f.amounts.averageLoss, 20, 2),
        profit_factor: fitDecimal(r.profit_factor, 10, 4),
        sharpe_ratio: fitDecimal(r.sharpe, 10, 4),
        max_drawdown: fitDecimal(f.amounts.maxDrawdownUsd, 10, 4),
        max_drawdown_percent: fitDecimal(r.max_drawdown_pct, 5, 2),
      };
    });
    if (!values.length) return { slot, traders: 0, written: 0 };
    const written = await rows<{ id: string }>(
      this.ds,
      `INSERT INTO agent_performance (id, agent_id, snapshot_time, total_value, cash_balance, position_value, realized_pnl, unrealized_pnl,
                                      total_pnl, roi_percent, num_trades, num_winning_trades, num_losing_trades, win_rate, avg_win,
                                      avg_loss, profit_factor, sharpe_ratio, max_drawdown, max_drawdown_percent)
       SELECT t.id, t.agent_id, $2::timestamptz, t.total_value, t.cash_balance, t.position_value, t.realized_pnl, t.unrealized_pnl,
              t.total_pnl, t.roi_percent, t.num_trades, t.num_winning_trades, t.num_losing_trades, t.win_rate, t.avg_win, t.avg_loss,
              t.profit_factor, t.sharpe_ratio, t.max_drawdown, t.max_drawdown_percent
         FROM jsonb_to_recordset($1::jsonb) AS t(id uuid, agent_id uuid, total_value numeric, cash_balance numeric, position_value numeric,
              realized_pnl numeric, unrealized_pnl numeric, total_pnl numeric, roi_percent numeric, num_trades int, num_winning_trades int,
              num_losing_trades int, win_rate numeric, avg_win numeric, avg_loss numeric, profit_factor numeric, sharpe_ratio numeric,
              max_drawdown numeric, max_drawdown_percent numeric)
       ON CONFLICT DO NOTHING
       RETURNING id`,
      [asJson(values), slot],
    );
    return { slot, traders: values.length, written: written.length };
  }
}
