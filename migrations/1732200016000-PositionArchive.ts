import { MigrationInterface, QueryRunner } from 'typeorm';

/** Tables whose position_id named a row of positions_v3 by a foreign key; it now names one of positions_history. */
const REFERENCING = ['billing_events_v3', 'signal_outcomes', 'venue_orders'] as const;

/** Seed 004's agent_trades (TraderRecords migration) over `positions`: the same columns, in the same order. */
const agentTrades = (positions: string) => `
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
    JOIN ${positions} p ON p.deployment_id = d.id
   WHERE d.book AND p.status IN ('OPEN', 'CLOSED')`;

/** Seed 003's daily_performance (WalletIntelligence migration) over `positions`. */
const dailyPerformance = (positions: string) => `
  SELECT date_trunc('day', p.closed_at AT TIME ZONE 'UTC')::date AS date,
         d.trading_mode,
         count(*)::int AS total_trades,
         round(count(*) FILTER (WHERE p.pnl > 0)::numeric / NULLIF(count(*), 0), 4) AS win_rate,
         sum(p.pnl) AS total_pnl,
         avg(p.pnl) AS avg_pnl,
         max(p.pnl) AS best_trade,
         min(p.pnl) AS worst_trade,
         avg(p.closed_at - p.opened_at) AS avg_holding_time
    FROM ${positions} p JOIN agent_deployments_v3 d ON d.id = p.deployment_id
   WHERE p.status = 'CLOSED' AND p.closed_at IS NOT NULL
   GROUP BY 1, 2`;

/**
 * Closed positions past RETENTION_POSITIONS_ARCHIVE_DAYS move from positions_v3 to positions_archive
 * (billing.retention, apps/billing/src/position-archive.ts). What that takes (docs/WALLETS.md, "The position archive"):
 * - `positions_history`: positions_v3 UNION ALL positions_archive, the same columns in the same order. Every reader of
 *   a position's history reads it: agent_trades, daily_performance, PnL snapshots, agent metrics, a trader's book, the
 *   positions API. A view pins its columns: a column added to positions_v3 is added to positions_archive in the same
 *   migration, and the view re-created (CREATE OR REPLACE VIEW appends it); test/position-archive-schema.spec.ts fails
 *   when the three differ.
 * - billing_events_v3, signal_outcomes and venue_orders keep their rows, and their position_id, when a position moves:
 *   their foreign keys to positions_v3 (which would refuse the move) become a constraint trigger that checks the
 *   position is in either table, with the foreign key's error code (23503). A move is one statement, so every
 *   snapshot sees the position in exactly one of the two; nothing else deletes positions.
 * - positions_archive holds CLOSED positions only (CHECK); idx_positions_v3_closed lets each batch read the oldest
 *   closed positions by index instead of scanning positions_v3.
 * - agent_trades and daily_performance read positions_history, so archiving changes none of their rows.
 */
export class PositionArchive1732200016000 implements MigrationInterface {
  name = 'PositionArchive1732200016000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE positions_archive ADD CONSTRAINT ck_positions_archive_closed CHECK (status = 'CLOSED')`);
    await q.query(`CREATE INDEX idx_positions_v3_closed ON positions_v3 (closed_at) WHERE status = 'CLOSED'`);
    await q.query(`CREATE VIEW positions_history AS SELECT * FROM positions_v3 UNION ALL SELECT * FROM positions_archive`);

    await q.query(`
      CREATE FUNCTION position_exists() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NOT EXISTS (SELECT 1 FROM positions_v3 WHERE id = NEW.position_id)
           AND NOT EXISTS (SELECT 1 FROM positions_archive WHERE id = NEW.position_id) THEN
          RAISE EXCEPTION '%.position_id % is in neither positions_v3 nor positions_archive', TG_TABLE_NAME, NEW.position_id
            USING ERRCODE = 'foreign_key_violation';
        END IF;
        RETURN NULL;
      END $$`);
    for (const t of REFERENCING) {
      await q.query(`ALTER TABLE ${t} DROP CONSTRAINT ${t}_position_id_fkey`);
      await q.query(`
        CREATE CONSTRAINT TRIGGER trg_${t}_position_exists AFTER INSERT OR UPDATE OF position_id ON ${t}
        FOR EACH ROW WHEN (NEW.position_id IS NOT NULL) EXECUTE FUNCTION position_exists()`);
    }

    await q.query(`CREATE OR REPLACE VIEW agent_trades AS ${agentTrades('positions_history')}`);
    await q.query(`DROP MATERIALIZED VIEW daily_performance`);
    await q.query(`CREATE MATERIALIZED VIEW daily_performance AS ${dailyPerformance('positions_history')}`);
    await q.query(`CREATE UNIQUE INDEX uq_daily_performance_day_mode ON daily_performance (date, trading_mode)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP MATERIALIZED VIEW daily_performance`);
    await q.query(`CREATE MATERIALIZED VIEW daily_performance AS ${dailyPerformance('positions_v3')}`);
    await q.query(`CREATE UNIQUE INDEX uq_daily_performance_day_mode ON daily_performance (date, trading_mode)`);
    await q.query(`CREATE OR REPLACE VIEW agent_trades AS ${agentTrades('positions_v3')}`);
    // Archived positions come back, so the foreign keys hold again.
    await q.query(`INSERT INTO positions_v3 SELECT * FROM positions_archive`);
    await q.query(`DELETE FROM positions_archive`);
    for (const t of REFERENCING) {
      await q.query(`DROP TRIGGER trg_${t}_position_exists ON ${t}`);
      await q.query(`ALTER TABLE ${t} ADD CONSTRAINT ${t}_position_id_fkey FOREIGN KEY (position_id) REFERENCES positions_v3(id)`);
    }
    await q.query(`DROP FUNCTION position_exists()`);
    await q.query(`DROP VIEW positions_history`);
    await q.query(`DROP INDEX idx_positions_v3_closed`);
    await q.query(`ALTER TABLE positions_archive DROP CONSTRAINT ck_positions_archive_closed`);
  }
}
