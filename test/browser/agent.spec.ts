import { readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import Decimal from 'decimal.js';
import { adminAuth, ManualClock } from '@conduit/testing';
import { AGENT_AS_OF, seedAgentPage, type AgentPageSeed } from '../agent-page-fixtures';
import { driveJourney, type JourneyFlow } from '../journey-flow';
import { startPipelineApps, type PipelineApps } from '../pipeline-apps';
import {
  expectTexts,
  launchChromium,
  openPage,
  screenshot,
  paintedPixels,
  seriousViolations,
  useBrowser,
  VIEWPORTS,
  webBuild,
} from './harness';
import { useGateway } from '../gateway-harness';

/** The CSV the page must offer: the API's strings of the three closed trades, newest first, written out. */
function expectedCsv(seed: AgentPageSeed): string {
  const [first, second, third] = seed.positionIds;
  return [
    'id,coin,side,status,size,entry_time,entry_price,exit_time,exit_price,realized_pnl,fees,stop_loss,take_profit,notes',
    `${third},ETH,long,closed,1.20000000,2026-06-12T15:00:00.000Z,2050.50000000,2026-06-13T01:00:00.000Z,2060.75000000,` +
      '10.30000000,1.90000000,2000.00000000,2150.00000000,AGENT_CLOSE',
    `${second},ETH,short,closed,0.25000000,2026-06-11T09:15:00.000Z,2080.00000000,2026-06-11T11:45:00.000Z,2120.00000000,` +
      '-10.45000000,0.45000000,2120.00000000,1980.00000000,STOP_LOSS',
    `${first},ETH,long,closed,0.50000000,2026-06-10T14:00:00.000Z,2000.00000000,2026-06-10T18:30:00.000Z,2100.00000000,` +
      '49.10000000,0.90000000,1950.00000000,2100.00000000,TAKE_PROFIT',
    '',
  ].join('\r\n');
}

/**
 * The agent page in Debian's Chromium, over a test database holding an llm_trader with three closed ETH trades of known
 * PnL, its daily PnL, ETH marks, its decision log and its routing: at each width, the header and figures, the charts
 * painted, the trades table and its CSV to the digit, the price chart and its markers, the decision log collapsed then
 * expanded, the venues; axe clean, no console error, a screenshot.
 */
describe('agent page in a browser', () => {
  const gw = useGateway({ web: true, clock: new ManualClock(AGENT_AS_OF) });
  const chrome = useBrowser();
  let seed: AgentPageSeed;

  beforeAll(async () => {
    seed = await seedAgentPage(gw.pg);
  });

  describe.each(Object.entries(VIEWPORTS))('at %s width', (_label, viewport) => {
    let page: Page;
    let errors: string[];
    let close: () => Promise<void>;
    beforeAll(async () => ({ page, errors, close } = await openPage(chrome.browser, viewport)));
    afterAll(() => close?.());

    it('is reached from the leaderboard by the agent name', async () => {
      await page.goto(gw.api + '/');
      await page.getByRole('link', { name: 'Orion', exact: true }).click();
      await page.waitForURL(`**/agents/${seed.agentId}`);
      await expectTexts(page, 'h1', ['Orion']);
    });

    it('shows the header, the figures and the three performance charts painted', async () => {
      await expectTexts(page, '.agent-facts dt', ['Kind', 'Status', 'Creator', 'Subscribers']);
      expect((await page.locator('.agent-facts dd').allTextContents()).map((t) => t.trim())).toEqual([
        'LLM trader',
        'active',
        expect.stringMatching(/^0x[0-9a-f]{4}…[0-9a-f]{4}$/),
        '2',
      ]);
      await page.waitForSelector('.agent-figures dd');
      const figures = (await page.locator('.agent-figures dd').allTextContents()).slice(0, 4);
      expect(figures).toEqual(['+$48.95', '$0.00', '3', '$10.45']);
      for (const field of ['cumulative_pnl', 'pnl', 'drawdown']) {
        await page.locator(`.agent-chart-${field} canvas`).waitFor();
        expect(await paintedPixels(page, `.agent-chart-${field} canvas`)).toBeGreaterThan(100);
      }
      expect(
        await page.getByRole('img', { name: /^Equity curve: cumulative realized PnL: 4 days, the last Jun 13, 2026 at \$48\.95$/ }).count(),
      ).toBe(1);
    });

    it('lists the closed trades in the reader zone with the figures of the API', async () => {
      await expectTexts(page, 'table.trades tbody tr:first-child td', [
        'Jun 12, 2026, 11:00 AM EDT',
        'Jun 12, 2026, 9:00 PM EDT',
        'ETH',
        'Long',
        '1.2',
        '$2,050.50',
        '$2,060.75',
        '+$10.30',
        '$1.90',
        'Closed by the agent',
      ]);
      const rows = page.locator('table.trades tbody tr');
      expect(await rows.count()).toBe(3);
      expect((await rows.nth(1).locator('td').allTextContents()).map((t) => t.trim())).toEqual([
        'Jun 11, 2026, 5:15 AM EDT',
        'Jun 11, 2026, 7:45 AM EDT',
        'ETH',
        'Short',
        '0.25',
        '$2,080.00',
        '$2,120.00',
        '-$10.45',
        '$0.45',
        'Stop loss',
      ]);
      expect((await rows.nth(2).locator('td').allTextContents()).map((t) => t.trim())).toEqual([
        'Jun 10, 2026, 10:00 AM EDT',
        'Jun 10, 2026, 2:30 PM EDT',
        'ETH',
        'Long',
        '0.5',
        '$2,000.00',
        '$2,100.00',
        '+$49.10',
        '$0.90',
        'Take profit',
      ]);
    });

    it('exports the trades as CSV, the API strings to the digit', async () => {
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
      expect(download.suggestedFilename()).toBe('Orion-trades.csv');
      expect(await readFile(await download.path(), 'utf8')).toBe(expectedCsv(seed));
    });

    it('draws the price of ETH with every entry and exit marked and the levels of a trade', async () => {
      await page.waitForSelector('.price-chart[data-markers="6"] canvas');
      expect(await paintedPixels(page, '.price-chart canvas')).toBeGreaterThan(500);
      const chart = page.getByRole('img', { name: /^ETH price from \d+ marks, with 3 trades/ });
      expect(await chart.getAttribute('aria-label')).toMatch(/stop loss \$2,000\.00 and take profit \$2,150\.00 of the selected trade$/);
      await page.getByLabel('Levels of the trade').selectOption({ index: 0 });
      await page.waitForSelector('.price-chart[aria-label$="stop loss $1,950.00 and take profit $2,100.00 of the selected trade"]');
    });

    it('keeps the decision log collapsed until a decision is opened: evidence, prompt and answer', async () => {
      await expectTexts(page, '.decision-log summary strong', ['Hold', 'Hold', 'Open long', 'Open short', 'Open long']);
      expect(await page.locator('.decision-log details[open]').count()).toBe(0);
      expect(await page.getByText('PROMPT bad').isVisible()).toBe(false);
      await expectTexts(page, '.decision-error', ['(unparsable answer)']);
      await page.locator('.decision-log summary').first().click();
      await page.waitForSelector('.decision-log details[open]');
      expect(await page.getByText('PROMPT bad').isVisible()).toBe(true);
      expect(await page.getByText('I think ETH goes up').isVisible()).toBe(true);
      expect(await page.getByText('no JSON object in the answer').isVisible()).toBe(true);
    });

    it('shows where the signals were routed and the routing config, read-only', async () => {
      await expectTexts(page, 'table.venues tbody tr', ['HYPERLIQUID266.70%11.00 ms', 'OSTIUM133.30%11.00 ms']);
      await expectTexts(page, '.routing-config dd', ['OSTIUM → HYPERLIQUID', 'First available', 'On', 'Set by the agent’s creator']);
    });

    it('passes axe in the light and the dark theme, with no console error, and leaves a screenshot', async () => {
      expect(await seriousViolations(page)).toEqual([]);
      await page.getByLabel('Theme').selectOption('dark');
      await page.waitForSelector('html[data-theme="dark"]');
      expect(await seriousViolations(page)).toEqual([]);
      await page.getByLabel('Theme').selectOption('light');
      await page.waitForSelector('html[data-theme="light"]');
      expect(await page.evaluate(() => (globalThis as any).document.documentElement.scrollWidth)).toBeLessThanOrEqual(viewport.width);
      await screenshot(page, 'agent');
      expect(errors).toEqual([]);
    });
  });
});

/**
 * A signal's journey in Debian's Chromium, driven through the seven apps (test/journey-flow.ts): at each width, as
 * anyone (Agent What and Where, the executor's time, the private layers said to be private) and as an operator (all
 * five layers in time order with their facts, the audit trail collapsed); axe clean, no console error, screenshots.
 */
describe('signal journey page in a browser', () => {
  let apps: PipelineApps;
  let flow: JourneyFlow;
  let browser: Browser;
  let bill: string;

  beforeAll(async () => {
    browser = await launchChromium();
    apps = await startPipelineApps({ WEB_DIR: await webBuild() });
    flow = await driveJourney(apps);
    const { rows } = await apps.pg.query(`SELECT amount::text AS amount FROM billing_events_v3 WHERE position_id = $1`, [
      flow.creatorPositionId,
    ]);
    bill = new Decimal(rows[0].amount).toDecimalPlaces(2, Decimal.ROUND_HALF_EVEN).toFixed(2);
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await apps?.close();
  });

  describe.each(Object.entries(VIEWPORTS))('at %s width', (_label, viewport) => {
    let page: Page;
    let errors: string[];
    let close: () => Promise<void>;
    beforeAll(async () => ({ page, errors, close } = await openPage(browser, viewport)));
    afterAll(() => close?.());

    it('shows anyone Agent What, Agent Where and when it executed; the private layers say they are private', async () => {
      await page.goto(`${apps.api}/signals/${flow.signalId}`);
      await expectTexts(page, 'h1', ['Long ETH: executed']);
      expect(await page.locator('.timeline > li').evaluateAll((els) => els.map((e: any) => e.dataset.layer))).toEqual([
        'what',
        'where',
        'executor',
        'how',
        'billing',
      ]);
      expect(await page.locator('.timeline-where').textContent()).toContain('Hyperliquid: pair ETH-USD available (28 pairs)');
      expect(await page.locator('.timeline-how').textContent()).toContain('nothing here is yours');
      expect(await page.locator('.timeline-billing').textContent()).toContain('No bill you may read.');
      expect(await page.locator('.journey-audit').count()).toBe(0);
      expect(await seriousViolations(page)).toEqual([]);
      await screenshot(page, 'signal-journey-public');
    });

    it('shows an operator all five layers in time order, with the orders, fills and bill, and the audit trail collapsed', async () => {
      await page.context().setExtraHTTPHeaders(adminAuth(apps.env));
      await page.reload();
      await page.waitForSelector('.journey-audit');
      expect(await page.locator('.timeline > li').evaluateAll((els) => els.map((e: any) => e.dataset.layer))).toEqual([
        'what',
        'how',
        'where',
        'executor',
        'billing',
      ]);
      const how = await page.locator('.timeline-how').textContent();
      expect(how).toContain('2 deployments: trade');
      const executor = await page.locator('.timeline-executor li').allTextContents();
      expect(executor.filter((t) => t.startsWith('Buy 1.25 on HYPERLIQUID: filled at $2,001.00'))).toHaveLength(2);
      expect(executor.filter((t) => t.startsWith('Sell (close) 1.25 on HYPERLIQUID: filled'))).toHaveLength(1);
      await expectTexts(page, '.timeline-billing li', [`Profit share $${bill}: collected`]);
      expect(await page.locator('.journey-audit[open]').count()).toBe(0);
      await page.locator('.journey-audit summary').click();
      await page.waitForSelector('.journey-audit[open]');
      expect(await page.locator('.journey-audit li code', { hasText: 'v3.signal.routed' }).count()).toBe(1);
      expect(await seriousViolations(page)).toEqual([]);
      expect(await page.evaluate(() => (globalThis as any).document.documentElement.scrollWidth)).toBeLessThanOrEqual(viewport.width);
      await screenshot(page, 'signal-journey');
      expect(errors).toEqual([]);
    });
  });
});
