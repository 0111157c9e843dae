import { randomBytes } from 'crypto';
import { INestApplication, INestApplicationContext } from '@nestjs/common';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { Env } from '@conduit/config';
import { createDataSource, recordNotification } from '@conduit/db';
import {
  adminAuth,
  cleanupRedis,
  createTestDatabase,
  http,
  startContext,
  startHttpApp,
  TestDatabase,
  testEnv,
  waitFor,
  WalletClient,
  WebhookReceiver,
} from '@conduit/testing';
import { configureGateway, GatewayAppModule } from '../apps/gateway/src/app.module';
import { NotifierAppModule } from '../apps/notifier/src/app.module';

const SECRET = 'webhook-secret-0123456789abcdef';
/** A public address literal: accepted without DNS; nothing connects to it here. */
const PUBLIC_HOOK = 'https://93.184.215.14/conduit-hook';
const GUARD = '; webhooks go to public addresses only (NOTIFY_WEBHOOK_ALLOW_PRIVATE)';

/**
 * The webhook SSRF guard with NOTIFY_WEBHOOK_ALLOW_PRIVATE=false (every other test allows private addresses, as their
 * receivers listen on 127.0.0.1): settings that name a non-public address are refused with nothing written, and a
 * notifier refuses at send time a URL that was stored while private addresses were allowed.
 */
describe('webhook SSRF guard (NOTIFY_WEBHOOK_ALLOW_PRIVATE=false)', () => {
  let db: TestDatabase;
  let pg: Client;
  let ds: DataSource;
  const envs: Env[] = [];
  const apps: (INestApplication | INestApplicationContext)[] = [];
  let guarded: Env;
  let guardedApi: string;
  let allowingApi: string;
  const hook = new WebhookReceiver(SECRET);

  beforeAll(async () => {
    await hook.start();
    db = await createTestDatabase();
    pg = new Client({ connectionString: db.url });
    await pg.connect();
    ds = createDataSource(db.url, { extra: { max: 2 } });
    await ds.initialize();
    guarded = testEnv(db, { NOTIFY_WEBHOOK_ALLOW_PRIVATE: 'false', NOTIFY_SWEEP_MS: '100' });
    const allowing = testEnv(db);
    for (const env of [guarded, allowing]) {
      const { app, url } = await startHttpApp(GatewayAppModule.forRoot(env), env, configureGateway);
      envs.push(env);
      apps.push(app);
      if (env === guarded) guardedApi = url;
      else allowingApi = url;
    }
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
    for (const env of envs) await cleanupRedis(env);
    await ds?.destroy();
    await pg?.end();
    await db?.drop();
    await hook.close();
  });

  const settings = (url: string) => ({
    events: ['report.ready'],
    channels: { webhook: { enabled: true, url, secret: SECRET } },
  });
  const rowsOf = async (subjectId: string) =>
    (await pg.query(`SELECT * FROM notification_settings WHERE subject_id = $1`, [subjectId])).rows;
  const settingsAudits = async () =>
    (await pg.query(`SELECT count(*)::int AS n FROM audit_logs WHERE action = 'v3.notifications.settings'`)).rows[0].n;
  const port = () => new URL(hook.url).port;
  const refusals = () => [
    [`http://127.0.0.1:${port()}/hook`, '127.0.0.1 is not a public address (loopback)'],
    ['http://[::1]/hook', '::1 is not a public address (loopback)'],
    ['http://169.254.169.254/latest/meta-data/iam/security-credentials/', '169.254.169.254 is not a public address (link-local)'],
    [`http://localhost:${port()}/hook`, /^localhost resolves to (127\.0\.0\.1|::1), not a public address \(loopback\)$/],
    ['http://[::ffff:127.0.0.1]/hook', '::ffff:7f00:1 is not a public address (IPv4-mapped loopback)'],
    ['https://10.20.30.40/hook', '10.20.30.40 is not a public address (private)'],
    ['http://0.0.0.0:8080/', '0.0.0.0 is not a public address (unspecified)'],
  ];
  /** The 400 of a refused URL: it names channels.webhook.url and why. */
  const expectRefused = (res: { status: number; body: any }, why: string | RegExp) => {
    expect(res.status).toBe(400);
    expect(res.body.fields).toEqual(['channels.webhook.url']);
    expect(res.body.message).toHaveLength(1);
    const [message] = res.body.message as string[];
    const prefix = 'channels.webhook.url must reach a public address: ';
    expect(message.startsWith(prefix)).toBe(true);
    if (typeof why === 'string') expect(message.slice(prefix.length)).toBe(why);
    else expect(message.slice(prefix.length)).toMatch(why);
  };

  it('refuses a wallet settings URL naming a loopback, private, link-local or mapped address: 400, nothing written', async () => {
    const user = WalletClient.random(guardedApi);
    const audits = await settingsAudits();
    for (const [url, why] of refusals()) {
      expectRefused(await user.http('PUT', `${guardedApi}/api/v3/notifications/settings`, settings(url as string)), why);
    }
    // refused whether the webhook is enabled or not: a stored URL would be enabled later without a second look
    const off = { events: [], channels: { webhook: { enabled: false, url: 'http://127.0.0.1/hook' } } };
    expectRefused(
      await user.http('PUT', `${guardedApi}/api/v3/notifications/settings`, off),
      '127.0.0.1 is not a public address (loopback)',
    );
    expect(await rowsOf(user.address.toLowerCase())).toEqual([]);
    expect(await settingsAudits()).toBe(audits);
  });

  it('keeps stored settings as they were when a change to a private URL is refused', async () => {
    const user = WalletClient.random(guardedApi);
    const put = await user.http('PUT', `${guardedApi}/api/v3/notifications/settings`, settings(PUBLIC_HOOK));
    expect(put.status).toBe(200);
    expect(put.body.settings.channels.webhook).toEqual({ enabled: true, url: PUBLIC_HOOK, secret_set: true });
    const before = await rowsOf(user.address.toLowerCase());
    expect(before).toHaveLength(1);
    const audits = await settingsAudits();
    const refused = await user.http('PUT', `${guardedApi}/api/v3/notifications/settings`, settings('http://169.254.169.254/latest/'));
    expectRefused(refused, '169.254.169.254 is not a public address (link-local)');
    expect(await rowsOf(user.address.toLowerCase())).toEqual(before);
    expect(await settingsAudits()).toBe(audits);
  });

  it('refuses the same URLs in the settings of an operator', async () => {
    const env = envs[0];
    const [{ id }] = (await pg.query(`SELECT id FROM users WHERE email = $1`, [env.ADMIN_EMAIL])).rows;
    for (const [url, why] of refusals()) {
      const res = await http('PUT', `${guardedApi}/api/v3/operators/me/notifications/settings`, settings(url as string), adminAuth(env));
      expectRefused(res, why);
    }
    expect(await rowsOf(id)).toEqual([]);
  });

  it('the notifier refuses at send time a private URL stored while it was allowed; allowed, the same receiver gets it', async () => {
    const user = WalletClient.random(allowingApi);
    const wallet = user.address.toLowerCase();
    const stored = await user.http('PUT', `${allowingApi}/api/v3/notifications/settings`, settings(`${hook.url}/hook`));
    expect(stored.status).toBe(200);
    const notify = async (marker: string) => {
      await ds.transaction((em) =>
        recordNotification(em, { event: 'report.ready', key: `report.ready:${marker}`, wallet, payload: { marker } }),
      );
      return (await pg.query(`SELECT id FROM notifications WHERE payload->>'marker' = $1`, [marker])).rows[0].id as string;
    };
    const settled = (notificationId: string) =>
      waitFor(`the delivery of ${notificationId} settled`, async () => {
        const { rows } = await pg.query(`SELECT status, attempts, last_error FROM notification_deliveries WHERE notification_id = $1`, [
          notificationId,
        ]);
        return rows.length === 1 && ['sent', 'failed'].includes(rows[0].status) ? rows[0] : null;
      });
    const marker = `guarded-${randomBytes(3).toString('hex')}`;

    const notifier = await startContext(NotifierAppModule.forRoot(guarded));
    apps.push(notifier);
    expect(await settled(await notify(marker))).toEqual({
      status: 'failed',
      attempts: 1,
      last_error: `${hook.url}: refused, 127.0.0.1 is not a public address (loopback)${GUARD}`,
    });
    expect(hook.received).toEqual([]);
    await notifier.close();
    apps.pop();

    // the control: the same stored URL, a notifier that allows private addresses, and the receiver has it
    const allowed = testEnv(db, { NOTIFY_SWEEP_MS: '100' });
    envs.push(allowed);
    apps.push(await startContext(NotifierAppModule.forRoot(allowed)));
    expect(await settled(await notify(`${marker}-allowed`))).toMatchObject({ status: 'sent', attempts: 1 });
    expect(hook.received.map((r) => [r.body.payload.marker, r.verified])).toEqual([[`${marker}-allowed`, true]]);
  });
});
