import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Env } from '@conduit/config';
import { KeyVault, webhookSecretContext } from '@conduit/custody';
import { audit, first, NOTIFICATION_CHANNELS, NOTIFICATION_EVENTS, NotificationChannel, NotificationSetting, rows } from '@conduit/db';
import { ENV, webhookUrlProblem } from '@conduit/runtime';
import { badRequest } from '../common/errors';
import { NotificationQuery, NotificationSettingsDto } from './notifications.dto';

type SettingsRow = Pick<NotificationSetting, 'events' | 'channels'> & {
  webhook_url: string | null;
  has_secret: boolean;
  telegram_chat_id: string | null;
  email: string | null;
  updated_at: Date | null;
};

/** Whose settings and notifications: a wallet (a subscriber, a creator) or an operator (users.id). */
export interface Recipient {
  type: 'wallet' | 'user';
  id: string;
}

/**
 * A wallet's or an operator's notification settings and notifications (docs/NOTIFICATIONS.md); the webhook secret is
 * never returned.
 */
@Injectable()
export class NotificationsService {
  private readonly vault: KeyVault | null;

  constructor(
    private readonly ds: DataSource,
    @Inject(ENV) private readonly env: Env,
  ) {
    this.vault = env.MASTER_KEY ? new KeyVault(env.MASTER_KEY) : null;
  }

  async settings(who: Recipient) {
    const row = await first<SettingsRow>(
      this.ds,
      `SELECT events, channels, webhook_url, webhook_secret_encrypted IS NOT NULL AS has_secret, telegram_chat_id, email, updated_at
         FROM notification_settings WHERE subject_type = $2 AND subject_id = $1`,
      [who.id, who.type],
    );
    const on = (c: NotificationChannel) => row?.channels.includes(c) ?? false;
    return {
      success: true,
      settings: {
        events: row?.events ?? [],
        channels: {
          webhook: { enabled: on('webhook'), url: row?.webhook_url ?? null, secret_set: row?.has_secret ?? false },
          telegram: { enabled: on('telegram'), chat_id: row?.telegram_chat_id ?? null },
          email: { enabled: on('email'), address: row?.email ?? null },
        },
        updated_at: row?.updated_at ?? null,
      },
      available: { events: NOTIFICATION_EVENTS, channels: NOTIFICATION_CHANNELS },
    };
  }

  /**
   * Replaces the settings; a webhook secret left out keeps the stored one. A repeat writes nothing. A webhook URL whose
   * host is not a public address (literal, or any address its name resolves to) is refused unless
   * NOTIFY_WEBHOOK_ALLOW_PRIVATE: the SSRF guard (libs/runtime/src/webhook-address.ts); the notifier checks again.
   */
  async putSettings(who: Recipient, dto: NotificationSettingsDto, traceId: string) {
    const { webhook, telegram, email } = dto.channels;
    const current = await first<SettingsRow & { encrypted: string | null; iv: string | null; tag: string | null }>(
      this.ds,
      `SELECT events, channels, webhook_url, webhook_secret_encrypted IS NOT NULL AS has_secret, telegram_chat_id, email, updated_at,
              webhook_secret_encrypted AS encrypted, webhook_secret_iv AS iv, webhook_secret_tag AS tag
         FROM notification_settings WHERE subject_type = $2 AND subject_id = $1`,
      [who.id, who.type],
    );
    if (webhook?.secret && !this.vault)
      throw badRequest('channels.webhook.secret', 'channels.webhook.secret needs the server to have a MASTER_KEY');
    if (webhook?.enabled && !webhook.secret && !current?.has_secret)
      throw badRequest('channels.webhook.secret', 'channels.webhook.secret is required to enable the webhook (it signs every delivery)');
    const hookProblem = webhook ? await webhookUrlProblem(webhook.url, this.env.NOTIFY_WEBHOOK_ALLOW_PRIVATE) : null;
    if (hookProblem) throw badRequest('channels.webhook.url', `channels.webhook.url must reach a public address: ${hookProblem}`);
    const channels = NOTIFICATION_CHANNELS.filter((c) => dto.channels[c]?.enabled);
    const events = [...dto.events];
    const next = { webhook_url: webhook?.url ?? null, telegram_chat_id: telegram?.chat_id ?? null, email: email?.address ?? null };
    // The same secret again is no change (it is compared opened, never stored twice).
    const secretChanged = !!webhook?.secret && !(current?.encrypted && this.storedSecret(who, current) === webhook.secret);
    const same =
      current &&
      !secretChanged &&
      JSON.stringify([current.events, current.channels, current.webhook_url, current.telegram_chat_id, current.email]) ===
        JSON.stringify([events, channels, next.webhook_url, next.telegram_chat_id, next.email]);
    if (same) return this.settings(who);
    const sealed = secretChanged ? this.vault!.seal(webhook!.secret!, webhookSecretContext(who.type, who.id)) : null;
    await this.ds.transaction(async (em) => {
      await rows(
        em,
        `INSERT INTO notification_settings (subject_type, subject_id, events, channels, webhook_url, webhook_secret_encrypted,
                                            webhook_secret_iv,
                                            webhook_secret_tag, telegram_chat_id, email)
         VALUES ($10, $1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (subject_type, subject_id) DO UPDATE SET events = EXCLUDED.events, channels = EXCLUDED.channels,
           webhook_url = EXCLUDED.webhook_url, telegram_chat_id = EXCLUDED.telegram_chat_id, email = EXCLUDED.email, updated_at = now(),
           webhook_secret_encrypted = COALESCE(EXCLUDED.webhook_secret_encrypted, notification_settings.webhook_secret_encrypted),
           webhook_secret_iv = COALESCE(EXCLUDED.webhook_secret_iv, notification_settings.webhook_secret_iv),
           webhook_secret_tag = COALESCE(EXCLUDED.webhook_secret_tag, notification_settings.webhook_secret_tag)`,
        [
          who.id,
          events,
          channels,
          next.webhook_url,
          sealed?.encrypted ?? null,
          sealed?.iv ?? null,
          sealed?.tag ?? null,
          next.telegram_chat_id,
          next.email,
          who.type,
        ],
      );
      // The audit row says what changed, never the secret.
      await audit(
        em,
        'v3.notifications.settings',
        who.type === 'wallet' ? 'wallet' : 'user',
        who.type === 'user' ? who.id : null,
        { [who.type]: who.id, events, channels, secret_changed: !!sealed },
        traceId,
      );
    });
    return this.settings(who);
  }

  private storedSecret(who: Recipient, s: { encrypted: string | null; iv: string | null; tag: string | null }): string | null {
    try {
      return this.vault!.open({ encrypted: s.encrypted!, iv: s.iv!, tag: s.tag! }, webhookSecretContext(who.type, who.id));
    } catch {
      return null; // sealed under another key: replaced
    }
  }

  async list(who: Recipient, q: NotificationQuery) {
    const notifications = await rows(
      this.ds,
      `SELECT n.id, n.event_type, n.deployment_id, n.position_id, n.billing_event_id, n.agent_id, n.payload, n.created_at,
              COALESCE((SELECT jsonb_agg(jsonb_build_object('channel', d.channel, 'status', d.status, 'attempts', d.attempts,
                                                            'last_error', d.last_error, 'sent_at', d.sent_at) ORDER BY d.channel)
                          FROM notification_deliveries d WHERE d.notification_id = n.id), '[]'::jsonb) AS deliveries
         FROM notifications n
        WHERE n.recipient_type = $5 AND n.recipient_id = $1 AND ($2::text IS NULL OR n.event_type = $2)
        ORDER BY n.created_at DESC, n.id LIMIT $3 OFFSET $4`,
      [who.id, q.event_type ?? null, q.limit ?? 50, q.offset ?? 0, who.type],
    );
    return { success: true, count: notifications.length, notifications };
  }
}
