import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AgentRow, first, rows, Sql, TradingAgentRow } from '@conduit/db';
import { dec, normaliseTraderField, TRADER_DEFAULTS, TRADER_FIELDS, TraderSettings } from '@conduit/domain';
import { badRequest } from '../common/errors';

/** An llm_trader's settings as answered: trading_agents without its id and timestamps, and its book. */
export type TraderView = Omit<TradingAgentRow, 'id' | 'created_at' | 'updated_at'> & { book_deployment_id: string | null };

const VIEW = `t.llm_model, t.exchange_account, t.initial_balance::text AS initial_balance, t.max_position_size::text AS max_position_size,
              t.max_leverage, t.stop_loss_pct::text AS stop_loss_pct, t.take_profit_pct::text AS take_profit_pct, t.strategy_description,
              t.coins, t.cycle_interval_seconds,
              (SELECT d.id FROM agent_deployments_v3 d WHERE d.agent_id = t.id AND d.book) AS book_deployment_id`;

/**
 * Seed 004's trading_agents row of an llm_trader, and its own book: a paper deployment of the agent owned by its
 * creator, starting from initial_balance, never billed. Coins must be listed by some venue.
 */
@Injectable()
export class TraderSettingsStore {
  async create(em: EntityManager, agent: AgentRow, given: Partial<TraderSettings>): Promise<TraderView> {
    const s = { ...TRADER_DEFAULTS, ...this.normalise(given) } as TraderSettings;
    await this.assertListed(em, s.coins);
    await em.query(
      `INSERT INTO trading_agents (id, llm_model, exchange_account, initial_balance, max_position_size, max_leverage, stop_loss_pct,
                                   take_profit_pct, strategy_description, coins, cycle_interval_seconds)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [
        agent.id,
        s.llm_model,
        s.exchange_account,
        s.initial_balance,
        s.max_position_size,
        s.max_leverage,
        s.stop_loss_pct,
        s.take_profit_pct,
        s.strategy_description,
        s.coins,
        s.cycle_interval_seconds,
      ],
    );
    await em.query(
      `INSERT INTO agent_deployments_v3 (agent_id, user_wallet, status, sub_active, sub_started_at, trading_mode, book, paper_equity_usd)
       VALUES ($1, $2, 'ACTIVE', TRUE, now(), 'paper', TRUE, $3)`,
      [agent.id, agent.creator_wallet, s.initial_balance],
    );
    return this.settings(em, agent.id);
  }

  /** Changes the fields that differ from the stored ones; `changed` names them (none: nothing was written). */
  async update(em: EntityManager, id: string, given: Partial<TraderSettings>): Promise<{ changed: string[]; settings: TraderView }> {
    const before = await first<TraderSettings>(em, `SELECT * FROM trading_agents WHERE id = $1 FOR UPDATE`, [id]);
    const changes = this.normalise(given);
    const fields = (Object.keys(changes) as Array<keyof TraderSettings>).filter((f) => !sameSetting(before?.[f], changes[f]));
    if (fields.includes('coins')) await this.assertListed(em, changes.coins!);
    if (fields.length) {
      await em.query(`UPDATE trading_agents SET ${fields.map((f, i) => `${f} = $${i + 2}`).join(', ')}, updated_at = now() WHERE id = $1`, [
        id,
        ...fields.map((f) => changes[f]),
      ]);
      // The book starts from the initial balance: a new one moves its starting equity with it.
      if (fields.includes('initial_balance')) {
        await em.query(`UPDATE agent_deployments_v3 SET paper_equity_usd = $2 WHERE agent_id = $1 AND book`, [id, changes.initial_balance]);
      }
    }
    return { changed: fields, settings: await this.settings(em, id) };
  }

  async settings(q: Sql, id: string): Promise<TraderView> {
    const found = await first<TraderView>(q, `SELECT ${VIEW} FROM trading_agents t WHERE t.id = $1`, [id]);
    if (!found) throw new Error(`llm_trader ${id} has no trading_agents row`);
    return found;
  }

  /** Only the fields TRADER_FIELDS names (the DTO has checked each), normalised as stored. */
  private normalise(given: Partial<TraderSettings>): Partial<TraderSettings> {
    const out: Partial<Record<keyof TraderSettings, unknown>> = {};
    for (const f of TRADER_FIELDS) if (given[f] !== undefined) out[f] = normaliseTraderField(f, given[f]);
    return out as Partial<TraderSettings>;
  }

  /** Any listed market may be in the universe; a coin no active venue lists is refused, naming it. */
  private async assertListed(q: Sql, coins: readonly string[]): Promise<void> {
    const listed = new Set(
      (
        await rows<{ token_symbol: string }>(
          q,
          `SELECT DISTINCT token_symbol FROM venue_markets WHERE is_active AND token_symbol = ANY($1::text[])`,
          [coins],
        )
      ).map((r) => r.token_symbol),
    );
    const missing = coins.filter((c) => !listed.has(c));
    if (missing.length) throw badRequest('coins', `coins: ${missing.join(', ')} listed by no venue`);
  }
}

/** A stored setting equals a given one: decimals by value, lists element by element. */
function sameSetting(stored: unknown, given: unknown): boolean {
  if (Array.isArray(stored) && Array.isArray(given)) return stored.length === given.length && stored.every((v, i) => v === given[i]);
  if (typeof given === 'string' && typeof stored === 'string' && /^\d/.test(given) && /^\d/.test(stored) && !isNaN(Number(given))) {
    return dec(stored).eq(given);
  }
  return stored === given;
}
