import { Wallet } from 'ethers';
import { clientOrderId, dec, Dec } from '@conduit/domain';
import { QUICK_START, WalletClient } from '@conduit/testing';
import { acceptablePrice, encodeDecreaseOrder, priceToGmx, usdToGmx30 } from '@conduit/venue';
import { Reconciler } from '../apps/executor/src/reconciliation/reconciler';
import { ArbitrumLiveStack } from './arbitrum-live-stack';

const E30 = new Dec(10).pow(30);

/**
 * Live GMX and SPOT through the six services, on local chains that speak their contracts: the user sends the approvals
 * Conduit answers at deploy (GMX: USDC to the Router and the agent as subaccount; SPOT: ERC-20 allowances to the
 * agent); token_registry is synced from a token list; a LONG opens on GMX as a PENDING position, OPEN when the keeper
 * executes it, and closes with the venue's PnL and fees; an order the keeper freezes fails over to SPOT, which buys the
 * token (the position's quantity is what the swap delivered) and sells it back; a SHORT is never routed to SPOT, and
 * one the keeper never executes is cancelled on chain and fails, its collateral refunded.
 */
describe('end to end: live GMX and SPOT through every service', () => {
  const s = new ArbitrumLiveStack();
  let agentId: string;
  let deploymentId: string;
  let trader: Wallet;
  let traderClient: WalletClient;

  beforeAll(async () => {
    await s.start();
    agentId = (await s.user.http('POST', `${s.api}/api/v3/agents/create`, QUICK_START.createAgent)).body.agent.id;
    await s.user.http('POST', `${s.api}/api/v3/agents/${agentId}/activate`);
    await s.pg.query(`INSERT INTO venue_routing_config_v3 (agent_id, venue_priority) VALUES ($1, ARRAY['GMX', 'SPOT'])`, [agentId]);
    await gmxPrice('2000');
  }, 60_000);
  afterAll(() => s.stop());

  /**
   * GMX's oracle price: what its keeper executes at and what its tickers API answers (the adapter's marks). The
   * venue_markets row is left stale on purpose: a GMX order is priced from GMX's feed, not from Conduit's table.
   */
  const gmxPrice = async (price: string) => {
    s.gmx.setPrice('ETH', price);
    await s.pg.query(`UPDATE venue_markets SET current_price = 1500 WHERE venue = 'GMX' AND token_symbol = 'ETH'`);
  };
  const signal = async (side: 'LONG' | 'SHORT', leverage: number) => {
    const body = {
      ...QUICK_START.signal(agentId),
      side,
      size_model: { type: 'percentage', value: 10, leverage },
      risk_model: { type: 'none' },
    };
    const created = (await s.user.http('POST', `${s.api}/api/v3/signals/generate`, body)).body.signal;
    const traded = await s.user.http('POST', `${s.api}/api/v3/execute/trade`, QUICK_START.execute(created.id));
    return { id: created.id as string, routing: traded.body.routing };
  };
  const outcomeOf = (signalId: string) => s.one(`SELECT outcome, reason, venue FROM signal_outcomes WHERE signal_id = $1`, [signalId]);
  const settled = (signalId: string) =>
    s.until(
      'the outcome',
      async () => (await outcomeOf(signalId)).outcome !== 'PENDING' && (await positionOf(signalId))?.status !== 'PENDING',
    );
  const positionOf = (signalId: string) => s.one(`SELECT * FROM positions_v3 WHERE signal_id = $1`, [signalId]);
  const close = async (positionId: string) => {
    expect((await traderClient.http('POST', `${s.api}/api/v3/positions/${positionId}/close`)).status).toBeLessThan(300);
    await s.until(
      'the close',
      async () => (await s.one(`SELECT status FROM positions_v3 WHERE id = $1`, [positionId])).status === 'CLOSED',
    );
    return s.one(`SELECT * FROM positions_v3 WHERE id = $1`, [positionId]);
  };

  it('deploys live on both: the user sends the GMX and SPOT approvals Conduit answers; the token list fills token_registry', async () => {
    ({ wallet: trader, client: traderClient } = s.trader());
    const deployed = await traderClient.http('POST', `${s.api}/api/v3/agents/deploy`, {
      agent_id: agentId,
      user_wallet: trader.address,
      trading_mode: 'live',
    });
    expect(deployed.status).toBe(201);
    deploymentId = deployed.body.deployment.id;
    expect(deployed.body.deployment).toMatchObject({ has_gmx_agent_key: true, has_spot_agent_key: true });
    const { GMX: gmx, SPOT: spot } = deployed.body.agent_wallets;
    expect(gmx).toMatchObject({ account_address: trader.address.toLowerCase(), chain_id: s.gmx.chainId });
    expect(gmx.transactions.map((t: { to: string }) => t.to)).toEqual([s.gmx.network.usdc, s.gmx.network.subaccountRouter]);
    s.gmx.fundEth(gmx.agent_address, '1'); // the agent pays gas and GMX's execution fees
    s.spot.fund(spot.agent_address, 'ETH', '1');
    await s.approve(trader, 'GMX', gmx.transactions);

    const reports = await s.sync();
    expect(reports.filter((r) => r.venue !== 'HYPERLIQUID').map((r) => [r.venue, r.ok])).toEqual([
      ['GMX', true],
      ['SPOT', true],
    ]);
    const registry = (await s.pg.query(`SELECT token_symbol, decimals, preferred_router FROM token_registry WHERE chain = 'arbitrum'`))
      .rows;
    expect(registry.map((t) => [t.token_symbol, t.decimals, t.preferred_router]).sort()).toEqual([
      ['ARB', 18, 'uniswap-v3'],
      ['USDC', 6, 'uniswap-v3'],
      ['WBTC', 8, 'uniswap-v3'],
      ['WETH', 18, 'uniswap-v3'],
    ]);
    // SPOT lists the registry's tokens with a pool against USDC (WETH as ETH), at 1x
    expect(await s.one(`SELECT is_active, max_leverage FROM venue_markets WHERE venue = 'SPOT' AND token_symbol = 'ETH'`)).toEqual({
      is_active: true,
      max_leverage: 1,
    });
    // the SPOT approvals, asked again now that the registry lists ETH: USDC to buy, WETH to sell back
    const again = await traderClient.http('GET', `${s.api}/api/v3/deployments/${deploymentId}/agent-wallets`);
    const approvals = again.body.agent_wallets.SPOT.transactions;
    expect(approvals.map((t: { to: string }) => t.to)).toEqual([s.spot.token('USDC').address, s.spot.token('WETH').address]);
    await s.approve(trader, 'SPOT', approvals);
  });

  it('opens on GMX as PENDING, OPEN once the keeper executes it, and closes with the PnL and fees the chain recorded', async () => {
    const sig = await signal('LONG', 5);
    expect(sig.routing).toMatchObject({ selected_venue: 'GMX' });
    await settled(sig.id);
    const position = await positionOf(sig.id);
    expect(position).toMatchObject({ venue: 'GMX', status: 'OPEN', side: 'LONG' });
    const order = await s.one(`SELECT * FROM venue_orders WHERE client_order_id = $1 AND venue = 'GMX'`, [
      clientOrderId(deploymentId, sig.id, 'open'),
    ]);
    expect(order.status).toBe('FILLED');
    expect(order.venue_order_id).toMatch(/^0x[0-9a-f]{64}$/); // the agent's multicall, stored before it was sent
    const [increase] = s.gmx.events('PositionIncrease');
    expect(position.qty).toEqualDecimal(dec(increase.items.uint.sizeDeltaInTokens.toString()).div(1e18));
    expect(s.gmx.positions(trader.address)).toHaveLength(1);
    expect(s.gmx.usdcBalance(trader.address)).toBe('9000'); // 10 % of 10,000 as collateral, pulled by GMX's Router

    await gmxPrice('2100');
    const closed = await close(position.id);
    expect(s.gmx.positions(trader.address)).toEqual([]);
    // the venue's PnL: the decrease's base PnL less both legs' fees (position fee, borrowing), from the chain's events
    const [decrease] = s.gmx.events('PositionDecrease');
    const fees = s.gmx
      .events('PositionFeesCollected')
      .reduce(
        (sum, e) => sum.plus(dec(e.items.uint.totalCostAmount.toString()).mul(e.items.uint['collateralTokenPrice.min'].toString())),
        dec(0),
      )
      .div(E30);
    expect(fees.gt(0)).toBe(true);
    expect(closed.pnl).toEqualDecimal(dec(decrease.items.int.basePnlUsd.toString()).div(E30).minus(fees));
    await s.until('the bill', async () => Boolean(await s.one(`SELECT id FROM billing_events_v3 WHERE position_id = $1`, [position.id])));
  });

  it("reconciles from the chain: a GMX position the user closed on GMX itself is closed at the venue's PnL", async () => {
    const sig = await signal('LONG', 2);
    await settled(sig.id);
    const position = await positionOf(sig.id);
    expect(position).toMatchObject({ venue: 'GMX', status: 'OPEN' });
    // the user's own decrease through GMX's ExchangeRouter, from their wallet (not through Conduit)
    await gmxPrice('1950');
    const [held] = s.gmx.positions(trader.address);
    const market = s.gmx.markets.find((m) => m.symbol === 'ETH')!;
    const decrease = encodeDecreaseOrder({
      orderVault: s.gmx.network.orderVault,
      receiver: trader.address,
      market: market.marketToken,
      collateralToken: s.gmx.network.usdc,
      sizeDeltaUsd: usdToGmx30(held.sizeInUsd),
      acceptablePrice: acceptablePrice(priceToGmx('1950', 18), 'LONG', 100, false),
      executionFee: 10n ** 15n,
      isLong: true,
    });
    const sent = await trader.connect(s.gmxProvider).sendTransaction({
      to: s.gmx.network.exchangeRouter,
      data: decrease.data,
      value: decrease.value,
      gasLimit: 2_000_000n,
    });
    await sent.wait();
    await s.until('the keeper', async () => s.gmx.positions(trader.address).length === 0);

    // what a restarted executor does first: reconcile each live deployment against the venue
    const report = await s.workers[3].get(Reconciler).run(deploymentId, 'reconcile-after-restart');
    expect(report.closedPositionIds).toEqual([position.id]);
    const closed = await s.one(`SELECT * FROM positions_v3 WHERE id = $1`, [position.id]);
    expect(closed).toMatchObject({ status: 'CLOSED', exit_reason: 'reconciled: closed on the venue' });
    const [, last] = s.gmx.events('PositionDecrease');
    const fees = s.gmx
      .events('PositionFeesCollected')
      .slice(-2)
      .reduce(
        (sum, e) => sum.plus(dec(e.items.uint.totalCostAmount.toString()).mul(e.items.uint['collateralTokenPrice.min'].toString())),
        dec(0),
      )
      .div(E30);
    expect(closed.pnl).toEqualDecimal(dec(last.items.int.basePnlUsd.toString()).div(E30).minus(fees));
    expect(dec(closed.pnl).lt(0)).toBe(true);
    await gmxPrice('2000');
  });

  it('closes a winning GMX SHORT in full: the decrease is the size at entry, not the tokens at the lower price', async () => {
    const sig = await signal('SHORT', 2);
    await settled(sig.id);
    const position = await positionOf(sig.id);
    expect(position).toMatchObject({ venue: 'GMX', status: 'OPEN', side: 'SHORT' });
    await gmxPrice('1800');
    const closed = await close(position.id);
    expect(s.gmx.positions(trader.address)).toEqual([]); // nothing left open on GMX
    const decrease = s.gmx.events('PositionDecrease').at(-1)!;
    const fees = s.gmx
      .events('PositionFeesCollected')
      .slice(-2)
      .reduce(
        (sum, e) => sum.plus(dec(e.items.uint.totalCostAmount.toString()).mul(e.items.uint['collateralTokenPrice.min'].toString())),
        dec(0),
      )
      .div(E30);
    expect(dec(decrease.items.int.basePnlUsd.toString()).gt(0)).toBe(true);
    expect(closed.pnl).toEqualDecimal(dec(decrease.items.int.basePnlUsd.toString()).div(E30).minus(fees));
    await gmxPrice('2000');
  });

  it('fails a frozen GMX order over to SPOT, which buys the token and sells it back', async () => {
    s.gmx.freezeNextOrder('OrderFrozen: insufficient pool liquidity');
    const sig = await signal('LONG', 3);
    expect(sig.routing).toMatchObject({ selected_venue: 'GMX' });
    await settled(sig.id);
    const outcome = await outcomeOf(sig.id);
    expect(outcome).toMatchObject({ outcome: 'OPENED', venue: 'SPOT' });
    expect(outcome.reason).toMatch(/^GMX refused: ORDER_REJECTED: .*frozen.* -> SPOT$/i);
    const cloid = clientOrderId(deploymentId, sig.id, 'open');
    const orders = (await s.pg.query(`SELECT venue, status FROM venue_orders WHERE client_order_id = $1 ORDER BY venue`, [cloid])).rows;
    expect(orders).toEqual([
      { venue: 'GMX', status: 'REJECTED' },
      { venue: 'SPOT', status: 'FILLED' },
    ]);
    const position = await positionOf(sig.id);
    expect(position).toMatchObject({ venue: 'SPOT', status: 'OPEN', side: 'LONG', leverage: 1 });
    // the position's quantity is what the swap delivered to the user, to the 8 places a position holds (the dust below
    // stays in the wallet); qty × entry is the USDC the swap took
    const [swap] = s.spot.events('Swap');
    const [usdcIn, wethOut] = swapAmounts(swap.args, s.spot.token('USDC').address < s.spot.token('WETH').address);
    const received = dec(wethOut.toString()).div(1e18);
    expect(position.qty).toEqualDecimal(received.toDecimalPlaces(8, Dec.ROUND_DOWN));
    expect(dec(s.spot.balanceOf('WETH', trader.address))).toEqualDecimal(received);
    expect(dec(position.qty).mul(position.entry_price).minus(dec(usdcIn.toString()).div(1e6)).abs().lte('0.00000001')).toBe(true);
    // the frozen order was cancelled on GMX (its collateral back): nothing left for the keeper
    await s.until('the cancel', async () => s.gmx.pendingOrders().length === 0);

    const closed = await close(position.id);
    // sold back exactly the position's quantity; the pool's price did not move but its fee did twice: a loss
    const [, sell] = s.spot.events('Swap');
    const [wethIn] = swapAmounts(sell.args, s.spot.token('WETH').address < s.spot.token('USDC').address);
    expect(dec(wethIn.toString()).div(1e18)).toEqualDecimal(position.qty);
    expect(dec(s.spot.balanceOf('WETH', trader.address))).toEqualDecimal(received.minus(position.qty));
    expect(dec(closed.pnl).lt(0)).toBe(true);
  });

  it('never routes a SHORT to SPOT; a GMX order the keeper never executes is cancelled on chain and fails', async () => {
    s.gmx.holdKeeper();
    const before = s.gmx.usdcBalance(trader.address);
    const sig = await signal('SHORT', 2);
    expect(sig.routing).toMatchObject({ selected_venue: 'GMX' });
    const routed = await s.one(`SELECT routing_reason FROM venue_routing_history_v3 WHERE signal_id = $1`, [sig.id]);
    expect(routed.routing_reason).toBe('Gmx: pair ETH/USD available (2 pairs)');
    await s.until('the failure', async () => (await outcomeOf(sig.id)).outcome !== 'PENDING');
    const outcome = await outcomeOf(sig.id);
    expect(outcome.outcome).toBe('FAILED');
    expect(outcome.reason).toMatch(/keeper did not execute/);
    expect(await positionOf(sig.id)).toMatchObject({ status: 'FAILED' });
    expect(s.gmx.pendingOrders()).toEqual([]);
    expect(s.gmx.usdcBalance(trader.address)).toBe(before);
    s.gmx.releaseKeeper();
  });
});

/** A pool Swap's amounts as (in, out) for a swap whose input is token0 when `inIsToken0` (the pool's signs: + in, − out). */
function swapAmounts(args: Record<string, unknown>, inIsToken0: boolean): [bigint, bigint] {
  const [a0, a1] = [BigInt(args.amount0 as bigint), BigInt(args.amount1 as bigint)];
  return inIsToken0 ? [a0, -a1] : [a1, -a0];
}
