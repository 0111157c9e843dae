import type { Page } from 'playwright-core';
import { Client } from 'pg';
import { expectTexts, openPage, screenshot, paintedPixels, seriousViolations, useBrowser, VIEWPORTS } from './harness';
import { useGateway } from '../gateway-harness';

const WHALE = '0x1111111111111111111111111111111111111111';
const SWING = '0x2222222222222222222222222222222222222222';
const FRESH = '0x3333333333333333333333333333333333333333';

/** Three watched wallets (two scored), their fills, one analysed, and the bias of two assets with some history. */
async function seed(pg: Client): Promise<void> {
  const wallet = async (address: string, label: string | null, tags: string[]) =>
    (
      await pg.query(
        `INSERT INTO wallets (address, label, chain, tags, metadata, first_seen_at, is_active)
         VALUES ($1, $2, 'hyperliquid', $3, '{}', '2026-06-01T00:00:00Z', true) RETURNING id`,
        [address, label, tags],
      )
    ).rows[0].id as string;
  const whale = await wallet(WHALE, 'Whale One', ['whale', 'btc']);
  const swing = await wallet(SWING, 'Swing Two', []);
  await wallet(FRESH, null, []);
  const score = `INSERT INTO wallet_scores (wallet_id, timestamp, credibility_1h, credibility_4h, credibility_24h, equity_usd,
                 trading_volume_24h, win_rate, archetype) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`;
  await pg.query(score, [whale, '2026-06-14T00:00:00Z', '5.0', '5.0', '5.0', '1.00', '0', '0.10', 'unknown']); // older
  await pg.query(score, [whale, '2026-06-15T00:00:00Z', '8.5', '9.0', '7.5', '1250000.50', '3400000', '0.62', 'whale']);
  await pg.query(score, [swing, '2026-06-15T00:00:00Z', '6.0', '7.2', '6.8', '48210.07', '91000', '0.48', 'swing']);
  const event = `INSERT INTO events (timestamp, wallet_id, tx_hash, fill_id, event_type, asset, amount, notional_usd, position_before,
                 position_after, realized_pnl) VALUES ($1, $2, $3, $4, $5, 'ETH', $6, $7, $8, $9, $10) RETURNING id`;
  await pg.query(event, ['2026-06-15T10:00:00Z', whale, '0xaa01', 'f1', 'open', '12.5000000000', '24375.00', '0', '12.5000000000', null]);
  const close = (
    await pg.query(event, [
      '2026-06-15T14:00:00Z',
      whale,
      '0xaa02',
      'f2',
      'close',
      '-12.5000000000',
      '25000.00',
      '12.5',
      '0',
      '625.00000000',
    ])
  ).rows[0].id;
  await pg.query(
    `INSERT INTO event_analysis (event_id, llm_classification, llm_confidence, llm_narrative, pattern_matched, bias_impact, analyser, model)
     VALUES ($1, 'profit_taking', '0.85', 'Closed the whole ETH long into strength.', 'full_exit', '-0.120', 'llm', 'gpt-test')`,
    [close],
  );
  const bias = `INSERT INTO bias (timestamp, asset, timeframe, value, confidence, components) VALUES ($1, $2, $3, $4, '0.80', '{}')`;
  for (const [at, asset, tf, value] of [
    ['2026-06-15T12:00:00Z', 'ETH', '1h', '0.420'],
    ['2026-06-15T12:00:00Z', 'ETH', '4h', '-0.150'],
    ['2026-06-15T12:00:00Z', 'ETH', '24h', '0.050'],
    ['2026-06-15T12:00:00Z', 'BTC', '1h', '-0.700'],
    ['2026-06-15T12:00:00Z', 'BTC', '4h', '0.300'],
    ['2026-06-15T12:00:00Z', 'BTC', '24h', '0.000'],
    ['2026-06-15T08:00:00Z', 'BTC', '4h', '0.100'],
    ['2026-06-15T04:00:00Z', 'BTC', '4h', '-0.200'],
  ])
    await pg.query(bias, [at, asset, tf, value]);
}

/**
 * Wallet intelligence in Debian's Chromium, public reads: the watchlist with exact credibility, the bias heatmap painted
 * (and its table), an asset's bias over time, a wallet's events and an event's analysis; axe clean, no console error.
 */
describe('wallets page in a browser', () => {
  const gw = useGateway({ web: true });
  const chrome = useBrowser();

  beforeAll(async () => {
    await seed(gw.pg);
  });

  describe.each(Object.entries(VIEWPORTS))('at %s width', (_label, viewport) => {
    let page: Page;
    let errors: string[];
    let close: () => Promise<void>;
    beforeAll(async () => ({ page, errors, close } = await openPage(chrome.browser, viewport)));
    afterAll(() => close?.());

    it('lists the watched wallets by credibility with their latest scores', async () => {
      await page.goto(gw.api + '/wallets');
      await expectTexts(page, 'table.watchlist tbody th', ['Whale One', 'Swing Two', '0x3333…3333']);
      await expectTexts(page, 'table.watchlist tbody tr:first-child td', [
        'whale',
        '8.5',
        '9.0',
        '7.5',
        '$1,250,000.50',
        '62.0%',
        'whale, btc',
      ]);
      await expectTexts(page, 'table.watchlist tbody tr:nth-child(2) td', ['swing', '6.0', '7.2', '6.8', '$48,210.07', '48.0%', '—']);
      await expectTexts(page, 'table.watchlist tbody tr:last-child td', ['—', '—', '—', '—', '—', '—', '—']);
    });

    it('paints the bias heatmap, with the same figures as a table, and an asset over time', async () => {
      await page.locator('.bias-heatmap canvas >> nth=0').waitFor();
      await page.waitForFunction(() => (globalThis as any).document.querySelector('.bias-heatmap canvas')?.width > 0);
      expect(await paintedPixels(page, '.bias-heatmap canvas >> nth=0')).toBeGreaterThan(1000);
      await expectTexts(page, '.bias-table tbody th', ['BTC', 'ETH']);
      await expectTexts(page, '.bias-table tbody tr:first-child td', ['-0.700', '+0.300', '0.000']);
      await expectTexts(page, '.bias-table tbody tr:last-child td', ['+0.420', '-0.150', '+0.050']);
      await expectTexts(page, 'p.meta[role="status"]', ['3 readings (the newest 200 at most); latest +0.300']);
      expect(await paintedPixels(page, '.bias-history canvas >> nth=0')).toBeGreaterThan(100);
      await page.getByRole('combobox', { name: /^Asset/ }).selectOption('ETH');
      await page.getByRole('combobox', { name: /^Timeframe/ }).selectOption('1h');
      await expectTexts(page, 'p.meta[role="status"]', ['1 reading (the newest 200 at most); latest +0.420']);
      expect(new URL(page.url()).search).toBe('?asset=ETH&timeframe=1h');
    });

    it('shows a wallet events and the analysis of one', async () => {
      await page.getByRole('button', { name: 'Whale One' }).click();
      await expectTexts(page, '#events-heading', ['Events of Whale One']);
      await expectTexts(page, 'table.wallet-events tbody th', ['close', 'open']);
      const cells = (await page.locator('table.wallet-events tbody tr:first-child td').allTextContents()).map((t) => t.trim());
      expect(cells.slice(1, 6)).toEqual(['ETH', '-12.5', '$25,000.00', '0', '+$625.00']);
      await page.getByRole('button', { name: /^Show the analysis of the close of ETH/ }).click();
      await expectTexts(page, 'dl.analysis dd', [
        'profit_taking',
        '0.85',
        '-0.120',
        'full_exit',
        'LLM (gpt-test)',
        'Closed the whole ETH long into strength.',
      ]);
      expect(await seriousViolations(page)).toEqual([]);
      expect(await page.evaluate(() => (globalThis as any).document.documentElement.scrollWidth)).toBeLessThanOrEqual(viewport.width);
      await screenshot(page, 'wallets');
      expect(errors).toEqual([]);
    });
  });
});
