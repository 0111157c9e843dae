import type { Page } from 'playwright-core';
import { ManualClock } from '@conduit/testing';
import { AS_OF, seedLeaderboard } from '../leaderboard-fixtures';
import { expectTexts, openPage, screenshot, paintedPixels, seriousViolations, useBrowser, VIEWPORTS } from './harness';
import { useGateway } from '../gateway-harness';

const NAMES = 'table.leaderboard tbody th[scope="row"]';

/**
 * The leaderboard in Debian's Chromium: the gateway serves the web app built from these sources over a test database
 * whose agents have known figures; each viewport loads `/`, sorts, compares two agents, passes axe in both themes,
 * logs no console error and leaves a screenshot.
 */
describe('leaderboard page in a browser', () => {
  const gw = useGateway({ web: true, clock: new ManualClock(AS_OF) });
  const chrome = useBrowser();

  beforeAll(async () => {
    await seedLeaderboard(gw.pg);
  });

  it('is served by the gateway: hashed assets cached for good, the page revalidated under a CSP, the API untouched', async () => {
    const index = await fetch(`${gw.api}/`);
    expect(index.headers.get('cache-control')).toBe('no-cache');
    expect(index.headers.get('content-type')).toMatch(/^text\/html/);
    // Its own scripts only (a violation would be a console error, which fails every page of these tests).
    const csp = index.headers.get('content-security-policy') ?? '';
    expect(csp.split('; ')).toEqual(expect.arrayContaining(["script-src 'self'", "connect-src 'self'", "frame-ancestors 'none'"]));
    const html = await index.text();
    const script = /src="(\/assets\/index-[\w-]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(gw.api + script);
    expect([asset.status, asset.headers.get('cache-control')]).toEqual([200, 'public, max-age=31536000, immutable']);
    expect((await fetch(`${gw.api}/assets/index-missing.js`)).status).toBe(404);
    // Any other page path is the app's (its router answers it); a JSON client, the API and the probes are not.
    const deep = await fetch(`${gw.api}/compare/somewhere`, { headers: { accept: 'text/html' } });
    expect([deep.status, deep.headers.get('cache-control'), await deep.text()]).toEqual([200, 'no-cache', html]);
    expect((await fetch(`${gw.api}/nowhere`, { headers: { accept: 'application/json' } })).status).toBe(404);
    const api = await fetch(`${gw.api}/api/v3/nowhere`, { headers: { accept: 'text/html' } });
    expect([api.status, api.headers.get('content-type')]).toEqual([404, expect.stringMatching(/^application\/json/)]);
    expect((await fetch(`${gw.api}/health`, { headers: { accept: 'text/html' } })).headers.get('content-type')).toMatch(/json/);
    expect((await fetch(`${gw.api}/admin/queues`, { headers: { accept: 'text/html' } })).status).toBe(401);
  });

  describe.each(Object.entries(VIEWPORTS))('at %s width', (_label, viewport) => {
    let page: Page;
    let errors: string[];
    let close: () => Promise<void>;
    beforeAll(async () => ({ page, errors, close } = await openPage(chrome.browser, viewport)));
    afterAll(() => close?.());

    it('lists the agents by APR 30d with their figures and a drawn sparkline', async () => {
      const scripts: string[] = [];
      page.on('request', (r) => r.resourceType() === 'script' && scripts.push(new URL(r.url()).pathname));
      await page.goto(gw.api + '/');
      await expectTexts(page, NAMES, ['Beta', 'Alpha', 'Delta', 'Gamma (paused)']);
      const alpha = page.locator('tr', { has: page.locator('th', { hasText: 'Alpha' }) });
      const cells = (await alpha.locator('td').allTextContents()).map((t) => t.trim());
      expect(cells.slice(1, 9)).toEqual(['Signal', '12.50%', '30.25%', '48.12%', '1.75', '7.50%', '2', '+$250.50']);
      const subscribe = alpha.getByRole('link', { name: 'Subscribe to Alpha' });
      expect(await subscribe.getAttribute('href')).toBe(`/agents/${await alpha.getAttribute('data-agent-id')}#subscribe`);
      expect(await page.getByRole('columnheader', { name: 'APR 30d' }).getAttribute('aria-sort')).toBe('descending');
      await alpha.locator('.sparkline canvas').waitFor();
      expect(await paintedPixels(page, 'tr:has(th a:text-is("Alpha")) .sparkline canvas')).toBeGreaterThan(20);
      expect(await page.getByRole('img', { name: /^Gamma: no realized PnL in the last 30 days$/ }).count()).toBe(1);
      // Pages load by route: the leaderboard's chunk came, the sign-in code (ethers, siwe) and other pages' did not.
      expect(scripts.some((p) => /^\/assets\/LeaderboardPage-/.test(p))).toBe(true);
      expect(scripts.filter((p) => /siwe-message|AgentPage|ReportPage|WalletsPage/.test(p))).toEqual([]);
    });

    it('sorts by a column header, by mouse and by keyboard', async () => {
      await page.getByRole('button', { name: 'APR 90d' }).click();
      await expectTexts(page, NAMES, ['Alpha', 'Beta', 'Delta', 'Gamma (paused)']);
      expect(await page.getByRole('columnheader', { name: 'APR 90d' }).getAttribute('aria-sort')).toBe('descending');
      expect(await page.getByRole('columnheader', { name: 'APR 30d' }).getAttribute('aria-sort')).toBeNull();

      await page.getByRole('button', { name: 'Sharpe 30d' }).focus();
      await page.keyboard.press('Enter');
      await expectTexts(page, NAMES, ['Alpha', 'Delta', 'Beta', 'Gamma (paused)']);
      await page.keyboard.press('Enter');
      await expectTexts(page, NAMES, ['Beta', 'Delta', 'Alpha', 'Gamma (paused)']);
      expect(new URL(page.url()).search).toBe('?sort=sharpe&order=asc');
    });

    it('compares two agents: their curves overlaid and their figures side by side', async () => {
      for (const name of ['Alpha', 'Beta']) {
        await page.getByRole('checkbox', { name: `Compare ${name}` }).click();
        await page.waitForSelector(`input[aria-label="Compare ${name}"]:checked`);
      }
      await expectTexts(page, '.compare table.figures thead th', ['Alpha', 'Beta']);
      await expectTexts(page, '.compare table.figures tbody tr:last-child td', ['+$250.50', '-$42.10']);
      await page.locator('.equity-chart canvas').waitFor();
      expect(await paintedPixels(page, '.equity-chart canvas')).toBeGreaterThan(100);
    });

    it('passes axe in the light and the dark theme, with no console error, and leaves a screenshot', async () => {
      expect(await seriousViolations(page)).toEqual([]);
      await page.getByLabel('Theme').selectOption('dark');
      await page.waitForSelector('html[data-theme="dark"]');
      expect(await seriousViolations(page)).toEqual([]);
      await page.getByLabel('Theme').selectOption('light');
      await page.waitForSelector('html[data-theme="light"]');
      // The page never scrolls sideways: the wide table scrolls inside its own region.
      expect(await page.evaluate(() => (globalThis as any).document.documentElement.scrollWidth)).toBeLessThanOrEqual(viewport.width);
      await screenshot(page, 'leaderboard');
      expect(errors).toEqual([]);
    });
  });
});
