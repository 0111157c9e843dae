import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Operators see since when a venue is up or down (the operations page):
 * - venues_status.status_since: when the venue's status last changed, set by the executor's venue sync in the same
 *   upsert as the status (the first check of a venue sets it too). NULL for rows from before this migration until
 *   their status next changes: their status has held at least since the last check shown.
 */
export class VenueStatusSince1732200022000 implements MigrationInterface {
  name = 'VenueStatusSince1732200022000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE venues_status ADD COLUMN status_since TIMESTAMPTZ`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE venues_status DROP COLUMN status_since`);
  }
}
