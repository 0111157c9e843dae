import { AbiCoder, keccak256, Result } from 'ethers';
import { gmxExchangeRouterInterface } from './abi';
import { GMX_EVENT_EMITTER_ABI, gmxErc20Interface, gmxSubaccountRouterInterface, SUBACCOUNT_ORDER_ACTION } from './contracts-abi';
import { decodeGmxLog, encodeGmxEventData } from './events';
import { GMX_NETWORKS, gmxApprovalTransactions, gmxNetwork } from './onboarding';
import { encodeSubaccountCancelOrder, encodeSubaccountDecreaseOrder, encodeSubaccountIncreaseOrder } from './subaccount';
import { gmxEventEmitterInterface } from './contracts-abi';

const ACCOUNT = '0x2222222222222222222222222222222222222222';
const AGENT = '0x6666666666666666666666666666666666666666';
const MARKET = '0x3333333333333333333333333333333333333333';
const net = gmxNetwork('arbitrum');

function inner(data: string): Array<[string, Result]> {
  const [calls] = gmxSubaccountRouterInterface.decodeFunctionData('multicall', data);
  return (calls as string[]).map((c) => {
    const parsed = gmxSubaccountRouterInterface.parseTransaction({ data: c })!;
    return [parsed.name, parsed.args];
  });
}

describe('GMX SubaccountRouter surface', () => {
  it('has the selectors of the deployed Arbitrum SubaccountRouter', () => {
    // computed from the ABI of gmx-io/gmx-synthetics deployments/arbitrum/SubaccountRouter.json @ 95bd0c97
    const selectors = Object.fromEntries(
      [
        'createOrder',
        'multicall',
        'sendWnt',
        'cancelOrder',
        'addSubaccount',
        'setMaxAllowedSubaccountActionCount',
        'setSubaccountExpiresAt',
      ].map((n) => [n, gmxSubaccountRouterInterface.getFunction(n)!.selector]),
    );
    expect(selectors).toEqual({
      createOrder: '0x69b605c5',
      multicall: '0xac9650d8',
      sendWnt: '0x7d39aaf1',
      cancelOrder: '0x7489ec23',
      addSubaccount: '0x3914f217',
      setMaxAllowedSubaccountActionCount: '0x3e46b365',
      setSubaccountExpiresAt: '0x78a61fa2',
    });
    // the subaccount createOrder carries the same CreateOrderParams as ExchangeRouter's, the account first
    const sub = gmxSubaccountRouterInterface.getFunction('createOrder')!.inputs;
    expect(sub.map((p) => p.type)).toEqual(['address', gmxExchangeRouterInterface.getFunction('createOrder')!.inputs[0].type]);
  });

  it('hashes SUBACCOUNT_ORDER_ACTION as Keys.sol does', () => {
    expect(SUBACCOUNT_ORDER_ACTION).toBe(keccak256(AbiCoder.defaultAbiCoder().encode(['string'], ['SUBACCOUNT_ORDER_ACTION'])));
  });

  it('builds an increase without sendTokens (the router pulls the collateral) and refuses another receiver', () => {
    const o = {
      orderVault: net.orderVault,
      receiver: ACCOUNT,
      market: MARKET,
      collateralToken: net.usdc,
      sizeDeltaUsd: 10n ** 33n,
      acceptablePrice: 2n * 10n ** 15n,
      executionFee: 7n,
      isLong: true,
      collateralAmount: 200_000_000n,
    };
    const call = encodeSubaccountIncreaseOrder(ACCOUNT, o);
    expect(call.value).toBe(7n);
    const calls = inner(call.data);
    expect(calls.map(([n]) => n)).toEqual(['sendWnt', 'createOrder']);
    expect(calls[0][1].toArray()).toEqual([net.orderVault, 7n]);
    expect(calls[1][1][0]).toBe(ACCOUNT);
    expect(calls[1][1][1].numbers.initialCollateralDeltaAmount).toBe(200_000_000n);
    expect(calls[1][1][1].orderType).toBe(2n);
    expect(() => encodeSubaccountIncreaseOrder(AGENT, o)).toThrow(/receiver/);
    const dec = inner(encodeSubaccountDecreaseOrder(ACCOUNT, { ...o, isLong: false }).data);
    expect(dec[1][1][1].orderType).toBe(4n);
    expect(encodeSubaccountCancelOrder(`0x${'12'.repeat(32)}`).data.slice(0, 10)).toBe('0x7489ec23');
  });

  it('lists the approval transactions: USDC approve to Router, then the subaccount settings in one multicall', () => {
    const [approve, register] = gmxApprovalTransactions(GMX_NETWORKS.arbitrum, ACCOUNT, AGENT, '250.5', {
      maxActions: 42n,
      expiresAt: 1_900_000_000n,
    });
    expect(approve.to).toBe(GMX_NETWORKS.arbitrum.usdc);
    expect(gmxErc20Interface.decodeFunctionData('approve', approve.data).toArray()).toEqual([GMX_NETWORKS.arbitrum.router, 250_500_000n]);
    expect(register.to).toBe(GMX_NETWORKS.arbitrum.subaccountRouter);
    expect(inner(register.data).map(([n, a]) => [n, ...a.toArray()])).toEqual([
      ['addSubaccount', AGENT],
      ['setMaxAllowedSubaccountActionCount', AGENT, SUBACCOUNT_ORDER_ACTION, 42n],
      ['setSubaccountExpiresAt', AGENT, SUBACCOUNT_ORDER_ACTION, 1_900_000_000n],
    ]);
    expect(approve.from).toBe(ACCOUNT);
  });

  it('round-trips EventLogData items through EventLog2', () => {
    expect(GMX_EVENT_EMITTER_ABI).toHaveLength(2);
    const fragment = gmxEventEmitterInterface.getEvent('EventLog2')!;
    const key = `0x${'ab'.repeat(32)}`;
    const items = { address: { account: ACCOUNT }, uint: { n: 5n }, int: { pnl: -3n }, string: { reason: 'r' }, bytes: { b: '0x01' } };
    const log = gmxEventEmitterInterface.encodeEventLog(fragment, [
      AGENT,
      'OrderCancelled',
      'OrderCancelled',
      key,
      key,
      encodeGmxEventData(items),
    ]);
    const e = decodeGmxLog({ ...log, address: net.eventEmitter, blockNumber: 1, transactionHash: key })!;
    expect([e.name, e.topic1, e.items.address.account, e.items.uint.n, e.items.int.pnl, e.items.string.reason, e.items.bytes.b]).toEqual([
      'OrderCancelled',
      key,
      ACCOUNT,
      5n,
      -3n,
      'r',
      '0x01',
    ]);
  });
});
