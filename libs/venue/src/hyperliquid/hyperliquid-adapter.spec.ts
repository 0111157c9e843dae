import { Signature, Wallet } from 'ethers';
/* eslint-disable @nx/enforce-module-boundaries -- test support from the testing lib, which depends on this one: the
   imports stay out of the project graph (nx-ignore-next-line) so that it has no cycle. */
// nx-ignore-next-line
import { HyperliquidSim, startHyperliquidServer } from '../../../testing/src/venues/hyperliquid-server';
// nx-ignore-next-line
import { readVectors } from '../../../testing/src/vectors';
/* eslint-enable @nx/enforce-module-boundaries */
import type { TradingAccount } from '../adapter';
import { marketOrderAction, PerpMarket, updateLeverageAction } from './actions';
import { approveAgentPayload, ApproveAgentPayload } from './approval';
import { HyperliquidAdapter } from './hyperliquid-adapter';
import { usdSendPayload } from './transfer';

/**
 * What the adapter puts on the wire, seen by the local Hyperliquid server (which recovers every signer): the action of
 * each /exchange call is the one the builders of ./actions.ts make — which actions.spec.ts holds to the signing vectors —
 * byte for byte in JSON, key order included; its layout is the one CCXT's recorded request bodies show.
 */
const CCXT = readVectors('hyperliquid_api/ccxt_static_requests.json').entries as any[];
const ccxtAction = (description: string) => CCXT.find((e) => e.description === description).output.action;
/** Key paths in order: the layout of a JSON value, values aside. */
const layout = (x: unknown, path = ''): string[] =>
  x !== null && typeof x === 'object' ? Object.entries(x).flatMap(([k, v]) => [`${path}${k}`, ...layout(v, `${path}${k}.`)]) : [];
const json = (x: unknown) => JSON.stringify(x);

/** The user signs a payload with ethers (the types without EIP712Domain, which ethers derives itself). */
async function userSigns(wallet: Wallet, typedData: ApproveAgentPayload['typedData']) {
  const { EIP712Domain: _domain, ...types } = typedData.types;
  const { r, s, v } = Signature.from(await wallet.signTypedData(typedData.domain, types, typedData.message));
  return { r, s, v };
}

describe('HyperliquidAdapter on the local Hyperliquid server: the actions it sends', () => {
  const BUILDER = { address: '0x6530512A6c89C7cfCEbC3BA7fcD9aDa5f30827a6', fee: 10 };
  let sim: HyperliquidSim;
  let adapter: HyperliquidAdapter;
  let master: Wallet;
  let agent: Wallet;
  let account: TradingAccount;
  let eth: PerpMarket;
  const lastAction = () => sim.exchangeRequests.at(-1)!.body.action;
  const lastSigner = () => sim.exchangeRequests.at(-1)!.signer;

  beforeEach(async () => {
    sim = await startHyperliquidServer({ isTestnet: true });
    adapter = new HyperliquidAdapter({ isTestnet: true, apiUrl: sim.url, builder: BUILDER });
    master = new Wallet(Wallet.createRandom().privateKey);
    agent = new Wallet(Wallet.createRandom().privateKey);
    account = { address: master.address, signer: { address: agent.address, use: (fn) => fn(agent.privateKey) } };
    eth = { index: sim.assetIndex('ETH'), szDecimals: 4 };
    sim.fund(master.address, '1000');
    // The user approves the agent: our payload, signed by the master, posted through the adapter.
    const approval = approveAgentPayload({ agentAddress: agent.address, agentName: 'conduit', nonce: Date.now(), isTestnet: true });
    expect(await adapter.submitUserSigned(approval.action, approval.nonce, await userSigns(master, approval.typedData))).toEqual({
      ok: true,
    });
    expect(lastSigner()).toBe(master.address.toLowerCase());
  });
  afterEach(() => sim.close());

  it('placeOrder: the IOC market order with the slippage bound, cloid and builder fee, signed by the agent', async () => {
    const cloid = '0x' + 'AB'.repeat(16);
    const result = await adapter.placeOrder({
      clientOrderId: cloid,
      account,
      symbol: 'ETH',
      side: 'BUY',
      qty: '0.05',
      reduceOnly: false,
      maxSlippageBps: '50',
      referencePrice: '1903.95',
    });
    expect(result.status).toBe('FILLED');
    const expected = marketOrderAction(
      eth,
      { side: 'BUY', qty: '0.05', reference: '1903.95', maxSlippageBps: '50', reduceOnly: false, cloid },
      BUILDER,
    );
    expect(json(lastAction())).toBe(json(expected));
    expect(lastAction().orders[0]).toMatchObject({ p: '1913.4', s: '0.05', c: cloid.toLowerCase() });
    expect(lastSigner()).toBe(agent.address.toLowerCase());
    expect(layout(lastAction())).toEqual(layout(ccxtAction('order with clientOrderId')));
  });

  it('closePosition: the reduce-only IOC order of the other side for the whole position, from the mark', async () => {
    await adapter.placeOrder({
      clientOrderId: '0x' + '01'.repeat(16),
      account,
      symbol: 'ETH',
      side: 'BUY',
      qty: '0.05',
      reduceOnly: false,
      maxSlippageBps: '50',
    });
    const cloid = '0x' + '02'.repeat(16);
    const mark = (await adapter.markPrice('ETH'))!;
    const result = await adapter.closePosition(account, 'ETH', cloid, '50');
    expect(result).toMatchObject({ status: 'FILLED', filledQty: '0.05000000' });
    const expected = marketOrderAction(
      eth,
      { side: 'SELL', qty: '0.05', reference: mark, maxSlippageBps: '50', reduceOnly: true, cloid },
      BUILDER,
    );
    expect(json(lastAction())).toBe(json(expected));
    expect(lastAction().orders[0]).toMatchObject({ b: false, r: true });
    // CCXT's reduce-only order has no cloid; ours always carries one, where CCXT puts it (see the test above).
    expect(layout(lastAction()).filter((key) => key !== 'orders.0.c')).toEqual(layout(ccxtAction('order with reduceOnly')));
    expect(sim.positions(master.address)).toEqual([]);
  });

  it('setLeverage: updateLeverage, cross, capped at the market maximum', async () => {
    await adapter.setLeverage(account, 'ETH', 5);
    expect(json(lastAction())).toBe(json(updateLeverageAction(eth, 5)));
    expect(lastSigner()).toBe(agent.address.toLowerCase());
    await adapter.setLeverage(account, 'ETH', 80);
    expect(json(lastAction())).toBe(json(updateLeverageAction(eth, 50)));
    expect(layout(lastAction())).toEqual(layout(ccxtAction('set leverage')));
    expect(sim.exchangeRequests.map((r) => r.response.status)).toEqual(['ok', 'ok', 'ok']);
  });

  it('submitUserSigned: a usdSend the master signed moves USDC; one an agent signed is refused', async () => {
    const friend = Wallet.createRandom().address;
    const payload = usdSendPayload({ destination: friend, amount: '25.50', time: Date.now(), isTestnet: true });
    expect(await adapter.submitUserSigned(payload.action, payload.nonce, await userSigns(master, payload.typedData))).toEqual({ ok: true });
    expect(sim.exchangeRequests.at(-1)!.body.action).toEqual(payload.action);
    expect((await adapter.accountState(friend)).freeCollateral).toEqualDecimal('25.5');
    expect((await adapter.accountState(master.address)).freeCollateral).toEqualDecimal('974.5');

    const again = usdSendPayload({ destination: friend, amount: '1', time: Date.now() + 1, isTestnet: true });
    const refused = await adapter.submitUserSigned(again.action, again.nonce, await userSigns(agent, again.typedData));
    expect(refused).toEqual({ ok: false, error: expect.stringMatching(/only the master account can/) });
  });
});
