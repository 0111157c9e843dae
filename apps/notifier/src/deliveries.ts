import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Env } from '@conduit/config';
import type { Clock } from '@conduit/domain';
import {
  DeliveryStatus,
  exec,
  first,
  NotificationChannel,
  NotificationEvent,
  PREPARED,
  RecipientType,
  reportDelivered,
  rows,
} from '@conduit/db';
import { CLOCK, ENV } from '@conduit/runtime';

/** Notifications fanned out, deliveries queued, per sweep at most. */
const SWEEP_BATCH = 1000;

/** A claimed delivery with what its send needs: the notification and the recipient's channel configuration. */
export interface ClaimedDelivery {
  id: string;
  channel: NotificationChannel;
  attempts: number;
  notification_id: string;
  event_type: NotificationEvent;
  recipient_type: RecipientType;
  recipient_id: string;
  payload: Record<string, unknown>;
  created_at: Date;
  /** The recipient's settings now (null: removed since). */
  channels: NotificationChannel[] | null;
  webhook_url: string | null;
  webhook_secret_encrypted: string | null;
  webhook_secret_iv: string | null;
  webhook_secret_tag: string | null;
  telegram_chat_id: string | null;
  email: string | null;
}

/**
 * notification_deliveries' lifecycle, and the only code that changes it: created pending (fanOut) → sending (claim,
 * conditional on pending: one sender per attempt) → sent; or back to pending with a backoff after a definite failure
 * (retry), or failed with the reason (fail; a send left sending past NOTIFY_SENDING_TIMEOUT_MS: interrupted).
 * Every time it writes or compares (fanned_out_at, next_attempt_at, claimed_at, sent_at, the interrupted timeout) is
 * the injected CLOCK's, passed to the SQL, never the database's now(): tests move a ManualClock instead of waiting.
 */
@Injectable()
export class Deliveries {
  constructor(
    private readonly ds: DataSource,
    @Inject(ENV) private readonly env: Env,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /**
   * New notifications → one pending delivery per channel their recipient has enabled now (UNIQUE per notification ×
   * channel; none to a deactivated operator), each notification once (fanned_out_at; SKIP LOCKED: concurrent sweeps
   * take different rows).
   */
  async fanOut(): Promise<number> {
    const [r] = await rows<{ notifications: number }>(
      this.ds,
      `WITH n AS (SELECT id, recipient_type, recipient_id FROM notifications WHERE fanned_out_at IS NULL
                   ORDER BY created_at LIMIT $1 FOR UPDATE SKIP LOCKED),
            d AS (INSERT INTO notification_deliveries (notification_id, channel, next_attempt_at, created_at)
                  SELECT n.id, c.channel, $2::timestamptz, $2::timestamptz FROM n
                    JOIN notification_settings s ON s.subject_type = n.recipient_type AND s.subject_id = n.recipient_id
                   CROSS JOIN LATERAL unnest(s.channels) AS c(channel)
                   WHERE n.recipient_type = 'wallet'
                      OR EXISTS (SELECT 1 FROM users u WHERE u.id::text = n.recipient_id AND u.is_active)
                  ON CONFLICT (notification_id, channel) DO NOTHING RETURNING id),
            u AS (UPDATE notifications x SET fanned_out_at = $2::timestamptz FROM n WHERE x.id = n.id RETURNING x.id)
       SELECT (SELECT count(*) FROM u)::int AS notifications`,
      [SWEEP_BATCH, this.clock.now()],
    );
    return r?.notifications ?? 0;
  }

  /** Deliveries a crashed process left sending: failed, never sent again (at most once). */
  async failInterrupted(): Promise<number> {
    const failed = await rows<{ id: string }>(
      this.ds,
      `UPDATE notification_deliveries SET status = 'failed',
              last_error = 'interrupted: the send did not finish (the notifier stopped); not sent again, at most once'
        WHERE status = 'sending' AND claimed_at < $2::timestamptz - $1 * interval '1 millisecond' RETURNING id`,
      [this.env.NOTIFY_SENDING_TIMEOUT_MS, this.clock.now()],
    );
    return failed.length;
  }

  /** Pending deliveries whose time has come (new ones, due retries, and any whose job was lost). */
  async due(): Promise<{ id: string; attempts: number }[]> {
    return rows<{ id: string; attempts: number }>(
      this.ds,
      `SELECT id, attempts FROM notification_deliveries WHERE status = 'pending' AND next_attempt_at <= $2
        ORDER BY next_attempt_at LIMIT $1`,
      [SWEEP_BATCH, this.clock.now()],
    );
  }

  /** pending → sending, once: null when another sender has it, or it is no longer pending. */
  async claim(deliveryId: string): Promise<ClaimedDelivery | null> {
    const claimed = await first<{ id: string }>(
      this.ds,
      `UPDATE notification_deliveries SET status = 'sending', attempts = attempts + 1, claimed_at = $2
        WHERE id = $1 AND status = 'pending' RETURNING id`,
      [deliveryId, this.clock.now()],
      PREPARED,
    );
    if (!claimed) return null;
    const row = await first<ClaimedDelivery>(
      this.ds,
      `SELECT d.id, d.channel, d.attempts, d.notification_id, n.event_type, n.recipient_type, n.recipient_id, n.payload, n.created_at,
              s.channels, s.webhook_url, s.webhook_secret_encrypted, s.webhook_secret_iv, s.webhook_secret_tag, s.telegram_chat_id, s.email
         FROM notification_deliveries d JOIN notifications n ON n.id = d.notification_id
         LEFT JOIN notification_settings s ON s.subject_type = n.recipient_type AND s.subject_id = n.recipient_id
        WHERE d.id = $1`,
      [deliveryId],
      PREPARED,
    );
    return row ?? null;
  }

  /** sending → sent; a report's first sent "report ready" marks the report delivered. */
  async sent(deliveryId: string): Promise<void> {
    await this.finish(deliveryId, 'sent', `sent_at = $2, last_error = NULL`, [this.clock.now()]);
    await reportDelivered(this.ds, deliveryId);
  }

  /** A definite failure before the last attempt: pending again `delayMs` after the clock's now. */
  async retry(deliveryId: string, error: string, delayMs: number): Promise<void> {
    await this.finish(deliveryId, 'pending', `next_attempt_at = $3, last_error = $2`, [
      error.slice(0, 1000),
      new Date(this.clock.now().getTime() + delayMs),
    ]);
  }

  async fail(deliveryId: string, error: string): Promise<void> {
    await this.finish(deliveryId, 'failed', `last_error = $2`, [error.slice(0, 1000)]);
  }

  /** sending → `status`, conditional on sending (a delivery the sweep already failed as interrupted stays failed). */
  private async finish(deliveryId: string, status: DeliveryStatus, set: string, params: unknown[]): Promise<void> {
    await exec(
      this.ds,
      `UPDATE notification_deliveries SET status = '${status}', ${set} WHERE id = $1 AND status = 'sending'`,
      [deliveryId, ...params],
      PREPARED,
    );
  }
}
