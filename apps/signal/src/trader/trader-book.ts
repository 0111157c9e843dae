import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AgentRow, first, PositionRow, PREPARED, readBooks, rows, TradingAgentRow } from '@conduit/db';
import { bookFigures, dec, sharpe, Side, TraderAccount, TraderLimits, TraderPosition, unrealizedPnl } from '@conduit/domain';

/** An llm_trader as a cycle reads it: its agents_v3 status and name, its settings, its own book. */
export type TraderAgent = Pick<AgentRow, 'id' | 'name' | 'status' | 'kind'> &
  Omit<TradingAgentRow, 'id' | 'created_at' | 'updated_at'> & { book_id: string | null };

type BookPosition = Pick<PositionRow, 'token_symbol' | 'qty' | 'entry_price' | 'current_price' | 'stop_loss' | 'take_profit'> & {
  side: Side;
  leverage: number | null;
  liquidation_price: string | null;
  opened_at: Date;
};

/**
 * The agent's own book: a paper deployment of the agent starting from its initial balance (the LlmTraders
 * migration). Its positions go through the pipeline like any subscriber's; the cycle reads them as its account.
 */
@Injectable()
export class TraderBook {
  constructor(private readonly ds: DataSource) {}

  async agent(agentId: string): Promise<TraderAgent | undefined> {
    return first<TraderAgent>(
      this.ds,
      `SELECT a.id, a.name, a.status, a.kind, t.llm_model, t.exchange_account, t.initial_balance::text AS initial_balance,
              t.max_position_size::text AS max_position_size, t.max_leverage, t.stop_loss_pct::text AS stop_loss_pct,
              t.take_profit_pct::text AS take_profit_pct, t.strategy_description, t.coins, t.cycle_interval_seconds,
              (SELECT d.id FROM agent_deployments_v3 d WHERE d.agent_id = a.id AND d.book) AS book_id
         FROM agents_v3 a JOIN trading_agents t ON t.id = a.id
        WHERE a.id = $1`,
      [agentId],
      PREPARED,
    );
  }

  limits(agent: TraderAgent): TraderLimits {
    return {
      maxPositionPct: agent.max_position_size,
      maxLeverage: agent.max_leverage,
      stopLossPct: agent.stop_loss_pct,
      takeProfitPct: agent.take_profit_pct,
      coins: agent.coins,
    };
  }

  /**
   * The book's account and open positions, its amounts from bookFigures() (libs/domain/src/book.ts), the same figures
   * agent_performance records: equity = initial balance + realized PnL; cash = equity − the margin of the open
   * positions. Sharpe per closed trade (returns on the initial balance).
   */
  async account(agent: TraderAgent): Promise<{ account: TraderAccount; positions: TraderPosition[] }> {
    const [book] = await readBooks(this.ds, [agent.id]);
    const open = await rows<BookPosition>(
      this.ds,
      `SELECT token_symbol, side, qty::text AS qty, entry_price::text AS entry_price, current_price::text AS current_price,
              stop_loss::text AS stop_loss, take_profit::text AS take_profit, leverage, liquidation_price::text AS liquidation_price,
              opened_at
         FROM positions_v3 WHERE deployment_id = $1 AND status = 'OPEN' ORDER BY opened_at, id`,
      [agent.book_id],
    );
    const initial = dec(agent.initial_balance);
    const figures = bookFigures(book ?? { initialBalance: initial, closedPnls: [], open: [], series: [] });
    const positions: TraderPosition[] = open.map((p) => {
      const mark = p.current_price ?? p.entry_price;
      return {
        coin: p.token_symbol,
        side: p.side,
        qty: p.qty,
        entryPrice: p.entry_price,
        mark,
        unrealizedPnl: unrealizedPnl(p.side, p.qty, p.entry_price, mark).toFixed(2),
        leverage: p.leverage ?? 1,
        stopLoss: p.stop_loss,
        takeProfit: p.take_profit,
        liquidationPrice: p.liquidation_price,
        openedAt: p.opened_at,
      };
    });
    const returns = (book?.closedPnls ?? []).map((pnl) => dec(pnl).div(initial).toNumber()); // a ratio for the prompt, not money
    return {
      account: {
        initialBalance: initial.toFixed(2),
        equity: figures.equity.toFixed(2),
        cash: figures.cash.toFixed(2),
        positionValue: figures.positionValue.toFixed(2),
        realizedPnl: figures.realized.toFixed(2),
        unrealizedPnl: figures.unrealized.toFixed(2),
        sharpe: perTradeSharpe(returns),
      },
      positions,
    };
  }
}

/** Sharpe of the closed trades' returns, per trade; null below two trades or without spread. */
function perTradeSharpe(returns: number[]): string | null {
  if (returns.length < 2) return null;
  const s = sharpe(returns, { periods: 1, riskFree: 0 });
  return Number.isFinite(s) ? s.toFixed(2) : null;
}
