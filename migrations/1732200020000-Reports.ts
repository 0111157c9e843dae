import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Seed 003's `reports` (issue 15), its names and columns kept: one markdown report per period and type, with its
 * metrics and notable events as JSON, and the delivery columns notifications fill in (delivered_at, push_sent).
 * - report_type: '4h' (the seed's default) or 'daily'; UNIQUE (report_type, period_start) is what makes a report once
 *   per period however many billing replicas run the job (INSERT … ON CONFLICT DO NOTHING).
 * - Times are TIMESTAMPTZ (UTC instants) like every other table here; the seed's TIMESTAMP would read in the
 *   session's zone.
 * - idx_reports_undelivered: the reports notifications has still to deliver (delivered_at NULL), oldest first.
 * - A new report NOTIFYs the change feed (`reports:<id>`), like the rows the gateway waits on.
 */
export class Reports1732200020000 implements MigrationInterface {
  name = 'Reports1732200020000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE reports (
        id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
        period_start TIMESTAMPTZ NOT NULL,
        period_end TIMESTAMPTZ NOT NULL,
        report_type VARCHAR(20) NOT NULL DEFAULT '4h',
        summary_markdown TEXT,
        metrics JSONB,
        notable_events JSONB,
        delivered_at TIMESTAMPTZ,
        push_sent BOOLEAN NOT NULL DEFAULT false,
        created_at TIMESTAMPTZ DEFAULT now(),
        CONSTRAINT uq_reports_type_period UNIQUE (report_type, period_start),
        CONSTRAINT ck_reports_type CHECK (report_type IN ('4h', 'daily')),
        CONSTRAINT ck_reports_period CHECK (period_end > period_start)
      )`);
    await q.query(`CREATE INDEX idx_reports_period ON reports (period_end DESC)`);
    await q.query(`CREATE INDEX idx_reports_undelivered ON reports (created_at) WHERE delivered_at IS NULL`);
    await q.query(`CREATE TRIGGER trg_reports_insert_notify AFTER INSERT ON reports FOR EACH ROW EXECUTE FUNCTION conduit_notify_change()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE reports`);
  }
}
