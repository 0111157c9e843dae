import { randomBytes } from 'crypto';
import { INestApplicationContext } from '@nestjs/common';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { Env } from '@conduit/config';
import { KeyVault, webhookSecretContext } from '@conduit/custody';
import { createDataSource, insertReport, recordNotification } from '@conduit/db';
import {
  adminAuth,
  cleanupRedis,
  createTestDatabase,
  exited,
  freePort,
  http,
  QUICK_START,
  SmtpTestServer,
  startContext,
  startServiceProcess,
  TelegramServer,
  TEST_MASTER_KEY,
  TEST_WALLET,
  TestDatabase,
  testEnv,
  waitFor,
  waitHealthy,
  WalletClient,
  WebhookReceiver,
} from '@conduit/testing';
import { NotifierAppModule } from '../apps/notifier/src/app.module';
import { PipelineApps, startPipelineApps } from './pipeline-apps';

const SECRET = 'webhook-secret-0123456789abcdef';
const CHAT = '4242';

/** A recipient's settings written as the gateway writes them (the secret sealed under the test master key). */
async function subscribe(pg: Client, wallet: string, hook: WebhookReceiver, smtpAddress = 'user@example.com', events = ['report.ready']) {
  const sealed = new KeyVault(TEST_MASTER_KEY).seal(SECRET, webhookSecretContext('wallet', wallet));
  await pg.query(
    `INSERT INTO notification_settings (subject_type, subject_id, events, channels, webhook_url, webhook_secret_encrypted,
                                        webhook_secret_iv,
                                        webhook_secret_tag, telegram_chat_id, email)
     VALUES ('wallet', $1, $2, '{webhook,telegram,email}', $3, $4, $5, $6, $7, $8)`,
    [wallet, events, `${hook.url}/hook`, sealed.encrypted, sealed.iv, sealed.tag, CHAT, smtpAddress],
  );
}

/** The messages of one notification on each channel (the webhook body names it; Telegram and email carry its report id). */
const perChannel = (hook: WebhookReceiver, telegram: TelegramServer, smtp: SmtpTestServer, marker: string) => ({
  webhook: hook.received.filter((r) => r.body.payload.marker === marker).length,
  telegram: telegram.messages.filter((m) => m.text.includes(marker)).length,
  email: smtp.mails.filter((m) => m.raw.includes(marker)).length,
});

describe('notifications: delivery by webhook, Telegram and email (real Postgres and Redis)', () => {
  let db: TestDatabase;
  let env: Env;
  let pg: Client;
  let ds: DataSource;
  let notifier: INestApplicationContext | null = null;
  const hook = new WebhookReceiver(SECRET);
  const telegram = new TelegramServer();
  const smtp = new SmtpTestServer();
  const wallet = `0x${randomBytes(20).toString('hex')}`;

  const report = async (marker: string) => {
    await ds.transaction((em) =>
      recordNotification(em, { event: 'report.ready', key: `report.ready:${marker}`, wallet, payload: { marker, type: '4h' } }),
    );
    const [{ id }] = (await pg.query(`SELECT id FROM notifications WHERE payload->>'marker' = $1`, [marker])).rows;
    return id as string;
  };
  const deliveries = async (notificationId: string) =>
    (
      await pg.query(
        `SELECT channel, status, attempts, last_error FROM notification_deliveries WHERE notification_id = $1 ORDER BY channel`,
        [notificationId],
      )
    ).rows;
  const settled = (notificationId: string, count = 3) =>
    waitFor(`deliveries of ${notificationId} settled`, async () => {
      const d: any[] = await deliveries(notificationId);
      return d.length === count && d.every((x) => x.status === 'sent' || x.status === 'failed') ? d : null;
    });

  beforeAll(async () => {
    await Promise.all([hook.start(), telegram.start(), smtp.start()]);
    db = await createTestDatabase();
    env = testEnv(db, {
      NOTIFY_SWEEP_MS: '100',
      NOTIFY_BACKOFF_MS: '100',
      NOTIFY_MAX_ATTEMPTS: '3',
      NOTIFY_SENDING_TIMEOUT_MS: '1500',
      NOTIFY_SEND_TIMEOUT_MS: '30000',
      TELEGRAM_API_URL: telegram.url,
      TELEGRAM_BOT_TOKEN: telegram.token,
      SMTP_URL: smtp.url,
    });
    pg = new Client({ connectionString: db.url });
    await pg.connect();
    ds = createDataSource(db.url, { extra: { max: 2 } });
    await ds.initialize();
    await subscribe(pg, wallet, hook);
    notifier = await startContext(NotifierAppModule.forRoot(env));
  });
  afterAll(async () => {
    await notifier?.close();
    await ds?.destroy();
    await pg?.end();
    if (env) await cleanupRedis(env);
    await db?.drop();
    await Promise.all([hook.close(), telegram.close(), smtp.close()]);
  });

  it('a new report is one report.ready for its subscribers, and its first sent delivery marks it delivered', async () => {
    const period = { type: '4h' as const, start: new Date('2026-06-15T08:00:00Z'), end: new Date('2026-06-15T12:00:00Z') };
    const built = { markdown: '# Report', metrics: {} as any, notableEvents: [] };
    const reportId = await ds.transaction((em) => insertReport(em, period, built));
    expect(reportId).not.toBeNull();
    // the same period again writes no report and no notification
    expect(await ds.transaction((em) => insertReport(em, period, built))).toBeNull();
    const notes = (await pg.query(`SELECT id, recipient_id FROM notifications WHERE payload->>'report_id' = $1`, [reportId])).rows;
    expect(notes).toEqual([{ id: expect.any(String), recipient_id: wallet }]);
    expect((await settled(notes[0].id)).map((d) => d.status)).toEqual(['sent', 'sent', 'sent']);
    const [row] = (await pg.query(`SELECT delivered_at, push_sent FROM reports WHERE id = $1`, [reportId])).rows;
    expect(row.delivered_at).toBeInstanceOf(Date);
    expect(row.push_sent).toBe(true);
    expect(hook.received.filter((r) => r.body.payload.report_id === reportId)).toHaveLength(1);
  });

  it('delivers each notification once on each channel: signed webhook, Telegram sendMessage, an email', async () => {
    const ids = [await report('first'), await report('second'), await report('third')];
    for (const id of ids) expect((await settled(id)).map((d) => d.status)).toEqual(['sent', 'sent', 'sent']);
    // a repeat of the same event records nothing
    await ds.transaction((em) => recordNotification(em, { event: 'report.ready', key: 'report.ready:first', wallet, payload: {} }));
    const fourth = await report('fourth');
    await settled(fourth);
    for (const marker of ['first', 'second', 'third', 'fourth'])
      expect(perChannel(hook, telegram, smtp, marker)).toEqual({ webhook: 1, telegram: 1, email: 1 });
    expect(hook.received.every((r) => r.verified)).toBe(true);
    const first = hook.received.find((r) => r.body.payload.marker === 'first')!;
    expect(first.body).toMatchObject({ id: ids[0], event: 'report.ready', recipient: { type: 'wallet', id: wallet } });
    expect(first.headers['x-conduit-delivery']).toMatch(/^[0-9a-f-]{36}$/);
    expect(telegram.messages.every((m) => m.chat_id === CHAT && m.token === telegram.token)).toBe(true);
    expect(smtp.mails[0]).toMatchObject({ to: ['user@example.com'] });
    expect(smtp.mails[0].raw).toContain('Subject: [Conduit] Report ready');
  });

  it('retries a definite failure with backoff and delivers once; fails with the reason after the last attempt', async () => {
    hook.failNext(1);
    telegram.failNext(2);
    smtp.failNext(1);
    const id = await report('retried');
    const d = await settled(id);
    expect(d.map((x) => [x.channel, x.status, x.attempts])).toEqual([
      ['email', 'sent', 2],
      ['telegram', 'sent', 3],
      ['webhook', 'sent', 2],
    ]);
    expect(perChannel(hook, telegram, smtp, 'retried')).toEqual({ webhook: 1, telegram: 1, email: 1 });

    telegram.failNext(3); // NOTIFY_MAX_ATTEMPTS
    const failing = await report('given-up');
    const given = await settled(failing);
    const t = given.find((x) => x.channel === 'telegram');
    expect(t).toMatchObject({ status: 'failed', attempts: 3 });
    expect(t.last_error).toMatch(/HTTP 500.*after 3 attempts/);
    expect(perChannel(hook, telegram, smtp, 'given-up')).toEqual({ webhook: 1, telegram: 0, email: 1 });
  });

  it('a notifier killed while sending sends nothing twice: the interrupted send fails, the rest are delivered after restart', async () => {
    await notifier!.close();
    notifier = null;
    const port = await freePort();
    const child = startServiceProcess('notifier', env, port);
    try {
      await waitHealthy(child, port);
      telegram.hold(); // Telegram receives the message and never answers: the send is in flight
      const inFlight = await report('in-flight');
      await waitFor(
        'the in-flight message reached every channel (Telegram holding its answer)',
        () => Object.values(perChannel(hook, telegram, smtp, 'in-flight')).every((n) => n === 1),
        { timeoutMs: 20_000 },
      );
      child.kill('SIGKILL');
      await exited(child);
      telegram.release();
      const after = await report('after-restart');
      notifier = await startContext(NotifierAppModule.forRoot(env));
      const d = await settled(inFlight);
      expect(d.find((x) => x.channel === 'telegram')).toMatchObject({
        status: 'failed',
        last_error: expect.stringMatching(/^interrupted/),
      });
      expect((await settled(after)).map((x) => x.status)).toEqual(['sent', 'sent', 'sent']);
      expect(perChannel(hook, telegram, smtp, 'in-flight')).toEqual({ webhook: 1, telegram: 1, email: 1 });
      expect(perChannel(hook, telegram, smtp, 'after-restart')).toEqual({ webhook: 1, telegram: 1, email: 1 });
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 60_000);
});

describe('notifications: events from the real flow (gateway, workers, notifier)', () => {
  let apps: PipelineApps;
  const hook = new WebhookReceiver(SECRET);
  const telegram = new TelegramServer();
  const smtp = new SmtpTestServer();

  beforeAll(async () => {
    await Promise.all([hook.start(), telegram.start(), smtp.start()]);
    apps = await startPipelineApps({
      NOTIFY_SWEEP_MS: '100',
      TELEGRAM_API_URL: telegram.url,
      TELEGRAM_BOT_TOKEN: telegram.token,
      SMTP_URL: smtp.url,
    });
  });
  afterAll(async () => {
    await apps?.close();
    await Promise.all([hook.close(), telegram.close(), smtp.close()]);
  });

  it('settings over the API; opening, closing and billing a position notify the subscribed wallet on every channel', async () => {
    const { api, pg, env } = apps;
    const user = new WalletClient(api);
    const put = await user.http('PUT', `${api}/api/v3/notifications/settings`, {
      events: ['position.opened', 'position.closed', 'bill.created', 'bill.collected'],
      channels: {
        webhook: { enabled: true, url: `${hook.url}/hook`, secret: SECRET },
        telegram: { enabled: true, chat_id: CHAT },
        email: { enabled: true, address: 'trader@example.com' },
      },
    });
    expect(put.status).toBe(200);
    expect(put.body.settings.channels.webhook).toEqual({ enabled: true, url: `${hook.url}/hook`, secret_set: true });
    expect(JSON.stringify(put.body)).not.toContain(SECRET);
    const unknown = await user.http('PUT', `${api}/api/v3/notifications/settings`, {
      events: ['position.exploded'],
      channels: { sms: {} },
    });
    expect(unknown.status).toBe(400);
    expect(JSON.stringify(unknown.body.message)).toMatch(/position\.exploded/);
    expect(JSON.stringify(unknown.body.message)).toMatch(/sms/);
    expect((await http('GET', `${api}/api/v3/notifications/settings`)).status).toBe(401);

    const agent = (await user.http('POST', `${api}/api/v3/agents/create`, QUICK_START.createAgent)).body.agent;
    await user.http('POST', `${api}/api/v3/agents/deploy`, QUICK_START.deploy(agent.id));
    const signalId = (await user.http('POST', `${api}/api/v3/signals/generate`, QUICK_START.signal(agent.id))).body.signal.id;
    const executed = await user.http('POST', `${api}/api/v3/execute/trade`, QUICK_START.execute(signalId));
    const position = executed.body.outcomes[0].position;
    await http('PUT', `${api}/api/v3/admin/paper/marks`, { venue: 'HYPERLIQUID', token_symbol: 'ETH', price: '2100' }, adminAuth(env));
    expect((await user.http('POST', `${api}/api/v3/positions/${position.id}/close`, {})).status).toBe(200);

    const events = ['position.opened', 'position.closed', 'bill.created', 'bill.collected'];
    const byEvent = (e: string) => hook.received.filter((r) => r.body.event === e && r.body.payload.position_id === position.id);
    await waitFor(
      'a webhook per event',
      () => events.every((e) => hook.received.some((r) => r.body.event === e)) && smtp.mails.length === 4 && telegram.messages.length === 4,
      { timeoutMs: 20_000 },
    );
    expect(byEvent('position.opened')).toHaveLength(1);
    expect(byEvent('position.closed')[0].body.payload).toMatchObject({ pnl: '120.13127812', exit_reason: 'MANUAL' });
    expect(hook.received.filter((r) => r.body.event === 'bill.created')[0].body.payload).toMatchObject({ kind: 'PROFIT_SHARE' });
    expect(hook.received).toHaveLength(4);
    expect(hook.received.every((r) => r.verified && r.body.recipient.id === TEST_WALLET.address.toLowerCase())).toBe(true);

    const auth = await user.authorization();
    const listed = await http('GET', `${api}/api/v3/notifications?limit=10`, undefined, auth);
    expect(listed.status).toBe(200);
    expect(listed.body.notifications.map((n: any) => n.event_type).sort()).toEqual([...events].sort());
    await waitFor('every delivery sent', async () => {
      const r = (
        await pg.query(`SELECT count(*) FILTER (WHERE status = 'sent')::int AS sent, count(*)::int AS n FROM notification_deliveries`)
      ).rows[0];
      return r.n === 12 && r.sent === 12;
    });
    const again = await http('GET', `${api}/api/v3/notifications?event_type=position.closed`, undefined, auth);
    expect(again.body.notifications[0].deliveries.map((d: any) => d.status)).toEqual(['sent', 'sent', 'sent']);
  }, 60_000);
});
