import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Money: subscriptions billed once per deployment and period, a per-agent profit share, and daily PnL snapshots
 * with their parts.
 */
export class Money1732200006000 implements MigrationInterface {
  name = 'Money1732200006000';

  async up(q: QueryRunner): Promise<void> {
    // One SUBSCRIPTION event per deployment and billing period, whatever the scheduler does.
    await q.query(`ALTER TABLE billing_events_v3 ADD COLUMN period_start TIMESTAMPTZ`);
    await q.query(
      `CREATE UNIQUE INDEX uq_billing_v3_subscription_period ON billing_events_v3 (deployment_id, period_start) WHERE kind =
        'SUBSCRIPTION'`,
    );
    await q.query(
      `ALTER TABLE billing_events_v3 ADD CONSTRAINT ck_billing_v3_subscription_period CHECK (kind <> 'SUBSCRIPTION' OR period_start IS NOT
        NULL)`,
    );
    await q.query(`CREATE INDEX idx_billing_v3_pending ON billing_events_v3 (created_at) WHERE status = 'PENDING'`);
    // The agent's own profit share in percent; NULL = PROFIT_SHARE_PCT.
    await q.query(
      `ALTER TABLE agents_v3 ADD COLUMN profit_share_pct DECIMAL(5, 2) CONSTRAINT ck_agents_v3_profit_share_pct CHECK (profit_share_pct >=
        0 AND profit_share_pct <= 100)`,
    );
    await q.query(`CREATE INDEX idx_deployments_v3_next_billing ON agent_deployments_v3 (next_billing_at) WHERE status <> 'STOPPED'`);
    // The parts of a day's PnL: realized, change of unrealized, and the equity the return is taken on.
    await q.query(`ALTER TABLE pnl_snapshots_v3 ADD COLUMN realized_pnl DECIMAL(20, 8)`);
    await q.query(`ALTER TABLE pnl_snapshots_v3 ADD COLUMN unrealized_pnl DECIMAL(20, 8)`);
    await q.query(`ALTER TABLE pnl_snapshots_v3 ADD COLUMN start_equity DECIMAL(20, 8)`);

    // Seed 004's agent_performance, keyed to agents_v3; one row per agent and hour (the latest figures of that hour).
    await q.query(`
      CREATE TABLE agent_performance (
        id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
        agent_id UUID NOT NULL REFERENCES agents_v3(id) ON DELETE CASCADE,
        snapshot_time TIMESTAMPTZ NOT NULL DEFAULT now(),
        total_value DECIMAL(20, 2) NOT NULL,
        cash_balance DECIMAL(20, 2) NOT NULL,
        position_value DECIMAL(20, 2) NOT NULL,
        realized_pnl DECIMAL(20, 2) NOT NULL,
        unrealized_pnl DECIMAL(20, 2) NOT NULL,
        total_pnl DECIMAL(20, 2) NOT NULL,
        roi_percent DECIMAL(10, 4),
        num_trades INT DEFAULT 0,
        num_winning_trades INT DEFAULT 0,
        num_losing_trades INT DEFAULT 0,
        win_rate DECIMAL(5, 2),
        avg_win DECIMAL(20, 2),
        avg_loss DECIMAL(20, 2),
        profit_factor DECIMAL(10, 4),
        sharpe_ratio DECIMAL(10, 4),
        max_drawdown DECIMAL(10, 4),
        max_drawdown_percent DECIMAL(5, 2),
        CONSTRAINT uq_agent_performance_agent_time UNIQUE (agent_id, snapshot_time)
      )`);
    await q.query(`CREATE INDEX idx_agent_performance_snapshot_time ON agent_performance (snapshot_time)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE agent_performance`);
    await q.query(`ALTER TABLE pnl_snapshots_v3 DROP COLUMN start_equity`);
    await q.query(`ALTER TABLE pnl_snapshots_v3 DROP COLUMN unrealized_pnl`);
    await q.query(`ALTER TABLE pnl_snapshots_v3 DROP COLUMN realized_pnl`);
    await q.query(`DROP INDEX idx_deployments_v3_next_billing`);
    await q.query(`ALTER TABLE agents_v3 DROP COLUMN profit_share_pct`);
    await q.query(`DROP INDEX idx_billing_v3_pending`);
    await q.query(`ALTER TABLE billing_events_v3 DROP CONSTRAINT ck_billing_v3_subscription_period`);
    await q.query(`DROP INDEX uq_billing_v3_subscription_period`);
    await q.query(`ALTER TABLE billing_events_v3 DROP COLUMN period_start`);
  }
}
