import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Operators see and end their own sessions (docs/OPERATORS.md): a session is named to them by its id (a UUID, never
 * the token or its hash) and shows when it was last used.
 * - operator_sessions.last_seen_at: the login, then the request that found it at least a minute after the last time
 *   recorded (so a busy session writes at most once a minute). NULL for sessions from before this migration until
 *   their next request.
 */
export class OperatorSessions1732200021000 implements MigrationInterface {
  name = 'OperatorSessions1732200021000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE operator_sessions ADD COLUMN last_seen_at TIMESTAMPTZ`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE operator_sessions DROP COLUMN last_seen_at`);
  }
}
