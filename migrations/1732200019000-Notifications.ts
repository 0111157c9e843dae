import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Notifications (issue 15; seed 004's suggested `notifications` table), docs/NOTIFICATIONS.md:
 * - `notification_settings`: per recipient, a wallet (lower-case address) or an operator (a users id, as text: no
 *   foreign key, so settings do not depend on the operators' table), the events chosen and the channels enabled with
 *   their configuration. The webhook secret is stored sealed (libs/custody, the agent keys' three columns).
 * - `notifications`: one row per event × recipient, written in the transaction of the change it reports (the outbox),
 *   only for recipients subscribed to the event. UNIQUE (event_key, recipient_type, recipient_id): the same event never
 *   makes two rows. Subject refs carry no foreign key: positions move to positions_archive, and the trading path
 *   checks nothing more than it must. `fanned_out_at`: when the notifier created its deliveries.
 * - `notification_deliveries`: one per notification × channel (UNIQUE), pending → sending (claimed) → sent, or back to
 *   pending with a backoff after a definite failure, or failed with its reason.
 */
export class Notifications1732200019000 implements MigrationInterface {
  name = 'Notifications1732200019000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE notification_settings (
        subject_type text NOT NULL CHECK (subject_type IN ('wallet', 'user')),
        subject_id text NOT NULL,
        events text[] NOT NULL DEFAULT '{}',
        channels text[] NOT NULL DEFAULT '{}',
        webhook_url text,
        webhook_secret_encrypted text,
        webhook_secret_iv text,
        webhook_secret_tag text,
        telegram_chat_id text,
        email text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (subject_type, subject_id),
        CONSTRAINT ck_notification_settings_wallet CHECK (subject_type <> 'wallet' OR subject_id ~ '^0x[0-9a-f]{40}$'),
        CONSTRAINT ck_notification_settings_channels CHECK (channels <@ ARRAY['webhook', 'telegram', 'email']::text[]),
        CONSTRAINT ck_notification_settings_webhook CHECK (NOT 'webhook' = ANY(channels) OR webhook_url IS NOT NULL),
        CONSTRAINT ck_notification_settings_telegram CHECK (NOT 'telegram' = ANY(channels) OR telegram_chat_id IS NOT NULL),
        CONSTRAINT ck_notification_settings_email CHECK (NOT 'email' = ANY(channels) OR email IS NOT NULL))`);

    await q.query(`
      CREATE TABLE notifications (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        event_type text NOT NULL,
        event_key text NOT NULL,
        recipient_type text NOT NULL CHECK (recipient_type IN ('wallet', 'user')),
        recipient_id text NOT NULL,
        deployment_id uuid,
        position_id uuid,
        billing_event_id uuid,
        agent_id uuid,
        payload jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now(),
        fanned_out_at timestamptz,
        CONSTRAINT uq_notifications_event_recipient UNIQUE (event_key, recipient_type, recipient_id))`);
    await q.query(`CREATE INDEX idx_notifications_recipient ON notifications (recipient_type, recipient_id, created_at DESC)`);
    await q.query(`CREATE INDEX idx_notifications_unfanned ON notifications (created_at) WHERE fanned_out_at IS NULL`);

    await q.query(`
      CREATE TABLE notification_deliveries (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        notification_id uuid NOT NULL REFERENCES notifications (id) ON DELETE CASCADE,
        channel text NOT NULL CHECK (channel IN ('webhook', 'telegram', 'email')),
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        claimed_at timestamptz,
        last_error text,
        sent_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT uq_notification_deliveries_channel UNIQUE (notification_id, channel))`);
    await q.query(`CREATE INDEX idx_notification_deliveries_due ON notification_deliveries (next_attempt_at) WHERE status = 'pending'`);
    await q.query(`CREATE INDEX idx_notification_deliveries_sending ON notification_deliveries (claimed_at) WHERE status = 'sending'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE notification_deliveries`);
    await q.query(`DROP TABLE notifications`);
    await q.query(`DROP TABLE notification_settings`);
  }
}
