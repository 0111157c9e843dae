// Demo step 11 (issue 15): what happened to a user's money reaches them without polling, and the platform is run by
// operators with their own sign-in. Notifications go to local servers speaking the webhook (HMAC), Telegram Bot API and
// SMTP protocols; an operator enrols TOTP 2FA with a code computed here; a stranger cannot read a subscriber's rows; a
// report of the last complete period is written once and delivered like any notification.
import { authenticator } from 'otplib';
import { Wallet } from 'ethers';
import { SmtpTestServer, TelegramServer, WebhookReceiver } from '@conduit/testing';

type Call = (method: string, path: string, body?: unknown, headers?: Record<string, string>) => Promise<any>;
interface DemoKit {
  call: Call;
  step: (s: string) => void;
  show: (label: string, value: unknown) => void;
  poll: <T>(check: () => Promise<T | null | undefined>) => Promise<T>;
}

/** The events the demo's first wallet subscribes to, on every channel. */
const EVENTS = ['position.opened', 'position.closed', 'bill.created', 'bill.collected', 'deployment.kill_switch'];
const CHAT_ID = '100200300';

/** The three channels' local servers, started before the notifier so it is configured with their addresses. */
export class DemoInbox {
  readonly secret = `whsec-demo-${Date.now()}`;
  readonly hook = new WebhookReceiver(this.secret);
  readonly telegram = new TelegramServer();
  readonly smtp = new SmtpTestServer();

  async start(): Promise<Record<string, string>> {
    await Promise.all([this.hook.start(), this.telegram.start(), this.smtp.start()]);
    return { TELEGRAM_API_URL: this.telegram.url, TELEGRAM_BOT_TOKEN: this.telegram.token, SMTP_URL: this.smtp.url };
  }

  async close(): Promise<void> {
    await Promise.all([this.hook.close(), this.telegram.close(), this.smtp.close()]);
  }

  /** The wallet's settings: every channel, the events above (the webhook secret is sealed; only secret_set comes back). */
  async subscribe(kit: DemoKit, as: Record<string, string>): Promise<void> {
    const { settings } = await kit.call(
      'PUT',
      '/api/v3/notifications/settings',
      {
        events: EVENTS,
        channels: {
          webhook: { enabled: true, url: `${this.hook.url}/conduit`, secret: this.secret },
          telegram: { enabled: true, chat_id: CHAT_ID },
          email: { enabled: true, address: 'creator@example.com' },
        },
      },
      as,
    );
    kit.show(
      'notifications',
      `${settings.events.join(', ')} → webhook (secret_set=${settings.channels.webhook.secret_set}), Telegram, email`,
    );
  }
}

export async function operationsDemo(
  kit: DemoKit,
  ctx: { api: string; inbox: DemoInbox; as: Record<string, string>; admin: Record<string, string>; deploymentId: string },
): Promise<void> {
  const { call, step, show, poll } = kit;
  const { inbox } = ctx;

  step('11. Notifications, operators with 2FA, private reads, reports');
  await call('POST', `/api/v3/deployments/${ctx.deploymentId}/kill-switch`, { enabled: true }, ctx.as);
  show('kill switch', `on for ${ctx.deploymentId.slice(0, 8)}… (no new entries; open positions stay)`);
  const mine = await poll(async () => {
    const { notifications } = await call('GET', '/api/v3/notifications?limit=50', undefined, ctx.as);
    const done = notifications.filter(
      (n: any) => n.deliveries.length === 3 && n.deliveries.every((d: any) => d.status === 'sent' || d.status === 'failed'),
    );
    return notifications.some((n: any) => n.event_type === 'deployment.kill_switch') && done.length === notifications.length
      ? notifications
      : null;
  });
  for (const n of [...mine].reverse()) show(n.event_type, n.deliveries.map((d: any) => `${d.channel} ${d.status}`).join(', '));
  const verified = inbox.hook.received.filter((r) => r.verified).length;
  show(
    'received',
    `${inbox.hook.received.length} webhooks (${verified} with a valid HMAC signature), ` +
      `${inbox.telegram.messages.length} Telegram messages, ${inbox.smtp.mails.length} emails`,
  );
  const closed = inbox.telegram.messages.find((m) => m.text.includes('closed'));
  if (closed) show('Telegram says', closed.text.split('\n')[0]);

  // An operator of the platform: created by the admin as a viewer, enrols TOTP and signs in with a code.
  const email = `viewer-${Date.now()}@conduit.demo`;
  const password = `viewer-${Wallet.createRandom().address.slice(2, 18)}`;
  await call('POST', '/api/v3/operators', { email, password, role: 'viewer' }, ctx.admin);
  const first = await call('POST', '/api/v3/operators/login', { email, password });
  const bearer = { authorization: `Bearer ${first.token}` };
  const enrol = await call('POST', '/api/v3/operators/me/2fa', undefined, bearer);
  const secret = new URL(enrol.otpauth_uri).searchParams.get('secret')!;
  // Enrolment takes the previous step's code (±1 step is allowed) so the sign-in below can use the current one: a
  // step's code is accepted once.
  const previous = authenticator.clone({ epoch: Date.now() - 30_000 }).generate(secret);
  const { recovery_codes } = await call('POST', '/api/v3/operators/me/2fa/confirm', { code: previous }, bearer);
  show('operator', `${email} (viewer) enrolled 2FA: ${recovery_codes.length} recovery codes, the secret sealed at rest`);
  const noCode = await fetch(`${ctx.api}/api/v3/operators/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  show('without a code', `${noCode.status}: ${JSON.stringify(((await noCode.json()) as { message: unknown }).message)}`);
  const withCode = await call('POST', '/api/v3/operators/login', { email, password, totp_code: authenticator.generate(secret) });
  show('with a TOTP code', `signed in until ${withCode.expires_at}`);
  const viewer = { authorization: `Bearer ${withCode.token}` };
  const act = await fetch(`${ctx.api}/api/v3/admin/paper/marks`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', ...viewer },
    body: JSON.stringify({ venue: 'HYPERLIQUID', token_symbol: 'ETH', price: '1' }),
  });
  show('a viewer acts', `PUT /admin/paper/marks → ${act.status} (viewers read, operators act)`);
  const audit = await call('GET', `/api/v3/admin/audit?entity_id=${ctx.deploymentId}&limit=5`, undefined, viewer);
  show('audit', audit.entries.map((e: any) => `${e.action} by ${e.wallet ?? e.user_id ?? e.actor}`).join('; '));

  // Private reads: a stranger's wallet gets the same 404 as for an id that does not exist.
  const stranger = await fetch(`${ctx.api}/api/v3/deployments/${ctx.deploymentId}`);
  show('a stranger reads', `GET /deployments/${ctx.deploymentId.slice(0, 8)}… → ${stranger.status} (no existence leak)`);

  // The last complete 4-hour period's report: billing writes it once, however often it is asked for.
  const run = await call('POST', '/api/v3/admin/reports/run', { type: '4h' }, ctx.admin);
  const reportId: string = await poll(async () => {
    if (run.report_id) return run.report_id;
    const q = `type=4h&from=${encodeURIComponent(run.period_start)}&to=${encodeURIComponent(run.period_end)}`;
    return (await call('GET', `/api/v3/reports?${q}`, undefined, ctx.admin)).reports[0]?.id;
  });
  const { report } = await call('GET', `/api/v3/reports/${reportId}`, undefined, ctx.admin);
  const again = await call('POST', '/api/v3/admin/reports/run', { type: '4h' }, ctx.admin);
  show('report', `${report.report_type} ${report.period_start} → ${report.period_end} (asked again: queued=${again.queued})`);
  const lines = String(report.summary_markdown ?? '').split('\n');
  for (const line of lines.filter((l) => l.trim()).slice(0, 5)) show('', line);
}
