import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The change feed: row triggers NOTIFY `conduit_changes` (CHANGES_CHANNEL in libs/db) with `<table>:<id>` when a row
 * the gateway waits on changes, so a waiting request re-reads at once instead of polling. Off the hot insert paths:
 * positions notify on status changes only (never on the fan-out's inserts), bills on their profit-share insert and on
 * status or metadata updates (never on the subscription run's inserts). A profit share also notifies its position:
 * closing a position waits for its bill.
 */
export class ChangeFeed1732200008000 implements MigrationInterface {
  name = 'ChangeFeed1732200008000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION conduit_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('conduit_changes', TG_TABLE_NAME || ':' || NEW.id);
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE FUNCTION conduit_notify_bill_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('conduit_changes', 'billing_events_v3:' || NEW.id);
        IF TG_OP = 'INSERT' AND NEW.position_id IS NOT NULL THEN
          PERFORM pg_notify('conduit_changes', 'positions_v3:' || NEW.position_id);
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER trg_signals_v3_insert_notify AFTER INSERT ON signals_v3
                     FOR EACH ROW EXECUTE FUNCTION conduit_notify_change()`);
    await q.query(`CREATE TRIGGER trg_signals_v3_status_notify AFTER UPDATE OF status ON signals_v3
                     FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status) EXECUTE FUNCTION conduit_notify_change()`);
    await q.query(`CREATE TRIGGER trg_positions_v3_status_notify AFTER UPDATE OF status ON positions_v3
                     FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status) EXECUTE FUNCTION conduit_notify_change()`);
    await q.query(`CREATE TRIGGER trg_billing_events_v3_insert_notify AFTER INSERT ON billing_events_v3
                     FOR EACH ROW WHEN (NEW.position_id IS NOT NULL) EXECUTE FUNCTION conduit_notify_bill_change()`);
    await q.query(`CREATE TRIGGER trg_billing_events_v3_update_notify AFTER UPDATE OF status, metadata ON billing_events_v3
                     FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.metadata IS DISTINCT FROM NEW.metadata)
                     EXECUTE FUNCTION conduit_notify_bill_change()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER trg_billing_events_v3_update_notify ON billing_events_v3`);
    await q.query(`DROP TRIGGER trg_billing_events_v3_insert_notify ON billing_events_v3`);
    await q.query(`DROP TRIGGER trg_positions_v3_status_notify ON positions_v3`);
    await q.query(`DROP TRIGGER trg_signals_v3_status_notify ON signals_v3`);
    await q.query(`DROP TRIGGER trg_signals_v3_insert_notify ON signals_v3`);
    await q.query(`DROP FUNCTION conduit_notify_bill_change()`);
    await q.query(`DROP FUNCTION conduit_notify_change()`);
  }
}
