import type { Page } from 'playwright-core';
import { QUICK_START, WalletClient } from '@conduit/testing';
import { useGateway } from '../gateway-harness';
import { expectTexts, openPage, screenshot, seriousViolations, useBrowser, VIEWPORTS } from './harness';
import { injectWallet } from './test-wallet';

const noSidewaysScroll = (page: Page) => page.evaluate(() => (globalThis as any).document.documentElement.scrollWidth);

/** Signs in through the header's button with the wallet injected in the page, and waits for the address. */
async function signIn(page: Page, user: WalletClient) {
  await page.getByRole('button', { name: 'Sign in with wallet', exact: true }).click();
  await expectTexts(page, '.wallet .address', [`${user.address.slice(0, 6)}…${user.address.slice(-4)}`]);
}

/** The error shown under an input, found by the input's own id (useId's colons escaped). */
const errorOf = async (page: Page, input: ReturnType<Page['getByLabel']>) =>
  page.locator(`#${await input.getAttribute('id')}-error`.replace(/:/g, '\\:'));

/**
 * The agent page's creator forms in Debian's Chromium: the creator's wallet signs in and edits the routing config and
 * the agent's policy (a bad value's API error at its field, then a good value saved, as the API answers it); another
 * wallet sees both read-only. Axe clean, no console error but the two refused saves, at 1280 and 390 px.
 */
describe('agent creator forms in a browser', () => {
  const gw = useGateway({ web: true });
  const chrome = useBrowser();

  describe.each(Object.entries(VIEWPORTS))('at %s width', (_label, viewport) => {
    let creator: WalletClient;
    let agentId: string;
    beforeAll(async () => {
      creator = WalletClient.random(gw.api);
      const agent = await creator.http('POST', `${gw.api}/api/v3/agents/create`, {
        ...QUICK_START.createAgent,
        creator_wallet: creator.address,
        profit_receiver_address: creator.address,
      });
      agentId = agent.body.agent.id;
    });

    describe('as its creator', () => {
      let page: Page;
      let errors: string[];
      let close: () => Promise<void>;
      beforeAll(async () => {
        ({ page, errors, close } = await openPage(chrome.browser, viewport));
        await injectWallet(page, creator.wallet);
      });
      afterAll(() => close?.());

      it('edits the routing config: a bad venue shows its error at the field, a good order is saved', async () => {
        await page.goto(`${gw.api}/agents/${agentId}`);
        await signIn(page, creator);
        const form = page.getByRole('form', { name: 'Routing config' });
        const venues = form.getByLabel('Venue priority');
        expect(await venues.inputValue()).toBe('HYPERLIQUID, OSTIUM'); // the global default, to start from
        await venues.fill('HYPERLIQUID, NOPE');
        await form.getByRole('button', { name: 'Save routing config' }).click();
        const error = await errorOf(page, venues);
        await error.waitFor();
        expect(await error.textContent()).toBe('venue_priority must hold only HYPERLIQUID, OSTIUM, GMX, SPOT');
        expect(await venues.getAttribute('aria-invalid')).toBe('true');
        expect(await venues.getAttribute('aria-describedby')).toContain(await error.getAttribute('id'));

        await venues.fill('ostium, hyperliquid');
        await form.getByLabel('Strategy').selectOption({ label: 'Best liquidity' });
        await form.getByLabel('Failover').uncheck();
        await form.getByRole('button', { name: 'Save routing config' }).click();
        await form.getByText('Routing config saved.').waitFor();
        expect(await venues.getAttribute('aria-invalid')).toBeNull();
        const { config } = (await creator.http('GET', `${gw.api}/api/v3/agents/${agentId}/routing-config`)).body;
        expect(config).toMatchObject({
          agent_id: agentId,
          venue_priority: ['OSTIUM', 'HYPERLIQUID'],
          routing_strategy: 'BEST_LIQUIDITY',
          failover_enabled: false,
          source: 'agent',
        });
      });

      it('edits the agent policy: a bad max leverage shows its error at the field, good limits are saved', async () => {
        const form = page.getByRole('form', { name: 'Agent policy' });
        const leverage = form.getByLabel('Max leverage');
        await leverage.fill('500');
        await form.getByRole('button', { name: 'Save policy' }).click();
        const error = await errorOf(page, leverage);
        await error.waitFor();
        expect(await error.textContent()).toBe('max_leverage must be an integer from 1 to 100');
        expect(await leverage.getAttribute('aria-invalid')).toBe('true');

        await leverage.fill('4');
        await form.getByLabel('Denied tokens').fill('DOGE, PEPE');
        await form.getByRole('button', { name: 'Save policy' }).click();
        await form.getByText('Policy saved.').waitFor();
        expect((await creator.http('GET', `${gw.api}/api/v3/agents/${agentId}`)).body.agent.policy).toEqual({
          max_leverage: 4,
          denied_tokens: ['DOGE', 'PEPE'],
        });
      });

      it('passes axe with no console error but the two refused saves, and leaves a screenshot', async () => {
        expect(await seriousViolations(page)).toEqual([]);
        await screenshot(page, 'agent-creator');
        expect(await noSidewaysScroll(page)).toBeLessThanOrEqual(viewport.width);
        expect(errors.filter((e) => !/400/.test(e))).toEqual([]);
        expect(errors.filter((e) => /^console: .* 400 \(Bad Request\)$/.test(e))).toHaveLength(2); // the browser's line for each
        expect(errors.filter((e) => /HTTP 400/.test(e))).toEqual([
          `HTTP 400: PUT ${gw.api}/api/v3/agents/${agentId}/routing-config`,
          `HTTP 400: PUT ${gw.api}/api/v3/agents/${agentId}/policy`,
        ]);
      });
    });

    it('shows another wallet the routing config and the policy read-only', async () => {
      const other = WalletClient.random(gw.api);
      const { page, errors, close } = await openPage(chrome.browser, viewport);
      try {
        await injectWallet(page, other.wallet);
        await page.goto(`${gw.api}/agents/${agentId}`);
        await signIn(page, other);
        await page.getByRole('form', { name: 'Subscribe' }).waitFor(); // signed in: the subscribe form, not the creator's
        await expectTexts(page, '.routing-config dd', ['OSTIUM → HYPERLIQUID', 'Best liquidity', 'Off', 'Set by the agent’s creator']);
        await expectTexts(page, '.agent-policy dd', ['4', 'DOGE, PEPE']);
        expect(await page.getByRole('form', { name: 'Routing config' }).count()).toBe(0);
        expect(await page.getByRole('form', { name: 'Agent policy' }).count()).toBe(0);
        expect(await page.getByRole('button', { name: /^Save/ }).count()).toBe(0);
        expect(await seriousViolations(page)).toEqual([]);
        expect(await noSidewaysScroll(page)).toBeLessThanOrEqual(viewport.width);
        expect(errors).toEqual([]);
      } finally {
        await close();
      }
    });
  });
});
