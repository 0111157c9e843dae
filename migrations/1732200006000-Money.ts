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
      `CREATE UNIQUE INDEX uq_billing_v3_subscription_period ON billing_events_v3 (deployment_id, period_start) WHERE kind = 'SUBSCRIPTION'`,
    );
    await q.query(`ALTER TABLE billing_events_v3 ADD CONSTRAINT ck_billing_v3_subscription_period CHECK (kind <> 'SUBSCRIPTION' OR period_start IS NOT NULL)`);
    await q.query(`CREATE INDEX idx_billing_v3_pending ON billing_events_v3 (created_at) WHERE status = 'PENDING'`);
    // The agent's own profit share in percent; NULL = PROFIT_SHARE_PCT.
    await q.query(
      `ALTER TABLE agents_v3 ADD COLUMN profit_share_pct DECIMAL(5, 2) CONSTRAINT ck_agents_v3_profit_share_pct CHECK (profit_share_pct >= 0 AND profit_share_pct <= 100)`,
    );
    await q.query(`CREATE INDEX idx_deployments_v3_next_billing ON agent_deployments_v3 (next_billing_at) WHERE status <> 'STOPPED'`);
    // The parts of a day's PnL: realized, change of unrealized, and the equity the return is taken on.
    await q.query(`ALTER TABLE pnl_snapshots_v3 ADD COLUMN realized_pnl DECIMAL(20, 8)`);
    await q.query(`ALTER TABLE pnl_snapshots_v3 ADD COLUMN unrealized_pnl DECIMAL(20, 8)`);
    await q.query(`ALTER TABLE pnl_snapshots_v3 ADD COLUMN start_equity DECIMAL(20, 8)`);
  }

  async down(q: QueryRunner): Promise<void> {
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
