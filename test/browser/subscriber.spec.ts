import type { Browser, Page } from 'playwright-core';
import { QUICK_START, WalletClient } from '@conduit/testing';
import { PipelineApps, startPipelineApps } from '../pipeline-apps';
import { expectTexts, launchChromium, openPage, screenshot, seriousViolations, VIEWPORTS, webBuild } from './harness';
import { injectWallet } from './test-wallet';

const POSITION_CELLS = 'table.positions tbody tr:first-child > :nth-child(-n+6)';

/**
 * Subscribing and /me in Debian's Chromium over every service: sign in through the injected wallet on an agent's page
 * and subscribe there (paper), then on /me a position opened by a signal
 * appears live (no reload), a bad policy value shows its API error at the field, the deployment stops after a
 * confirmation; axe clean and no console error at 1280 and 390 px.
 */
describe('subscriber pages in a browser', () => {
  let apps: PipelineApps;
  let api: string;
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchChromium();
    apps = await startPipelineApps({ WEB_DIR: await webBuild() });
    ({ api } = apps);
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await apps?.close();
  });

  describe.each(Object.entries(VIEWPORTS))('at %s width', (_label, viewport) => {
    let page: Page;
    let errors: string[];
    let close: () => Promise<void>;
    let user: WalletClient;
    let agentId: string;
    let deploymentId: string;
    beforeAll(async () => {
      ({ page, errors, close } = await openPage(browser, viewport));
      user = WalletClient.random(api);
      await injectWallet(page, user.wallet);
      const agent = await user.http('POST', `${api}/api/v3/agents/create`, { ...QUICK_START.createAgent, creator_wallet: user.address });
      agentId = agent.body.agent.id;
    });
    afterAll(() => close?.());

    it('signs in with the injected wallet on the agent page and subscribes there in paper mode', async () => {
      await page.goto(`${api}/agents/${agentId}`);
      await page.getByRole('button', { name: 'Sign in with wallet to subscribe' }).click();
      const short = `${user.address.slice(0, 6)}…${user.address.slice(-4)}`;
      await expectTexts(page, '.wallet .address', [short]);
      expect((await page.locator('.wallet .address').getAttribute('title'))?.toLowerCase()).toBe(user.address);
      const form = page.getByRole('form', { name: 'Subscribe' });
      await form.waitFor();
      expect(await form.getByRole('radio', { name: /^Paper/ }).isChecked()).toBe(true);
      await form.getByRole('button', { name: 'Subscribe' }).click();
      await page.locator('.subscribed').waitFor();
      const mine = (await user.http('GET', `${api}/api/v3/deployments?agent_id=${agentId}`)).body.deployments;
      expect(mine.map((d: any) => [d.user_wallet, d.status, d.trading_mode])).toEqual([[user.address, 'ACTIVE', 'paper']]);
      deploymentId = mine[0].id;
      await expectTexts(page, '.subscribed p', [
        `Subscribed: deployment ${deploymentId.slice(0, 8)}, paper trading. See it on My deployments`,
      ]);
      await expectTexts(page, '.agent-facts div:last-child dd', ['1']); // its subscribers, refreshed
      expect(await seriousViolations(page)).toEqual([]);
      await screenshot(page, 'agent-subscribe');
      expect(await page.evaluate(() => (globalThis as any).document.documentElement.scrollWidth)).toBeLessThanOrEqual(viewport.width);
    });

    it('does not offer a second deployment of the agent, and links to /me instead', async () => {
      await page.getByRole('link', { name: 'See it on My deployments' }).click();
      await expectTexts(page, '.deployment > header > h2', [`Deployment ${deploymentId.slice(0, 8)}`]);
      await page.goBack(); // the app's own history: the session stays in memory
      await expectTexts(page, '[aria-labelledby="subscribe-heading"] p', [
        `Your wallet already follows this agent: deployment ${deploymentId.slice(0, 8)} (paper, active). Manage it on My deployments`,
      ]);
      expect(await page.getByRole('form', { name: 'Subscribe' }).count()).toBe(0);
      await page.getByRole('link', { name: 'Manage it on My deployments' }).click();
      await expectTexts(page, '.deployment > header > h2', [`Deployment ${deploymentId.slice(0, 8)}`]);
      await expectTexts(page, '.deployment p.muted', ['No open position.', 'No bill yet.']);
      // The token stays in memory: nothing in the storage.
      expect(await page.evaluate(() => JSON.stringify(Object.keys((globalThis as any).localStorage)))).not.toMatch(/token|siwe/i);
    });

    it('shows a position opened by a signal live, with entry, mark and unrealized PnL as the API answers them', async () => {
      const signal = (await user.http('POST', `${api}/api/v3/signals/generate`, QUICK_START.signal(agentId))).body.signal;
      expect((await user.http('POST', `${api}/api/v3/execute/trade`, QUICK_START.execute(signal.id))).body.complete).toBe(true);
      // No reload: the stream's event refreshes the list. Quick start: 1.25 ETH long at 2001 (the mark 2000 plus slippage),
      // marked at its entry until the executor's next mark.
      await expectTexts(page, POSITION_CELLS, ['ETH', 'LONG', '1.25', '$2,001.00', '$2,001.00', '$0.00'], 20_000);
    });

    it('shows the API error of a bad policy value next to its field', async () => {
      await page.getByText('Policy', { exact: true }).click();
      const leverage = page.getByLabel('Max leverage');
      await leverage.fill('500');
      await page.getByRole('button', { name: 'Save policy' }).click();
      const error = page.locator(`#${await leverage.getAttribute('id')}-error`.replace(/:/g, '\\:'));
      await error.waitFor();
      expect(await error.textContent()).toBe('max_leverage must be an integer from 1 to 100');
      expect(await leverage.getAttribute('aria-invalid')).toBe('true');
      await leverage.fill('3');
      await page.getByRole('button', { name: 'Save policy' }).click();
      await page.getByText('Policy saved.').waitFor();
      expect((await user.http('GET', `${api}/api/v3/deployments/${deploymentId}/policy`)).body.subscriber_policy).toEqual({
        max_leverage: 3,
      });
    });

    it('passes axe with no console error but the refused policy, and leaves a screenshot', async () => {
      expect(await seriousViolations(page)).toEqual([]);
      await screenshot(page, 'subscriber');
      expect(await page.evaluate(() => (globalThis as any).document.documentElement.scrollWidth)).toBeLessThanOrEqual(viewport.width);
      expect(errors.filter((e) => !/400/.test(e))).toEqual([]);
      expect(errors.filter((e) => /HTTP 400/.test(e))).toEqual([`HTTP 400: PUT ${api}/api/v3/deployments/${deploymentId}/policy`]);
    });

    it('stops the deployment after a confirmation: its position closes live', async () => {
      await page.getByRole('button', { name: 'Stop deployment' }).click();
      const dialog = page.getByRole('dialog', { name: 'Stop this deployment for good?' });
      await dialog.waitFor();
      expect(await seriousViolations(page)).toEqual([]);
      await dialog.getByRole('button', { name: 'Stop deployment' }).click();
      await expectTexts(page, '.deployment .status', ['STOPPED']);
      await expectTexts(page, '.deployment p.muted', ['No open position.', 'No bill yet.'], 20_000);
      expect((await user.http('GET', `${api}/api/v3/deployments/${deploymentId}`)).body.deployment.status).toBe('STOPPED');
    });
  });
});
