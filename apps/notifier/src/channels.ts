import { createHmac } from 'node:crypto';
import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { createTransport, Transporter } from 'nodemailer';
import { Env } from '@conduit/config';
import { KeyVault, webhookSecretContext } from '@conduit/custody';
import { ENV } from '@conduit/runtime';
import type { ClaimedDelivery } from './deliveries';
import { NOT_CONNECTED, SendError } from './send-error';
import { postWebhook } from './webhook-post';

export { SendError } from './send-error';

/** The webhook's signature: hex HMAC-SHA256 under the recipient's secret of `${timestamp}.${body}`. */
export const webhookSignature = (secret: string, timestamp: string, body: string) =>
  createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');

/** nodemailer's SMTP options from SMTP_URL: smtp://[user:pass@]host[:port] (STARTTLS when offered), smtps:// for TLS. */
export function smtpOptions(smtpUrl: string, timeoutMs: number) {
  const u = new URL(smtpUrl);
  const secure = u.protocol === 'smtps:';
  return {
    host: u.hostname,
    port: u.port ? Number(u.port) : secure ? 465 : 587,
    secure,
    auth: u.username ? { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) } : undefined,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  };
}

/** A notification as words: a subject line and a plain-text body (Telegram and email). */
export function render(d: Pick<ClaimedDelivery, 'event_type' | 'payload' | 'created_at'>): { subject: string; text: string } {
  const p = d.payload as Record<string, any>;
  const position = p.token ? `${p.side ?? ''} ${p.qty ?? ''} ${p.token} on ${p.venue ?? ''}`.replace(/\s+/g, ' ').trim() : '';
  const subjects: Record<string, string> = {
    'position.opened': `Position opened: ${position} at ${p.entry_price}`,
    'position.closed': `Position closed: ${position}, PnL ${p.pnl}`,
    'position.stop_loss': `Stop loss hit: ${position}, PnL ${p.pnl}`,
    'position.take_profit': `Take profit hit: ${position}, PnL ${p.pnl}`,
    'position.trailing_stop': `Trailing stop hit: ${position}, PnL ${p.pnl}`,
    'position.liquidated': `Liquidated: ${position}, PnL ${p.pnl}`,
    'bill.created': `Bill created: ${p.kind} ${p.amount} ${p.asset ?? 'USDC'}`,
    'bill.collected': `Bill collected: ${p.kind} ${p.amount} ${p.asset ?? 'USDC'}`,
    'bill.failed': `Bill failed: ${p.kind} ${p.amount} ${p.asset ?? 'USDC'}${p.failure_reason ? ` (${p.failure_reason})` : ''}`,
    'deployment.kill_switch': `Kill switch ${p.enabled ? 'on' : 'off'} for deployment ${p.deployment_id}`,
    'deployment.stopped': `Deployment stopped: ${p.deployment_id}`,
    'venue.down': `Venue down: ${p.venue}${p.error ? ` (${p.error})` : ''}`,
    'venue.up': `Venue back up: ${p.venue}`,
    'agent.failing': `Agent failing: ${p.agent_name ?? p.agent_id}, ${p.failed_signals} signals in a row failed`,
    'report.ready': `Report ready: ${p.type ?? ''} ${p.period_start ?? ''}`.trim(),
  };
  const subject = `[Conduit] ${subjects[d.event_type] ?? d.event_type}`;
  const details = Object.entries(p)
    .filter(([, v]) => v !== null && v !== undefined)
    .map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`);
  return { subject, text: [subject, '', ...details, '', `at ${new Date(d.created_at).toISOString()}`].join('\n') };
}

/**
 * The three channels: webhook (signed JSON POST), Telegram (Bot API sendMessage at TELEGRAM_API_URL) and email
 * (SMTP_URL through nodemailer). Each send resolves once the other side accepted the message, or throws a SendError.
 */
@Injectable()
export class Channels implements OnModuleDestroy {
  private readonly vault: KeyVault | null;
  private mailer: Transporter | null = null;

  constructor(@Inject(ENV) private readonly env: Env) {
    this.vault = env.MASTER_KEY ? new KeyVault(env.MASTER_KEY) : null;
  }

  onModuleDestroy(): void {
    this.mailer?.close();
  }

  async send(d: ClaimedDelivery): Promise<void> {
    if (!d.channels?.includes(d.channel)) throw new SendError(`${d.channel} is no longer enabled for this recipient`, false);
    if (d.channel === 'webhook') return this.webhook(d);
    if (d.channel === 'telegram') return this.telegram(d);
    return this.email(d);
  }

  private async webhook(d: ClaimedDelivery): Promise<void> {
    if (!d.webhook_url) throw new SendError('no webhook url', false);
    if (!this.vault || !d.webhook_secret_encrypted || !d.webhook_secret_iv || !d.webhook_secret_tag)
      throw new SendError('the webhook secret cannot be opened (no MASTER_KEY, or none stored)', false);
    const secret = this.vault.open(
      { encrypted: d.webhook_secret_encrypted, iv: d.webhook_secret_iv, tag: d.webhook_secret_tag },
      webhookSecretContext(d.recipient_type, d.recipient_id),
    );
    const body = JSON.stringify({
      id: d.notification_id,
      delivery_id: d.id,
      event: d.event_type,
      created_at: new Date(d.created_at).toISOString(),
      recipient: { type: d.recipient_type, id: d.recipient_id },
      payload: d.payload,
    });
    const timestamp = String(Math.floor(Date.now() / 1000));
    // Resolved and checked (the SSRF guard), connected to the checked address only, never redirected.
    const headers = {
      'X-Conduit-Signature': webhookSignature(secret, timestamp, body),
      'X-Conduit-Timestamp': timestamp,
      'X-Conduit-Delivery': d.id,
      'X-Conduit-Event': d.event_type,
    };
    await postWebhook(d.webhook_url, body, headers, {
      timeoutMs: this.env.NOTIFY_SEND_TIMEOUT_MS,
      allowPrivate: this.env.NOTIFY_WEBHOOK_ALLOW_PRIVATE,
    });
  }

  private async telegram(d: ClaimedDelivery): Promise<void> {
    if (!this.env.TELEGRAM_BOT_TOKEN) throw new SendError('TELEGRAM_BOT_TOKEN is not set', false);
    if (!d.telegram_chat_id) throw new SendError('no telegram chat id', false);
    const url = `${this.env.TELEGRAM_API_URL.replace(/\/$/, '')}/bot${this.env.TELEGRAM_BOT_TOKEN}/sendMessage`;
    const answer = await this.post(url, JSON.stringify({ chat_id: d.telegram_chat_id, text: render(d).text }), {});
    if (answer && answer.ok === false) throw new SendError(`telegram: ${answer.description ?? 'not ok'}`, true);
  }

  private async email(d: ClaimedDelivery): Promise<void> {
    if (!this.env.SMTP_URL) throw new SendError('SMTP_URL is not set', false);
    if (!d.email) throw new SendError('no email address', false);
    const timeout = this.env.NOTIFY_SEND_TIMEOUT_MS;
    this.mailer ??= createTransport(smtpOptions(this.env.SMTP_URL, timeout));
    const { subject, text } = render(d);
    try {
      await this.mailer.sendMail({ from: this.env.NOTIFY_EMAIL_FROM, to: d.email, subject, text, headers: { 'X-Conduit-Delivery': d.id } });
    } catch (err: any) {
      // The server answered an SMTP error (the mail was not accepted), or no connection was made: nothing was sent.
      const definite = typeof err?.responseCode === 'number' || NOT_CONNECTED.has(err?.code) || err?.code === 'ECONNECTION';
      throw new SendError(`email: ${err?.message ?? String(err)}`, definite);
    }
  }

  /**
   * POSTs JSON to an operator-configured service (Telegram); an answered non-2xx is a definite failure, as is a refused
   * connection; the answer's JSON, if any.
   */
  private async post(url: string, body: string, headers: Record<string, string>): Promise<any> {
    let res: Response;
    try {
      res = await fetch(url, {
        method: 'POST',
        body,
        headers: { 'Content-Type': 'application/json', ...headers },
        signal: AbortSignal.timeout(this.env.NOTIFY_SEND_TIMEOUT_MS),
        redirect: 'manual',
      });
    } catch (err: any) {
      const code = err?.cause?.code ?? err?.code;
      const where = url.replace(/\/bot[^/]+\//, '/bot<token>/');
      throw new SendError(
        `${where}: ${code ?? err?.name ?? 'error'} ${err?.cause?.message ?? err?.message ?? ''}`.trim(),
        NOT_CONNECTED.has(code),
      );
    }
    const text = await res.text().catch(() => '');
    if (res.status < 200 || res.status >= 300) throw new SendError(`HTTP ${res.status} ${text.slice(0, 200)}`.trim(), true);
    try {
      return text ? JSON.parse(text) : null;
    } catch {
      return null;
    }
  }
}
