import type { Page } from 'playwright-core';
import { Signature, verifyTypedData, Wallet } from 'ethers';
import { JobName, jobId, QueueName } from '@conduit/queue';
import {
  HyperliquidSim,
  insertAgent,
  insertDeployment,
  startContext,
  startHyperliquidServer,
  testQueues,
  waitFor,
  waitForJob,
  WalletClient,
} from '@conduit/testing';
import { BillingAppModule } from '../../apps/billing/src/app.module';
import { useGateway } from '../gateway-harness';
import { expectTexts, openPage, screenshot, seriousViolations, useBrowser, VIEWPORTS } from './harness';
import { injectWallet } from './test-wallet';

/** Where subscriptions are paid (BILLING_TREASURY_ADDRESS). */
const TREASURY = Wallet.createRandom().address.toLowerCase();
const STATUS = 'table.bills tbody .status';

/**
 * /me's live bills paid from the browser: the billing worker bills a live deployment's subscription and, as live bills
 * are paid on Hyperliquid by the user, writes the usdSend to sign into the bill; on /me the user clicks "Sign and pay",
 * the injected wallet signs the typed data (eth_signTypedData_v4), the page posts the signature and billing submits it
 * to the local Hyperliquid server, which verifies it and moves the funds; the bill shows COLLECTED. At 1280 and 390 px,
 * axe clean, no console error, no sideways scroll.
 */
describe('live bills signed in the browser', () => {
  const env: Record<string, string> = {
    LIVE_TRADING: 'true',
    HYPERLIQUID_NETWORK: 'testnet',
    HYPERLIQUID_TIMEOUT_MS: '20000',
    VENUE_SYNC_INTERVAL_MS: '0',
    RECONCILE_INTERVAL_MS: '0',
    BILLING_TREASURY_ADDRESS: TREASURY,
    SUBSCRIPTION_PRICE_USD: '25',
    SUBSCRIPTION_PERIOD: '1 month',
  };
  let sim: HyperliquidSim;
  beforeAll(async () => {
    sim = await startHyperliquidServer({ isTestnet: true });
    env.HYPERLIQUID_API_URL = sim.url; // read by the gateway's beforeAll, registered after this one
  });
  afterAll(() => sim?.close());
  const gw = useGateway({ web: true, env, with: (e) => [startContext(BillingAppModule.forRoot(e))] });
  const chromium = useBrowser();

  /** The billing worker's subscription run, as its scheduler adds it. */
  let runs = 0;
  const billSubscriptions = async () => {
    const queues = testQueues(gw.env);
    try {
      const run = jobId(JobName.BillingSubscriptions, 'bills-browser', String(++runs));
      await queues[QueueName.Billing].add(JobName.BillingSubscriptions, {}, { jobId: run });
      expect((await waitForJob(queues[QueueName.Billing], run)).failedReason).toBeUndefined();
    } finally {
      await queues.close();
    }
  };

  /** A live deployment of the user whose trial is over: the subscription run bills it, the collection writes its usdSend. */
  const liveBill = async (user: WalletClient): Promise<{ id: string; amount: string; metadata: any }> => {
    const agentId = await insertAgent(gw.pg);
    const past = new Date(Date.now() - 60_000);
    const deploymentId = await insertDeployment(gw.pg, agentId, {
      user_wallet: user.address,
      trading_mode: 'live',
      trial_ends_at: past,
      next_billing_at: past,
    });
    await billSubscriptions();
    const bill = await waitFor('the live bill with its usdSend', async () => {
      const { rows } = await gw.pg.query(
        `SELECT id, amount::text, status, metadata FROM billing_events_v3 WHERE deployment_id = $1 AND kind = 'SUBSCRIPTION'`,
        [deploymentId],
      );
      return rows[0]?.metadata?.usd_send ? rows[0] : null;
    });
    expect(bill.metadata.usd_send.action).toMatchObject({ type: 'usdSend', destination: TREASURY, amount: '25' });
    return bill;
  };

  describe.each(Object.entries(VIEWPORTS))('at %s width', (_label, viewport) => {
    let page: Page;
    let errors: string[];
    let close: () => Promise<void>;
    let user: WalletClient;
    let bill: { id: string; amount: string; metadata: any };

    beforeAll(async () => {
      ({ page, errors, close } = await openPage(chromium.browser, viewport));
      user = WalletClient.random(gw.api);
      await injectWallet(page, user.wallet);
      sim.fund(user.address, '1000');
      bill = await liveBill(user);
    });
    afterAll(() => close?.());

    it('shows the bill awaiting the signature, with its amount (the screenshot)', async () => {
      await page.goto(`${gw.api}/me`);
      await page.getByRole('button', { name: 'Sign in with wallet' }).first().click();
      await expectTexts(page, 'table.bills tbody td.num', ['$25.00']);
      await expectTexts(page, STATUS, ['PENDING']);
      await expectTexts(page, 'table.bills tbody .bill-note', ['Awaiting your signature.']);
      expect(await seriousViolations(page)).toEqual([]);
      await screenshot(page, 'subscriber-bills');
    });

    it('says so when the wallet declines, and sends nothing', async () => {
      const sent = sim.exchangeRequests.length;
      // The user rejects the request in the wallet (EIP-1193 code 4001), once.
      await page.evaluate(() => {
        const ethereum = (globalThis as any).ethereum;
        const request = ethereum.request;
        ethereum.request = async (args: { method: string }) => {
          if (args.method !== 'eth_signTypedData_v4') return request(args);
          ethereum.request = request;
          throw Object.assign(new Error('User rejected the request.'), { code: 4001 });
        };
      });
      await page.getByRole('button', { name: 'Sign and pay' }).click();
      await expectTexts(page, 'table.bills tbody [role="alert"]', ['You declined the signature in your wallet: the bill was not paid.']);
      await expectTexts(page, STATUS, ['PENDING']);
      expect(sim.exchangeRequests.length).toBe(sent);
      expect(
        (await gw.pg.query(`SELECT metadata ? 'user_signature' AS signed FROM billing_events_v3 WHERE id = $1`, [bill.id])).rows,
      ).toEqual([{ signed: false }]);
    });

    it('signs the usdSend in the wallet and pays it: Hyperliquid verifies the signature and the bill is COLLECTED', async () => {
      const sent = sim.exchangeRequests.length;
      await page.getByRole('button', { name: 'Sign and pay' }).click();
      await expectTexts(page, STATUS, ['COLLECTED'], 30_000);
      await expectTexts(page, 'table.bills tbody .bill-note', []);
      await expectTexts(page, 'table.bills tbody [role="alert"]', []);
      expect(await page.getByRole('button', { name: 'Sign and pay' }).count()).toBe(0);

      // The venue got one usdSend, signed by the user's own key over the bill's typed data.
      const usdSends = sim.exchangeRequests.slice(sent).filter((r) => r.body?.action?.type === 'usdSend');
      expect(usdSends).toHaveLength(1);
      const [request] = usdSends;
      expect(request.signer).toBe(user.address.toLowerCase());
      expect(request.response).toMatchObject({ status: 'ok' });
      const { domain, types, message } = bill.metadata.usd_send.typedData;
      const { EIP712Domain: _domain, ...sendTypes } = types;
      expect(verifyTypedData(domain, sendTypes, message, Signature.from(request.body.signature)).toLowerCase()).toBe(
        user.address.toLowerCase(),
      );
      expect(request.body.action).toEqual(bill.metadata.usd_send.action);

      // The API says the same: collected by the usdSend of that nonce.
      const read = await user.http('GET', `${gw.api}/api/v3/billing/events/${bill.id}`);
      expect(read.body.event).toMatchObject({
        status: 'COLLECTED',
        amount: bill.amount,
        metadata: expect.objectContaining({ reference: `usdSend:${bill.metadata.usd_send.nonce}` }),
      });
    });

    it('passes axe with no console error and no sideways scroll', async () => {
      expect(await seriousViolations(page)).toEqual([]);
      expect(await page.evaluate(() => (globalThis as any).document.documentElement.scrollWidth)).toBeLessThanOrEqual(viewport.width);
      expect(errors).toEqual([]);
    });
  });

  describe.each(Object.entries(VIEWPORTS))('retried after a refusal, at %s width', (_label, viewport) => {
    let page: Page;
    let errors: string[];
    let close: () => Promise<void>;
    let user: WalletClient;
    let bill: { id: string; amount: string; metadata: any };
    const successfulSends = () =>
      sim.exchangeRequests.filter(
        (r) => r.signer === user.address.toLowerCase() && r.body?.action?.type === 'usdSend' && r.response?.status === 'ok',
      );

    beforeAll(async () => {
      ({ page, errors, close } = await openPage(chromium.browser, viewport));
      user = WalletClient.random(gw.api);
      await injectWallet(page, user.wallet);
      sim.fund(user.address, '10'); // less than the bill
      bill = await liveBill(user);
    });
    afterAll(() => close?.());

    it('fails a bill the exchange refuses, then retries it with a fresh transfer the wallet signs: COLLECTED once', async () => {
      await page.goto(`${gw.api}/me`);
      await page.getByRole('button', { name: 'Sign in with wallet' }).first().click();
      await page.getByRole('button', { name: 'Sign and pay' }).click();
      await expectTexts(page, STATUS, ['FAILED'], 30_000);
      expect(successfulSends()).toEqual([]);

      sim.fund(user.address, '1000');
      await page.getByRole('button', { name: 'Retry', exact: true }).click();
      const dialog = page.getByRole('dialog', { name: 'Retry this $25.00 bill?' });
      await dialog.waitFor();
      expect(await seriousViolations(page)).toEqual([]);
      await dialog.getByRole('button', { name: 'Prepare a new transfer' }).click();
      await expectTexts(page, STATUS, ['PENDING']);
      await expectTexts(page, 'table.bills tbody .bill-note', ['Awaiting your signature.']);
      await page.getByRole('button', { name: 'Sign and pay' }).click();
      await expectTexts(page, STATUS, ['COLLECTED'], 30_000);

      // One transfer moved the money, under the retry's own nonce, later than the refused one.
      const read = (await user.http('GET', `${gw.api}/api/v3/billing/events/${bill.id}`)).body.event;
      const [first, retried] = [bill.metadata.usd_send.nonce, read.metadata.usd_send.nonce];
      expect(retried).toBeGreaterThan(first);
      expect(read.metadata.usd_send_attempts.map((a: { nonce: number }) => a.nonce)).toEqual([first]);
      expect(successfulSends().map((r) => r.body.nonce)).toEqual([retried]);
      expect(read).toMatchObject({ status: 'COLLECTED', metadata: expect.objectContaining({ reference: `usdSend:${retried}` }) });
      expect(await page.evaluate(() => (globalThis as any).document.documentElement.scrollWidth)).toBeLessThanOrEqual(viewport.width);
      await screenshot(page, 'subscriber-bill-retry');
      expect(errors).toEqual([]);
    });
  });
});
