import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The records of LLM traders (seed 004), and of the services that run them:
 * - `agent_trades` is a VIEW over the positions of each agent's own book (agent_deployments_v3.book), not a table:
 *   a trade is the position the pipeline opened and closed, so it cannot disagree with it and is never deleted.
 *   OPEN and CLOSED positions only (PENDING ones have no fill yet, FAILED ones never traded); status 'liquidated' is
 *   a CLOSED position with exit_reason LIQUIDATION; fees are the position's filled orders' fees, hyperliquid_order_id
 *   the venue's id of the opening order (on Ostium, its transaction hash), decision_id the llm_cycle decision that
 *   made the position's signal. Differences from seed 004: prices, sizes and PnL keep the positions' 8 decimals
 *   (seed: 2), unrealized PnL is not rounded, coin is the position's symbol as TEXT. A view also pins the columns it
 *   reads: changing the type of one of them means dropping and re-creating it.
 * - `bot_state` exactly as seed 004, its value a JSON object (checked): what each service and each trader's cycle
 *   last did, updated in place by one statement (libs/runtime BotState).
 * - `pnl_snapshots_v3.account_value`: a live deployment's account value on its venues when the day's snapshot was
 *   taken, which its start equity and return come from (docs/MONEY.md).
 * agent_performance itself came with the Money migration; its agent_id lookups use uq_agent_performance_agent_time.
 */
export class TraderRecords1732200013000 implements MigrationInterface {
  name = 'TraderRecords1732200013000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE VIEW agent_trades AS
      SELECT p.id,
             d.agent_id,
             (SELECT a.id FROM agent_decisions a WHERE a.signal_id = p.signal_id AND a.source_type = 'llm_cycle'
               ORDER BY a.timestamp, a.id LIMIT 1) AS decision_id,
             p.token_symbol AS coin,
             lower(p.side) AS side,
             p.qty AS size,
             p.entry_price,
             p.opened_at AS entry_time,
             p.exit_price,
             p.closed_at AS exit_time,
             CASE WHEN p.status = 'CLOSED' THEN p.pnl END AS realized_pnl,
             CASE WHEN p.status = 'OPEN' AND p.current_price IS NOT NULL
                  THEN (p.current_price - p.entry_price) * p.qty * CASE p.side WHEN 'LONG' THEN 1 ELSE -1 END END AS unrealized_pnl,
             (SELECT sum(o.fee) FROM venue_orders o WHERE o.position_id = p.id AND o.status = 'FILLED') AS fees,
             CASE WHEN p.status = 'OPEN' THEN 'open' WHEN p.exit_reason = 'LIQUIDATION' THEN 'liquidated' ELSE 'closed' END AS status,
             (SELECT o.venue_order_id FROM venue_orders o WHERE o.position_id = p.id AND NOT o.reduce_only
               ORDER BY o.status = 'FILLED' DESC, o.created_at LIMIT 1) AS hyperliquid_order_id,
             p.exit_reason AS notes
        FROM agent_deployments_v3 d
        JOIN positions_v3 p ON p.deployment_id = d.id
       WHERE d.book AND p.status IN ('OPEN', 'CLOSED')`);

    await q.query(`
      CREATE TABLE bot_state (
        key VARCHAR(100) PRIMARY KEY,
        value TEXT NOT NULL,
        updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        CONSTRAINT ck_bot_state_value CHECK (jsonb_typeof(value::jsonb) = 'object')
      )`);

    await q.query(`ALTER TABLE pnl_snapshots_v3 ADD COLUMN account_value DECIMAL(20, 8)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE pnl_snapshots_v3 DROP COLUMN account_value`);
    await q.query(`DROP TABLE bot_state`);
    await q.query(`DROP VIEW agent_trades`);
  }
}
