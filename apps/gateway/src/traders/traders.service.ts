import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AgentTradeRow, rows } from '@conduit/db';
import { toMoney } from '@conduit/domain';
import { ReadModels } from '../common/read-models';
import { LlmUsageQuery, PerformanceHistoryQuery, TradesQuery } from './traders.dto';

/** One group of llm_token_usage as Postgres sums it: token sums are BIGINT (text), the cost DECIMAL text. */
interface UsageGroup {
  day: string | null;
  model: string | null;
  by_day: number;
  by_model: number;
  calls: number;
  unpriced_calls: number;
  prompt_tokens: string;
  completion_tokens: string;
  total_tokens: string;
  cost_usd: string;
}

/** A time filter as the instant it names (a date alone is UTC midnight), or null. */
const instant = (t?: string) => (t === undefined ? null : new Date(t));

/**
 * An LLM trader's records (seed 004): its trades (the agent_trades view over its book), its performance snapshots
 * (agent_performance) and what its model calls cost (llm_token_usage). Money and decimals as text.
 */
@Injectable()
export class TradersService {
  constructor(
    private readonly ds: DataSource,
    private readonly read: ReadModels,
  ) {}

  /** Newest first. PnL and fees to 8 places (the view keeps an open trade's PnL unrounded). */
  async trades(agentId: string, q: TradesQuery) {
    await this.read.agent(agentId);
    const trades = await rows<AgentTradeRow & { stop_loss: string | null; take_profit: string | null }>(
      this.ds,
      `SELECT t.*, p.stop_loss, p.take_profit FROM agent_trades t JOIN positions_history p ON p.id = t.id
        WHERE t.agent_id = $1 AND ($2::text IS NULL OR t.status = $2)
        ORDER BY t.entry_time DESC, t.id LIMIT $3 OFFSET $4`,
      [agentId, q.status ?? null, q.limit ?? 50, q.offset ?? 0],
    );
    const money = (x: string | null) => (x === null ? null : toMoney(x));
    return {
      success: true,
      count: trades.length,
      trades: trades.map((t) => ({ ...t, unrealized_pnl: money(t.unrealized_pnl), fees: money(t.fees) })),
    };
  }

  /** Oldest first, `from` inclusive, `to` exclusive. */
  async performanceHistory(agentId: string, q: PerformanceHistoryQuery) {
    await this.read.agent(agentId);
    const snapshots = await rows(
      this.ds,
      `SELECT * FROM agent_performance
        WHERE agent_id = $1 AND ($2::timestamptz IS NULL OR snapshot_time >= $2) AND ($3::timestamptz IS NULL OR snapshot_time < $3)
        ORDER BY snapshot_time, id LIMIT $4 OFFSET $5`,
      [agentId, instant(q.from), instant(q.to), q.limit ?? 50, q.offset ?? 0],
    );
    return { success: true, agent_id: agentId, count: snapshots.length, snapshots };
  }

  /**
   * Calls, tokens and cost per UTC day and model, per model, and in all, in one statement (grouping sets). A call
   * whose model has no price counts in `unpriced_calls` and not in the cost.
   */
  async llmUsage(agentId: string, q: LlmUsageQuery) {
    await this.read.agent(agentId);
    const groups = await rows<UsageGroup>(
      this.ds,
      `SELECT day, model, GROUPING(day)::int AS by_day, GROUPING(model)::int AS by_model, count(*)::int AS calls,
              (count(*) FILTER (WHERE cost_usd IS NULL))::int AS unpriced_calls,
              COALESCE(sum(prompt_tokens), 0)::text AS prompt_tokens, COALESCE(sum(completion_tokens), 0)::text AS completion_tokens,
              COALESCE(sum(total_tokens), 0)::text AS total_tokens, COALESCE(sum(cost_usd), 0)::text AS cost_usd
         FROM (SELECT to_char(timestamp AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, model, prompt_tokens, completion_tokens, total_tokens,
                      cost_usd
                 FROM llm_token_usage
                WHERE agent_id = $1 AND ($2::timestamptz IS NULL OR timestamp >= $2) AND ($3::timestamptz IS NULL OR timestamp < $3)) u
        GROUP BY GROUPING SETS ((day, model), (model), ())
        ORDER BY day, model`,
      [agentId, instant(q.from), instant(q.to)],
    );
    const figures = (g: UsageGroup) => ({
      calls: g.calls,
      unpriced_calls: g.unpriced_calls,
      prompt_tokens: Number(g.prompt_tokens),
      completion_tokens: Number(g.completion_tokens),
      total_tokens: Number(g.total_tokens),
      cost_usd: toMoney(g.cost_usd),
    });
    return {
      success: true,
      agent_id: agentId,
      from: q.from ?? null,
      to: q.to ?? null,
      days: groups.filter((g) => !g.by_day && !g.by_model).map((g) => ({ day: g.day, model: g.model, ...figures(g) })),
      models: groups.filter((g) => g.by_day && !g.by_model).map((g) => ({ model: g.model, ...figures(g) })),
      totals: figures(groups.find((g) => g.by_day && g.by_model)!),
    };
  }
}
