import { Dec, dec, DecimalLike } from './money';
import { DailyPoint, performanceAmounts, performanceReport } from './performance';
import { Side, unrealizedPnl } from './trading';

/** An open position of a book. */
export interface BookPosition {
  side: Side;
  qty: DecimalLike;
  entryPrice: DecimalLike;
  /** The last mark; null while it has none (the entry price stands in: no PnL yet). */
  mark: DecimalLike | null;
  /** The leverage it was opened with; null (opened before positions carried it) counts as 1x. */
  leverage: number | null;
}

export interface BookInput {
  /** What the book started from (trading_agents.initial_balance). */
  initialBalance: DecimalLike;
  /** Net PnL of every closed position (liquidations included), oldest first. */
  closedPnls: readonly DecimalLike[];
  open: readonly BookPosition[];
  /** The book's daily PnL (pnl_snapshots_v3), oldest first, with each day's PnL as decimal text. */
  series: readonly (DailyPoint & { pnl_text: string })[];
}

/** An LLM trader's book at one moment: its amounts in decimal, its statistics from performanceReport(). */
export interface BookFigures {
  /** initial balance + realized PnL. */
  equity: Dec;
  /** Σ entry notional ÷ leverage of the open positions. */
  margin: Dec;
  /** equity − margin in use: what a new position may use. */
  cash: Dec;
  /** Σ |qty × mark| of the open positions. */
  positionValue: Dec;
  realized: Dec;
  unrealized: Dec;
  totalPnl: Dec;
  /** initial balance + realized + unrealized. */
  totalValue: Dec;
  /** total PnL ÷ initial balance × 100; null without a balance. */
  roiPct: Dec | null;
  report: ReturnType<typeof performanceReport>;
  amounts: ReturnType<typeof performanceAmounts>;
}

/**
 * The figures of an LLM trader's own book (seed 004's agent_performance and the account its cycle sees), from its
 * initial balance, closed and open positions and daily PnL. Trades, win rate, profit factor, Sharpe and the drawdowns
 * are the agents' conventions (performanceReport(), performanceAmounts(): docs/MONEY.md) on the book alone, its
 * capital being the initial balance. Every amount is decimal; ratios are numbers.
 */
export function bookFigures(input: BookInput): BookFigures {
  const initial = dec(input.initialBalance);
  const realized = input.closedPnls.reduce<Dec>((sum, p) => sum.plus(p), dec(0));
  let unrealized = dec(0);
  let positionValue = dec(0);
  let margin = dec(0);
  for (const p of input.open) {
    const mark = p.mark ?? p.entryPrice;
    unrealized = unrealized.plus(unrealizedPnl(p.side, p.qty, p.entryPrice, mark));
    positionValue = positionValue.plus(dec(p.qty).mul(mark).abs());
    margin = margin.plus(
      dec(p.qty)
        .mul(p.entryPrice)
        .abs()
        .div(Math.max(1, p.leverage ?? 1)),
    );
  }
  const equity = initial.plus(realized);
  const totalPnl = realized.plus(unrealized);
  const report = performanceReport({
    series: input.series,
    closedPnls: input.closedPnls.map((p) => dec(p).toNumber()),
    realizedPnl: realized.toNumber(),
    unrealizedPnl: unrealized.toNumber(),
    capital: initial.toNumber(),
  });
  const amounts = performanceAmounts({ closedPnls: input.closedPnls, dailyPnls: input.series.map((p) => p.pnl_text), capital: initial });
  return {
    equity,
    margin,
    cash: equity.minus(margin),
    positionValue,
    realized,
    unrealized,
    totalPnl,
    totalValue: equity.plus(unrealized),
    roiPct: initial.gt(0) ? totalPnl.div(initial).mul(100) : null,
    report,
    amounts,
  };
}
