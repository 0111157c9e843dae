import { Signature, Wallet } from 'ethers';
import { JobName, jobId, QueueName } from '@conduit/queue';
import {
  http,
  HyperliquidSim,
  insertAgent,
  insertDeployment,
  ManualClock,
  signInMessage,
  startContext,
  startHyperliquidServer,
  testQueues,
  waitForJob,
  WalletClient,
} from '@conduit/testing';
import { BillingAppModule } from '../apps/billing/src/app.module';
import { useGateway } from './gateway-harness';

/** Where subscriptions are paid (BILLING_TREASURY_ADDRESS). */
const TREASURY = Wallet.createRandom().address.toLowerCase();
const DAY_MS = 86_400_000;

/**
 * A live bill's attempts and their nonces, against the local Hyperliquid server, whose nonce window (now − 2 days,
 * now + 1 day) follows the same ManualClock as billing and the gateway. A usdSend refused for insufficient balance
 * spends its nonce there, so the attempt ends FAILED at once (never re-submitted); the user's retry, days later, gets a
 * fresh usdSend with a later `time` and pays it once funded. "duplicate nonce" counts as paid only when the user's
 * ledger shows this attempt's send.
 */
describe('a live bill: attempts, nonces and retries on Hyperliquid', () => {
  const clock = new ManualClock(new Date());
  const env: Record<string, string> = {
    LIVE_TRADING: 'true',
    HYPERLIQUID_NETWORK: 'testnet',
    HYPERLIQUID_TIMEOUT_MS: '20000',
    VENUE_SYNC_INTERVAL_MS: '0',
    RECONCILE_INTERVAL_MS: '0',
    BILLING_TREASURY_ADDRESS: TREASURY,
    BILLING_COLLECT_ATTEMPTS: '3',
    BILLING_COLLECT_BACKOFF_MS: '10',
  };
  let sim: HyperliquidSim;
  beforeAll(async () => {
    sim = await startHyperliquidServer({ isTestnet: true, now: () => clock.now().getTime() });
    env.HYPERLIQUID_API_URL = sim.url; // read by the gateway's beforeAll, registered after this one
  });
  afterAll(() => sim?.close());
  const gw = useGateway({ clock, env, with: (e, c) => [startContext(BillingAppModule.forRoot(e), { clock: c })] });

  const one = async (sql: string, params: unknown[]) => (await gw.pg.query(sql, params)).rows[0];
  const billOf = (id: string) => one(`SELECT id, status, amount::text, metadata FROM billing_events_v3 WHERE id = $1`, [id]);
  const sign = async (wallet: Wallet, usdSend: any) => {
    const { domain, types, message } = usdSend.typedData;
    const { EIP712Domain: _domain, ...sendTypes } = types;
    const sig = Signature.from(await wallet.signTypedData(domain, sendTypes, message));
    return { r: sig.r, s: sig.s, v: sig.v };
  };
  /** A signed action sent to the venue's /exchange directly, as a lost earlier submission or a replay would be. */
  const submitToVenue = async (action: unknown, nonce: number, signature: unknown) =>
    (await fetch(`${sim.url}/exchange`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ action, nonce, signature }),
    }).then((r) => r.json())) as any;
  const usdSendsOf = (user: WalletClient) =>
    sim.exchangeRequests.filter((r) => r.body?.action?.type === 'usdSend' && r.signer === user.address);
  const transfersTo = async (user: WalletClient) => {
    const ledger = (await fetch(`${sim.url}/info`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'userNonFundingLedgerUpdates', user: user.address, startTime: 0 }),
    }).then((r) => r.json())) as any[];
    return ledger.filter((u) => u.delta.type === 'send' && u.delta.destination === TREASURY);
  };
  /** A live deployment's PENDING subscription bill of 25 USDC whose first collection wrote the usdSend to sign. */
  const liveBill = async (user: WalletClient) => {
    const deploymentId = await insertDeployment(gw.pg, await insertAgent(gw.pg), { user_wallet: user.address, trading_mode: 'live' });
    const { id } = await one(
      `INSERT INTO billing_events_v3 (deployment_id, kind, amount, status, period_start) VALUES ($1, 'SUBSCRIPTION', 25, 'PENDING', $2)
       RETURNING id`,
      [deploymentId, clock.now()],
    );
    await runCollect(id, 'first');
    const bill = await billOf(id);
    expect(bill.metadata.usd_send.action).toMatchObject({ type: 'usdSend', destination: TREASURY, amount: '25' });
    return bill;
  };
  const runCollect = async (billingEventId: string, tag: string) => {
    const queues = testQueues(gw.env);
    try {
      const id = jobId(JobName.BillingCollect, billingEventId, tag);
      await queues[QueueName.Billing].add(JobName.BillingCollect, { billingEventId }, { jobId: id, attempts: 1 });
      return await waitForJob(queues[QueueName.Billing], id);
    } finally {
      await queues.close();
    }
  };
  /** A session signed in at the clock's time (the gateway checks the sign-in message and the token against it). */
  const signInNow = async (wallet: Wallet) => {
    const nonce = await http('GET', `${gw.api}/api/v3/auth/nonce`);
    const at = clock.now().getTime();
    const message = signInMessage(gw.api, wallet.address, nonce.body.nonce, {
      issuedAt: new Date(at).toISOString(),
      expirationTime: new Date(at + 10 * 60_000).toISOString(),
    });
    const verified = await http('POST', `${gw.api}/api/v3/auth/verify`, { message, signature: await wallet.signMessage(message) });
    expect(verified.status).toBe(200);
    return { authorization: `Bearer ${verified.body.token}` };
  };
  const post = async (user: WalletClient, bill: { id: string }, what: 'signature' | 'retry', body: object) =>
    user.http('POST', `${gw.api}/api/v3/billing/events/${bill.id}/${what}`, body, await signInNow(user.wallet));

  it('fails a usdSend refused for insufficient balance at once; the retry days later signs a fresh one and pays it once', async () => {
    const user = WalletClient.random(gw.api);
    sim.fund(user.address, '10'); // cannot pay 25
    const bill = await liveBill(user);
    const first = bill.metadata.usd_send;
    expect(first.nonce).toBe(clock.now().getTime());
    const firstSig = await sign(user.wallet, first);

    const refused = await post(user, bill, 'signature', firstSig);
    expect(refused.status).toBe(200);
    expect(refused.body.event.status).toBe('FAILED');
    expect(refused.body.event.metadata.failure_reason).toBe('Hyperliquid refused the usdSend: Insufficient balance for usdSend.');
    // One submission: the refused attempt's nonce is never sent again (the server spent it).
    expect(usdSendsOf(user)).toHaveLength(1);
    expect(await transfersTo(user)).toEqual([]);

    // Days later the first nonce is outside the exchange's window; the user funds the account and retries.
    clock.advance(3 * DAY_MS);
    sim.fund(user.address, '100');
    const withOldSig = await post(user, bill, 'retry', firstSig);
    expect(withOldSig.status).toBe(400);
    const retried = await post(user, bill, 'retry', {});
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ retried: true, retry: 1, event: { status: 'PENDING' } });
    const meta = retried.body.event.metadata;
    expect(meta.usd_send.nonce).toBe(clock.now().getTime());
    expect(meta.usd_send.nonce).toBeGreaterThan(first.nonce);
    expect(meta.usd_send.action).toEqual({ ...first.action, time: meta.usd_send.nonce });
    expect(meta.usd_send_attempts).toEqual([
      { nonce: first.nonce, signed: true, failure: 'Hyperliquid refused the usdSend: Insufficient balance for usdSend.' },
    ]);
    expect(meta.user_signature).toBeUndefined();
    expect(meta.last_failure).toBe('Hyperliquid refused the usdSend: Insufficient balance for usdSend.');

    // The old signature does not pay the new attempt: the venue recovers a stranger from it.
    const stale = await post(user, bill, 'signature', firstSig);
    expect(stale.body.event.status).toBe('FAILED');
    expect(stale.body.event.metadata.failure_reason).toMatch(
      /^Hyperliquid refused the usdSend: User or API Wallet 0x[0-9a-f]{40} does not exist/,
    );
    expect(await transfersTo(user)).toEqual([]);

    // Retry once more and sign the fresh usdSend: collected, one transfer.
    clock.advance(60_000);
    const third = await post(user, bill, 'retry', {});
    expect(third.body).toMatchObject({ retried: true, retry: 2, event: { status: 'PENDING' } });
    const fresh = third.body.event.metadata.usd_send;
    expect(fresh.nonce).toBeGreaterThan(meta.usd_send.nonce);
    expect(third.body.event.metadata.usd_send_attempts.map((a: any) => a.nonce)).toEqual([first.nonce, meta.usd_send.nonce]);
    const paid = await post(user, bill, 'signature', await sign(user.wallet, fresh));
    expect(paid.status).toBe(200);
    expect(paid.body.event).toMatchObject({
      status: 'COLLECTED',
      metadata: expect.objectContaining({ reference: `usdSend:${fresh.nonce}` }),
    });
    const transfers = await transfersTo(user);
    expect(transfers).toHaveLength(1);
    expect(transfers[0].delta).toMatchObject({ amount: '25', nonce: fresh.nonce });

    // The old nonce, submitted again by anyone, is refused as too old: nothing moves.
    const replay = await submitToVenue(first.action, first.nonce, firstSig);
    expect(replay).toMatchObject({ status: 'err', response: expect.stringMatching(/too low/) });
    expect(await transfersTo(user)).toHaveLength(1);
  });

  it('counts "duplicate nonce" as paid once when the ledger shows the send of the lost answer', async () => {
    const user = WalletClient.random(gw.api);
    sim.fund(user.address, '100');
    const bill = await liveBill(user);
    const send = bill.metadata.usd_send;
    const sig = await sign(user.wallet, send);
    // The submission went through but its answer never came back: the venue has it, the bill does not know.
    const direct = await submitToVenue(send.action, send.nonce, sig);
    expect(direct).toMatchObject({ status: 'ok' });
    await gw.pg.query(`UPDATE billing_events_v3 SET metadata = metadata || $2 WHERE id = $1`, [bill.id, { user_signature: sig }]);

    // The job runs again: "duplicate nonce", and the ledger shows this nonce's send: COLLECTED, nothing sent twice.
    const job = await runCollect(bill.id, 'rerun');
    expect(job.returnvalue).toEqual({ status: 'COLLECTED' });
    expect((await billOf(bill.id)).metadata).toMatchObject({ reference: `usdSend:${send.nonce}` });
    expect(usdSendsOf(user).map((r) => r.response)).toEqual([{ status: 'ok', response: { type: 'default' } }, expect.anything()]);
    expect(usdSendsOf(user)[1].response).toMatchObject({ status: 'err', response: expect.stringMatching(/duplicate nonce/) });
    expect(await runCollect(bill.id, 'rerun-2')).toMatchObject({ returnvalue: { status: 'COLLECTED' } });
    expect(usdSendsOf(user)).toHaveLength(2);
    expect(await transfersTo(user)).toHaveLength(1);
  });

  it('never counts "duplicate nonce" as paid when the action did not go through', async () => {
    const user = WalletClient.random(gw.api);
    sim.fund(user.address, '10');
    const bill = await liveBill(user);
    const send = bill.metadata.usd_send;
    const sig = await sign(user.wallet, send);
    // An earlier submission was refused (insufficient balance), its answer lost; the refusal spent the nonce.
    const direct = await submitToVenue(send.action, send.nonce, sig);
    expect(direct).toMatchObject({ status: 'err', response: 'Insufficient balance for usdSend.' });
    sim.fund(user.address, '100'); // funded since: still, nothing was paid by that nonce
    await gw.pg.query(`UPDATE billing_events_v3 SET metadata = metadata || $2 WHERE id = $1`, [bill.id, { user_signature: sig }]);

    const job = await runCollect(bill.id, 'rerun');
    expect(job.returnvalue).toMatchObject({ status: 'FAILED' });
    const failed = await billOf(bill.id);
    expect(failed.status).toBe('FAILED');
    expect(failed.metadata.failure_reason).toMatch(
      new RegExp(
        `^Hyperliquid answered "Invalid nonce: duplicate nonce ${send.nonce}" for usdSend ${send.nonce}, and no send .* not collected`,
      ),
    );
    expect(failed.metadata.reference).toBeUndefined();
    expect(await transfersTo(user)).toEqual([]);
  });
});
