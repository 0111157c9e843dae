import { INestApplication } from '@nestjs/common';
import { authenticator } from 'otplib';
import type { Browser, Page } from 'playwright-core';
import { Client } from 'pg';
import { Env } from '@conduit/config';
import { JobName, QueueName } from '@conduit/queue';
import {
  adminAuth,
  cleanupRedis,
  createTestDatabase,
  http,
  HyperliquidSim,
  ManualClock,
  startContext,
  startHttpApp,
  startHyperliquidServer,
  TestDatabase,
  testEnv,
  testQueues,
  waitForJob,
  QUICK_START,
  WalletClient,
} from '@conduit/testing';
import { formatTime } from '../../apps/web/src/format/time';
import { ExecutorAppModule } from '../../apps/executor/src/app.module';
import { configureGateway, GatewayAppModule } from '../../apps/gateway/src/app.module';
import { expectTexts, launchChromium, openPage, screenshot, seriousViolations, VIEWPORTS, webBuild } from './harness';

const EMAIL = 'night-shift@example.com';
const PASSWORD = 'operator-password-1';
const TRACE = 'trace-ops-browser-0001';
const DEPLOYMENT = '0b7c2a10-5d4e-4f6a-9b1c-2d3e4f5a6b7c';
const REPORT_MD = [
  '# Daily summary',
  '',
  'Two agents traded. <b>raw html</b> stays text.',
  '',
  '| Agent | Realized PnL | Trades |',
  '|---|---:|---:|',
  '| Alpha | +$250.50 | 12 |',
  '| Beta | -$42.10 | 3 |',
  '',
  '<script>document.title = "pwned"</script>',
].join('\n');

/** The answers a signed-out page meets on its way to signing in: /me says nobody is, the first login asks for the code. */
const SIGN_IN_NOISE = [
  /^HTTP 401: GET \S+\/api\/v3\/operators\/me$/,
  /^HTTP 401: POST \S+\/api\/v3\/operators\/login$/,
  /^console: Failed to load resource: the server responded with a status of 401 \(Unauthorized\)$/,
];

/**
 * The operator pages in Debian's Chromium: an operator with TOTP 2FA (codes computed here at the gateway's
 * ManualClock) signs in through the form, sees the services' state, the venues' health (Hyperliquid found down by the
 * executor's venue sync against the local Hyperliquid server) and the queue depths, finds a seeded audit entry, lists
 * and opens a seeded report rendered from its markdown (no raw HTML), and logs out; axe clean, no other console
 * error, screenshots at both widths.
 */
describe('operations pages in a browser', () => {
  let db: TestDatabase;
  let env: Env;
  let app: INestApplication;
  let url: string;
  let pg: Client;
  let browser: Browser;
  let secret: string;
  let reportId: string;
  let sim: HyperliquidSim;
  /** venues_status's Hyperliquid row as GET /api/v3/admin/venues answers it. */
  let venue: { status_since: string; last_checked: string; last_error: string };
  const clock = new ManualClock(new Date());
  const code = () => authenticator.clone({ epoch: clock.now().getTime() }).generate(secret);

  beforeAll(async () => {
    browser = await launchChromium();
    const webDir = await webBuild();
    db = await createTestDatabase();
    sim = await startHyperliquidServer();
    env = testEnv(db, {
      WEB_DIR: webDir,
      LIVE_TRADING: 'true',
      HYPERLIQUID_API_URL: sim.url,
      HYPERLIQUID_TIMEOUT_MS: '2000',
      VENUE_SYNC_INTERVAL_MS: '0',
      RECONCILE_INTERVAL_MS: '0',
    });
    ({ app, url } = await startHttpApp(GatewayAppModule.forRoot(env), env, configureGateway, { clock }));
    const executor = await startContext(ExecutorAppModule.forRoot(env));
    const syncQueues = testQueues(env);
    // The executor's venue sync (as its scheduler runs it) finds Hyperliquid up, then down.
    for (const [id, down] of [
      ['ops-venue-sync-1', false],
      ['ops-venue-sync-2', true],
    ] as const) {
      sim.setDown(down);
      await syncQueues[QueueName.Executor].add(JobName.ExecutorVenueSync, {}, { jobId: id });
      expect((await waitForJob(syncQueues[QueueName.Executor], id)).returnvalue).toEqual([expect.objectContaining({ ok: !down })]);
    }
    await syncQueues.close();
    await executor.close(); // its own bot_state row is replaced by the seeded one below
    pg = new Client({ connectionString: db.url });
    await pg.connect();

    // An operator with 2FA on: created by the test admin, enrolled and confirmed through the API.
    expect(
      (await http('POST', `${url}/api/v3/operators`, { email: EMAIL, password: PASSWORD, role: 'operator' }, adminAuth(env))).status,
    ).toBe(201);
    const token = (await http('POST', `${url}/api/v3/operators/login`, { email: EMAIL, password: PASSWORD })).body.token as string;
    const bearer = { authorization: `Bearer ${token}` };
    const enrol = await http('POST', `${url}/api/v3/operators/me/2fa`, undefined, bearer);
    secret = new URL(enrol.body.otpauth_uri).searchParams.get('secret')!;
    expect((await http('POST', `${url}/api/v3/operators/me/2fa/confirm`, { code: code() }, bearer)).status).toBe(200);
    // The operator follows the kill switches (their notifications reach the operations page live).
    const follow = { events: ['deployment.kill_switch'], channels: {} };
    expect((await http('PUT', `${url}/api/v3/operators/me/notifications/settings`, follow, bearer)).status).toBe(200);

    // A service in trouble, a queue with work, an audited action and a report.
    await pg.query(`INSERT INTO bot_state (key, value) VALUES ('executor', $1) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`, [
      JSON.stringify({
        service_start_time: '2026-06-15T08:00:00Z',
        cycle_count: 42,
        last_cycle_time: '2026-06-15T09:30:00Z',
        last_error: 'venue timeout: hyperliquid',
      }),
    ]);
    const queues = testQueues(env);
    await queues[QueueName.Notify].add('notify.test', {}, { delay: 3_600_000, jobId: 'ops-delayed-1' });
    await queues[QueueName.Notify].add('notify.test', {}, { delay: 3_600_000, jobId: 'ops-delayed-2' });
    await queues.close();
    await pg.query(
      `INSERT INTO audit_logs (action, entity_type, entity_id, payload, trace_id, actor)
       VALUES ('v3.deployment.paused', 'deployment', $1, '{"reason":"drawdown limit"}', $2, 'operator')`,
      [DEPLOYMENT, TRACE],
    );
    reportId = (
      await pg.query(
        `INSERT INTO reports (report_type, period_start, period_end, summary_markdown, metrics)
         VALUES ('daily', '2026-06-14T00:00:00Z', '2026-06-15T00:00:00Z', $1, '{}') RETURNING id`,
        [REPORT_MD],
      )
    ).rows[0].id;
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await sim?.close();
    await pg?.end();
    if (env) await cleanupRedis(env);
    await db?.drop();
  });

  it('answers the queue depths to operators only (GET /api/v3/admin/queues)', async () => {
    expect((await http('GET', `${url}/api/v3/admin/queues`)).status).toBe(401);
    const res = await http('GET', `${url}/api/v3/admin/queues`, undefined, adminAuth(env));
    expect(res.status).toBe(200);
    expect(res.body.queues.map((q: { name: string }) => q.name)).toEqual(Object.values(QueueName));
    expect(res.body.queues.find((q: { name: string }) => q.name === QueueName.Notify)).toEqual({
      name: QueueName.Notify,
      waiting: 0,
      active: 0,
      delayed: 2,
      failed: 0,
      paused: 0,
    });
  });

  it("answers each venue's health to operators only (GET /api/v3/admin/venues)", async () => {
    expect((await http('GET', `${url}/api/v3/admin/venues`)).status).toBe(401);
    const res = await http('GET', `${url}/api/v3/admin/venues`, undefined, adminAuth(env));
    expect(res.status).toBe(200);
    const hyperliquid = {
      venue: 'HYPERLIQUID',
      status: 'DOWN',
      is_available: false,
      status_since: expect.any(String),
      last_checked: expect.any(String),
      latency_ms: expect.any(Number),
      last_error: '503 Service Unavailable - Service Unavailable',
    };
    // Seeded by the migrations, never checked (no live Ostium, GMX or SPOT here): up, since an unrecorded time.
    const seeded = (name: string) => ({
      venue: name,
      status: 'UP',
      is_available: true,
      status_since: null,
      last_checked: expect.any(String),
      latency_ms: null,
      last_error: null,
    });
    expect(res.body.venues).toEqual([seeded('GMX'), hyperliquid, seeded('OSTIUM'), seeded('SPOT')]);
    venue = res.body.venues[1];
    // Down since the check that found it down (the one before found it up).
    expect(venue.status_since).toBe(venue.last_checked);
  });

  describe.each(Object.entries(VIEWPORTS))('at %s width', (_label, viewport) => {
    let page: Page;
    let errors: string[];
    let close: () => Promise<void>;
    beforeAll(async () => ({ page, errors, close } = await openPage(browser, viewport)));
    afterAll(() => close?.());

    it('asks a signed-out reader to sign in, then signs in with the password and a TOTP code', async () => {
      await page.goto(url + '/operations');
      await page.getByRole('link', { name: 'Sign in as an operator' }).click();
      await page.waitForURL(/\/operators\/login\?next=%2Foperations$/);
      expect(await seriousViolations(page)).toEqual([]);
      await page.getByLabel('Email').fill(EMAIL);
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await expectTexts(page, '#login-error', ['Two-factor authentication is on for this account: enter your code.']);
      clock.advance(30_000); // a step no earlier login has spent
      await page.getByLabel('Authentication code').fill(code());
      expect(await seriousViolations(page)).toEqual([]);
      await screenshot(page, 'operations-login');
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await page.waitForURL(/\/operations$/);
      await expectTexts(page, '.operator-status strong', [EMAIL]);
      // The only failures so far are the API saying who is not signed in and asking for the code; none after this.
      expect(errors.filter((e) => !SIGN_IN_NOISE.some((re) => re.test(e)))).toEqual([]);
      errors.length = 0;
    });

    it('shows the services state and the queue depths, with the way to Bull Board', async () => {
      const executor = page.locator('table.services tr', { has: page.locator('th', { hasText: /^executor$/ }) });
      await executor.waitFor();
      const cells = (await executor.locator('td').allTextContents()).map((t) => t.trim());
      expect([cells[0], cells[2], cells[4]]).toEqual(['Error', '42', 'venue timeout: hyperliquid']);
      expect(cells[1]).toBe('Jun 15, 2026, 4:00 AM EDT');
      await expectTexts(page, 'table.queues tbody th', Object.values(QueueName));
      await expectTexts(page, 'table.queues tbody tr:last-child td', ['0', '0', '2', '0', '0']);
      expect(await page.getByRole('link', { name: 'Open Bull Board' }).getAttribute('href')).toBe('/admin/queues');
      const at = (iso: string) => formatTime(new Date(iso), { locale: 'en-US', timeZone: 'America/New_York' });
      await expectTexts(page, 'table.venues tbody th', ['GMX', 'HYPERLIQUID', 'OSTIUM', 'SPOT']);
      const venueCells = (await page.locator('table.venues tbody tr[data-venue="HYPERLIQUID"] td').allTextContents()).map((t) => t.trim());
      expect([venueCells[0], venueCells[1], venueCells[2], venueCells[4]]).toEqual([
        'Down',
        at(venue.status_since),
        at(venue.last_checked),
        '503 Service Unavailable - Service Unavailable',
      ]);
      expect(venueCells[3]).toMatch(/^\d+ ms$/);
      const ostium = (await page.locator('table.venues tbody tr[data-venue="OSTIUM"] td').allTextContents()).map((t) => t.trim());
      expect([ostium[0], ostium[1], ostium[3], ostium[4]]).toEqual(['Up', 'not recorded', '—', '—']);
      expect(await seriousViolations(page)).toEqual([]);
      expect(await page.evaluate(() => (globalThis as any).document.documentElement.scrollWidth)).toBeLessThanOrEqual(viewport.width);
      await screenshot(page, 'operations');
    });

    it('shows a notification written for the operator as it is written, without a reload', async () => {
      await page.getByText('Listening: the notifications you subscribed to appear here as they are written.').waitFor();
      const user = WalletClient.random(url);
      const agent = await user.http('POST', `${url}/api/v3/agents/create`, { ...QUICK_START.createAgent, creator_wallet: user.address });
      const deployed = await user.http('POST', `${url}/api/v3/agents/deploy`, { agent_id: agent.body.agent.id, user_wallet: user.address });
      const deployment = deployed.body.deployment.id as string;
      expect((await user.http('POST', `${url}/api/v3/deployments/${deployment}/kill-switch`, { enabled: true })).status).toBe(200);
      const item = page.locator('.live-notifications li').first();
      await item.locator('strong', { hasText: 'deployment.kill_switch' }).waitFor();
      expect(await item.textContent()).toContain(`deployment id ${deployment}`);
      expect(await seriousViolations(page)).toEqual([]);
    });

    it('searches the audit trail by trace and finds the seeded entry', async () => {
      await page.getByRole('link', { name: 'Search the audit trail' }).click();
      await page.getByLabel('Trace id').fill(TRACE);
      await page.getByRole('button', { name: 'Search' }).click();
      await page.waitForURL((u) => u.searchParams.get('trace_id') === TRACE);
      await expectTexts(page, 'table.audit tbody th', ['v3.deployment.paused']);
      const cells = (await page.locator('table.audit tbody td').allTextContents()).map((t) => t.trim());
      expect(cells.slice(1, 4)).toEqual([`deployment ${DEPLOYMENT}`, 'operator', TRACE]);
      await expectTexts(page, '.meta[role="status"]', ['Entries 1–1']);
      expect(await seriousViolations(page)).toEqual([]);
      await screenshot(page, 'operations-audit');
    });

    it('lists the reports and renders one from its markdown, tables included, raw HTML never', async () => {
      await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Reports' }).click();
      // The audit page (whose filters have a Type too) stays on screen until the reports page's chunk has loaded.
      await page.getByRole('heading', { level: 1, name: 'Reports' }).waitFor();
      await page.getByLabel('Type').selectOption('daily');
      await page.waitForURL(/\/reports\?type=daily$/);
      const link = page.locator('table.reports tbody th a');
      await expectTexts(page, 'table.reports tbody td:first-of-type', ['Daily']);
      await expectTexts(page, 'table.reports tbody th', ['Jun 14, 2026']);
      expect(await seriousViolations(page)).toEqual([]);
      expect(await page.evaluate(() => (globalThis as any).document.documentElement.scrollWidth)).toBeLessThanOrEqual(viewport.width);
      await screenshot(page, 'reports');
      await link.click();
      await page.waitForURL(`${url}/reports/${reportId}`);
      await expectTexts(page, 'h1', ['Daily report, Jun 14, 2026']);
      await expectTexts(page, '.report-markdown h2', ['Daily summary']);
      await expectTexts(page, '.report-markdown thead th', ['Agent', 'Realized PnL', 'Trades']);
      await expectTexts(page, '.report-markdown tbody tr:first-child td', ['Alpha', '+$250.50', '12']);
      await expectTexts(page, '.report-markdown tbody tr:last-child td', ['Beta', '-$42.10', '3']);
      expect(await page.locator('.report-markdown b, .report-markdown script').count()).toBe(0);
      expect(await page.title()).not.toBe('pwned');
      expect(await seriousViolations(page)).toEqual([]);
      expect(await page.evaluate(() => (globalThis as any).document.documentElement.scrollWidth)).toBeLessThanOrEqual(viewport.width);
      await screenshot(page, 'reports-report');
    });

    it('logs out: the cookie is gone and the operator pages ask to sign in again', async () => {
      await page.getByRole('button', { name: 'Log out' }).click();
      await page.waitForURL(/\/operators\/login$/);
      await page.getByRole('link', { name: 'Operator sign-in' }).waitFor();
      expect((await page.context().cookies()).filter((c) => c.name === 'conduit_operator')).toEqual([]);
      expect(errors).toEqual([]);
    });
  });
});
