import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * LLM trading agents (seed 004). An agent has a kind: `signal` (posts, research, market context) or `llm_trader`,
 * whose seed 004 `trading_agents` row shares its id. Differences from seed 004, each for a reason (docs/AGENTS.md):
 * - name, status and timestamps stay on agents_v3 (one agent, one status); names are unique among llm_traders
 *   (a named partial unique index), status is agents_v3's (ACTIVE / PAUSED / STOPPED, plus DRAFT before activation);
 * - `coins` (the universe) and `cycle_interval_seconds` are ours;
 * - the agent's own book is a deployment of the agent (`agent_deployments_v3.book`) trading on paper from
 *   `initial_balance` (`paper_equity_usd`): its positions go through the pipeline like any subscriber's, and
 *   `agent_trades` is a view over them;
 * - agent_decisions keeps 8 decimals on its stop and take-profit prices (DOGE or XRP at 2 decimals would lose the
 *   level), records what the limits changed (`adjustments`), and its cycles as source_type `llm_cycle`;
 * - llm_token_usage (seed 004's suggested addition) has one row per decision.
 */
export class LlmTraders1732200010000 implements MigrationInterface {
  name = 'LlmTraders1732200010000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE agents_v3 ADD COLUMN kind TEXT NOT NULL DEFAULT 'signal'
                     CONSTRAINT ck_agents_v3_kind CHECK (kind IN ('signal', 'llm_trader'))`);
    await q.query(`CREATE UNIQUE INDEX uq_agents_v3_llm_trader_name ON agents_v3 (name) WHERE kind = 'llm_trader'`);
    await q.query(`CREATE INDEX idx_agents_v3_status ON agents_v3 (status)`);

    await q.query(`
      CREATE TABLE trading_agents (
        id UUID PRIMARY KEY REFERENCES agents_v3(id) ON DELETE CASCADE,
        llm_model VARCHAR(50) NOT NULL,
        exchange_account VARCHAR(50) NOT NULL,
        initial_balance DECIMAL(20, 2) NOT NULL,
        max_position_size DECIMAL(5, 2) NOT NULL DEFAULT 20.0,
        max_leverage INT NOT NULL DEFAULT 10,
        stop_loss_pct DECIMAL(5, 2) NOT NULL DEFAULT 2.0,
        take_profit_pct DECIMAL(5, 2) NOT NULL DEFAULT 5.0,
        strategy_description TEXT,
        coins TEXT[] NOT NULL DEFAULT '{BTC,ETH,SOL,BNB,DOGE,XRP}',
        cycle_interval_seconds INT NOT NULL DEFAULT 300,
        created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        CONSTRAINT ck_trading_agents_initial_balance CHECK (initial_balance > 0),
        CONSTRAINT ck_trading_agents_max_position_size CHECK (max_position_size > 0 AND max_position_size <= 100),
        CONSTRAINT ck_trading_agents_max_leverage CHECK (max_leverage >= 1 AND max_leverage <= 50),
        CONSTRAINT ck_trading_agents_stop_loss_pct CHECK (stop_loss_pct > 0 AND stop_loss_pct < 100),
        CONSTRAINT ck_trading_agents_take_profit_pct CHECK (take_profit_pct > 0 AND take_profit_pct <= 1000),
        CONSTRAINT ck_trading_agents_coins CHECK (cardinality(coins) BETWEEN 1 AND 50),
        CONSTRAINT ck_trading_agents_cycle_interval CHECK (cycle_interval_seconds BETWEEN 10 AND 86400)
      )`);
    await q.query(`CREATE INDEX idx_trading_agents_llm_model ON trading_agents (llm_model)`);

    // The agent's own book: one per agent, paper, starting from its own equity instead of PAPER_STARTING_EQUITY_USD.
    await q.query(`ALTER TABLE agent_deployments_v3 ADD COLUMN book BOOLEAN NOT NULL DEFAULT FALSE`);
    await q.query(`ALTER TABLE agent_deployments_v3 ADD COLUMN paper_equity_usd DECIMAL(20, 2)
                     CONSTRAINT ck_agent_deployments_v3_paper_equity CHECK (paper_equity_usd > 0)`);
    await q.query(`CREATE UNIQUE INDEX uq_agent_deployments_v3_book ON agent_deployments_v3 (agent_id) WHERE book`);
    // One subscription per wallet and agent, as before; the book is not one, so its creator may still subscribe.
    await q.query(`ALTER TABLE agent_deployments_v3 DROP CONSTRAINT agent_deployments_v3_user_wallet_agent_id_key`);
    await q.query(`CREATE UNIQUE INDEX uq_agent_deployments_v3_subscriber ON agent_deployments_v3 (user_wallet, agent_id) WHERE NOT book`);

    await q.query(`ALTER TABLE agent_decisions ALTER COLUMN stop_loss_price TYPE DECIMAL(20, 8)`);
    await q.query(`ALTER TABLE agent_decisions ALTER COLUMN take_profit_price TYPE DECIMAL(20, 8)`);
    await q.query(`ALTER TABLE agent_decisions ADD COLUMN adjustments JSONB`);
    await q.query(`ALTER TABLE agent_decisions DROP CONSTRAINT ck_agent_decisions_source_type`);
    await q.query(`ALTER TABLE agent_decisions ADD CONSTRAINT ck_agent_decisions_source_type
                     CHECK (source_type IN ('ct_post', 'research', 'aggregate', 'llm_cycle'))`);
    // A cycle asked for over HTTP waits for its decision on the change feed; other decision rows do not notify.
    await q.query(`CREATE TRIGGER trg_agent_decisions_cycle_notify AFTER INSERT ON agent_decisions
                     FOR EACH ROW WHEN (NEW.source_type = 'llm_cycle') EXECUTE FUNCTION conduit_notify_change()`);

    await q.query(`
      CREATE TABLE llm_token_usage (
        id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
        agent_id UUID NOT NULL REFERENCES agents_v3(id) ON DELETE CASCADE,
        decision_id UUID REFERENCES agent_decisions(id) ON DELETE SET NULL,
        timestamp TIMESTAMPTZ NOT NULL DEFAULT now(),
        model VARCHAR(100) NOT NULL,
        prompt_tokens INT NOT NULL,
        completion_tokens INT NOT NULL,
        total_tokens INT NOT NULL,
        cost_usd DECIMAL(20, 8),
        CONSTRAINT uq_llm_token_usage_decision UNIQUE (decision_id),
        CONSTRAINT ck_llm_token_usage_tokens CHECK (prompt_tokens >= 0 AND completion_tokens >= 0 AND total_tokens >= 0),
        CONSTRAINT ck_llm_token_usage_cost CHECK (cost_usd >= 0)
      )`);
    await q.query(`CREATE INDEX idx_llm_token_usage_agent_time ON llm_token_usage (agent_id, timestamp)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE llm_token_usage`);
    await q.query(`DROP TRIGGER trg_agent_decisions_cycle_notify ON agent_decisions`);
    await q.query(`ALTER TABLE agent_decisions DROP CONSTRAINT ck_agent_decisions_source_type`);
    await q.query(`DELETE FROM agent_decisions WHERE source_type = 'llm_cycle'`);
    await q.query(`ALTER TABLE agent_decisions ADD CONSTRAINT ck_agent_decisions_source_type
                     CHECK (source_type IN ('ct_post', 'research', 'aggregate'))`);
    await q.query(`ALTER TABLE agent_decisions DROP COLUMN adjustments`);
    await q.query(`ALTER TABLE agent_decisions ALTER COLUMN take_profit_price TYPE DECIMAL(20, 2)`);
    await q.query(`ALTER TABLE agent_decisions ALTER COLUMN stop_loss_price TYPE DECIMAL(20, 2)`);
    await q.query(`DELETE FROM agent_deployments_v3 WHERE book`);
    await q.query(`DROP INDEX uq_agent_deployments_v3_subscriber`);
    await q.query(
      `ALTER TABLE agent_deployments_v3 ADD CONSTRAINT agent_deployments_v3_user_wallet_agent_id_key UNIQUE (user_wallet, agent_id)`,
    );
    await q.query(`DROP INDEX uq_agent_deployments_v3_book`);
    await q.query(`ALTER TABLE agent_deployments_v3 DROP COLUMN paper_equity_usd`);
    await q.query(`ALTER TABLE agent_deployments_v3 DROP COLUMN book`);
    await q.query(`DROP TABLE trading_agents`);
    await q.query(`DROP INDEX idx_agents_v3_status`);
    await q.query(`DROP INDEX uq_agents_v3_llm_trader_name`);
    await q.query(`ALTER TABLE agents_v3 DROP COLUMN kind`);
  }
}
