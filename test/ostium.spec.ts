import { Wallet } from 'ethers';
import { dec } from '@conduit/domain';
import {
  currentTradeProfit,
  currentTradeProfitP,
  encodeDelegatedAction,
  encodeOpenTrade,
  fromPercent6,
  fromPrice18,
  fromUsdc6,
  OSTIUM_PAIRS,
  toPrice18,
  tradeProfit,
  tradeValue,
  TradingAccount,
} from '@conduit/venue';
import { useOstiumChain } from './ostium-harness';

/**
 * The Ostium adapter against the local JSON-RPC chain (libs/testing ostium-chain): real signed transactions through
 * ethers, every call decoded with the real ABI, the oracle keeper driven by the test.
 */
describe('Ostium adapter on a local chain', () => {
  const o = useOstiumChain();
  const { adapter, keyHandle, onboard, agentTxs, marks } = o;

  it('answers the JSON-RPC an ethers wallet needs and checks the ABI', async () => {
    expect(Number((await o.provider.getNetwork()).chainId)).toBe(421614);
    expect(await o.provider.send('net_version', [])).toBe('421614');
    const block = await o.provider.getBlock('latest');
    expect(block!.baseFeePerGas).toBe(10_000_000n);
    const batch = await Promise.all([
      o.provider.send('eth_blockNumber', []),
      o.provider.send('eth_gasPrice', []),
      o.provider.send('eth_chainId', []),
    ]);
    expect(batch[2]).toBe('0x66eee');
    // an unknown selector reverts
    await expect(o.provider.call({ to: o.chain.addresses.trading, data: '0xdeadbeef' })).rejects.toMatchObject({ code: 'CALL_EXCEPTION' });
    expect(o.chain.calls.at(-1)).toMatchObject({ contract: 'Trading', fn: 'unknown(0xdeadbeef)' });
    // malformed calldata (a uint16 with dirty high bits) reverts
    const good = adapter().approvalTransactions(o.agent.address, o.agent.address, '1')[0].data;
    await expect(o.provider.call({ to: o.chain.addresses.usdc, data: good + '00' })).rejects.toMatchObject({ code: 'CALL_EXCEPTION' });
    expect(await adapter().health()).toMatchObject({ ok: true });
  });

  it('opens a LONG with TP and SL, fills it, reads it back and closes it with its PnL', async () => {
    const trader = await onboard(o.agent);
    const account: TradingAccount = { address: trader.address, signer: keyHandle(o.agent) };
    const a = adapter();
    marks.set('BTC', dec('42500'));
    const submitted: { hash: string; knownToChain: boolean }[] = [];

    const placed = await a.placeOrder({
      clientOrderId: '0xaa01',
      account,
      symbol: 'BTC',
      side: 'BUY',
      qty: '0.01',
      reduceOnly: false,
      maxSlippageBps: '50',
      referencePrice: '42500',
      leverage: 10,
      takeProfit: '45000',
      stopLoss: '41000',
      onSubmitting: async (hash) => void submitted.push({ hash, knownToChain: o.chain.hasTransaction(hash) }),
    });
    expect(placed).toMatchObject({ status: 'PENDING', clientOrderId: '0xaa01' });
    expect(submitted).toEqual([{ hash: placed.venueOrderId, knownToChain: false }]);
    expect(o.chain.hasTransaction(placed.venueOrderId!)).toBe(true);
    // the agent sent delegatedAction; openTrade ran as the trader, with the SDK encodings
    expect(o.chain.calls.find((c) => c.via === 'tx' && c.txHash === placed.venueOrderId && c.fn === 'delegatedAction')).toMatchObject({
      from: o.agent.address,
      args: { trader: trader.address },
    });
    expect(o.chain.calls.find((c) => c.via === 'tx' && c.txHash === placed.venueOrderId && c.fn === 'openTrade')).toMatchObject({
      from: trader.address,
      delegatedBy: o.agent.address,
      args: {
        t: {
          collateral: 42_500_000n,
          openPrice: toPrice18('42500'),
          tp: toPrice18('45000'),
          sl: toPrice18('41000'),
          trader: trader.address,
          leverage: 1000n,
          pairIndex: 0n,
          index: 0n,
          buy: true,
        },
        bf: { builder: '0x0000000000000000000000000000000000000000', builderFee: 0n },
        orderType: 0n,
        slippageP: 50n,
      },
    });
    expect(o.chain.usdcBalance(trader.address)).toBe('957.5');
    expect(o.chain.usdcBalance(o.chain.addresses.storage)).toBe('42.5');

    const ref = { clientOrderId: '0xaa01', venueOrderId: placed.venueOrderId, symbol: 'BTC' };
    expect(await a.orderStatus(account, ref)).toMatchObject({ status: 'PENDING' });

    o.chain.setPrice(0, '42520');
    expect(o.chain.fulfillPending()).toBe(1);
    // collateral 42.5 less the 5 bp opening fee on 425 (0.2125) = 42.2875; size 422.875 / 42520
    expect(await a.orderStatus(account, ref)).toEqual({
      clientOrderId: '0xaa01',
      status: 'FILLED',
      filledQty: '0.00994500',
      avgPrice: '42520.00000000',
      fee: '0.21250000',
      venueOrderId: placed.venueOrderId,
      slot: 0,
    });
    expect(o.chain.trades(trader.address)).toMatchObject([
      { pairIndex: 0, index: 0, buy: true, collateral: '42.2875', openPrice: '42520', tp: '45000', sl: '41000', leverage: '10' },
    ]);

    marks.set('BTC', dec('43000'));
    const callsBefore = o.chain.calls.length;
    const positions = await a.openPositions(trader.address);
    expect(positions).toEqual([
      {
        symbol: 'BTC',
        side: 'LONG',
        qty: '0.00994500',
        entryPrice: '42520.00000000',
        unrealizedPnl: expect.any(String),
        leverage: 10,
        slot: 0,
      },
    ]);
    // the venue's gross profit at the mark, from the trade as the chain stored it
    const [stored] = o.chain.trades(trader.address);
    const trade = { collateral: stored.collateral, openPrice: stored.openPrice, long: stored.buy, leverage: stored.leverage };
    expect(positions[0].unrealizedPnl).toEqualDecimal(currentTradeProfit({ ...trade, currentPrice: '43000' }));
    const reads = o.chain.calls.slice(callsBefore).filter((c) => c.via === 'call');
    expect(reads.find((c) => c.fn === 'openTrades' && c.args._index === 0n)).toMatchObject({
      contract: 'TradingStorage',
      args: { _trader: trader.address, _pairIndex: 0n },
    });
    expect(reads.filter((c) => c.fn === 'maxTradesPerPair').length).toBeLessThanOrEqual(1);
    expect(await a.accountState(trader.address)).toEqual({ equity: '999.78750000', freeCollateral: '957.50000000' });

    o.chain.setPrice(0, '43000');
    const close = await a.closePosition(account, 'BTC', '0xaa02', '50', 0);
    expect(close).toMatchObject({ status: 'PENDING' });
    expect(o.chain.calls.find((c) => c.txHash === close.venueOrderId && c.fn === 'closeTradeMarket')).toMatchObject({
      from: trader.address,
      args: { pairIndex: 0n, index: 0n, closePercentage: 10000n, marketPrice: toPrice18('43000'), slippageP: 50n },
    });
    expect(await a.orderStatus(account, { clientOrderId: '0xaa02', venueOrderId: close.venueOrderId, symbol: 'BTC' })).toMatchObject({
      status: 'PENDING',
    });
    o.chain.fulfillPending();
    // a fresh adapter (no memory of the close) sizes the fill from the trade as it was before the close
    expect(
      await adapter().orderStatus(account, { clientOrderId: '0xaa02', venueOrderId: close.venueOrderId, symbol: 'BTC' }),
    ).toMatchObject({
      status: 'FILLED',
      filledQty: '0.00994500',
      avgPrice: '43000.00000000',
      slot: 0,
    });
    // what the chain recorded for the close: its price, percent profit, fees and the USDC sent back
    const closed = o.chain.events('MarketCloseExecutedV2').find((e) => e.args.tradeId === BigInt(stored.tradeId))!.args;
    const charged = o.chain.events('FeesCharged').find((e) => e.args.tradeId === BigInt(stored.tradeId))!.args;
    const fees = { rolloverFee: fromUsdc6(charged.rolloverFees as bigint), fundingFee: fromUsdc6(charged.fundingFees as bigint) };
    expect(fees.rolloverFee.gt(0) && fees.fundingFee.gt(0)).toBe(true); // both accrued over the blocks the trade was open
    const profitP = currentTradeProfitP({ ...trade, currentPrice: fromPrice18(closed.price as bigint) });
    expect(fromPercent6(closed.percentProfit as bigint)).toEqualDecimal(profitP);
    const { value } = tradeValue({ ...trade, ...fees, profitP, maxLeverage: OSTIUM_PAIRS[0].maxLeverage, liqMarginThresholdP: '25' });
    expect(fromUsdc6(closed.usdcSentToTrader as bigint)).toEqualDecimal(value);
    expect(o.chain.usdcBalance(trader.address)).toEqualDecimal(dec('957.5').plus(value));
    expect(await a.openPositions(trader.address)).toEqual([]);

    const fills = await a.fills(trader.address);
    expect(fills.map((f) => [f.side, f.qty, f.price, f.venueOrderId])).toEqual([
      ['BUY', '0.00994500', '42520.00000000', placed.venueOrderId],
      ['SELL', '0.00994500', '43000.00000000', close.venueOrderId],
    ]);
    expect(fills[1].closedPnl).toEqualDecimal(tradeProfit(trade.collateral, profitP));
    expect(fills[1].fee).toEqualDecimal(fees.rolloverFee.plus(fees.fundingFee));
  });

  it('rejects a take-profit on the wrong side with the revert reason, sending nothing', async () => {
    const trader = await onboard(o.agent);
    const sent = agentTxs(o.agent.address).length;
    const r = await adapter().placeOrder({
      clientOrderId: '0xbb01',
      account: { address: trader.address, signer: keyHandle(o.agent) },
      symbol: 'BTC',
      side: 'BUY',
      qty: '0.01',
      reduceOnly: false,
      maxSlippageBps: '50',
      referencePrice: '42500',
      leverage: 10,
      takeProfit: '42000',
    });
    expect(r).toMatchObject({ status: 'REJECTED', venueOrderId: null });
    expect(r.error).toMatch(/take-profit is on the wrong side.*WrongTP\(\)/);
    expect(agentTxs(o.agent.address).length).toBe(sent);
  });

  it('rejects before sending when the allowance is missing', async () => {
    const trader = await onboard(o.agent, { approve: null });
    const before = o.chain.calls.length;
    const handle = keyHandle(o.agent);
    const r = await adapter().placeOrder({
      clientOrderId: '0xcc01',
      account: { address: trader.address, signer: handle },
      symbol: 'BTC',
      side: 'SELL',
      qty: '0.01',
      reduceOnly: false,
      maxSlippageBps: '50',
      referencePrice: '42500',
      leverage: 10,
    });
    expect(r).toMatchObject({ status: 'REJECTED' });
    expect(r.error).toMatch(/allowance .* is 0\.000000, the order needs 42\.500000/);
    expect(handle.uses).toBe(0);
    expect(o.chain.calls.slice(before).filter((c) => c.via !== 'call')).toEqual([]);
  });

  it('a wallet that is not the delegate is reverted (in simulation and on chain)', async () => {
    const trader = await onboard(o.agent);
    const stranger = Wallet.createRandom();
    o.chain.fund(stranger.address, '1');
    const a = adapter();
    const r = await a.placeOrder({
      clientOrderId: '0xdd01',
      account: { address: trader.address, signer: keyHandle(stranger) },
      symbol: 'BTC',
      side: 'BUY',
      qty: '0.01',
      reduceOnly: false,
      maxSlippageBps: '50',
      referencePrice: '42500',
      leverage: 10,
    });
    expect(r.status).toBe('REJECTED');
    expect(r.error).toMatch(/not the trader's delegate.*NotDelegate/);

    // sent anyway (fixed gas, no simulation): mined with status 0; orderStatus replays it for the reason
    const inner = encodeOpenTrade({
      collateral: '42.5',
      openPrice: '42500',
      trader: trader.address,
      leverage: 10,
      pairIndex: 0,
      buy: true,
      slippageBps: '50',
    });
    const data = encodeDelegatedAction(trader.address, inner);
    const tx = await stranger.connect(o.provider).sendTransaction({ to: o.chain.addresses.trading, data, gasLimit: 500_000 });
    const receipt = await o.provider.getTransactionReceipt(tx.hash);
    expect(receipt!.status).toBe(0);
    const status = await a.orderStatus({ address: trader.address }, { clientOrderId: '0xdd02', venueOrderId: tx.hash, symbol: 'BTC' });
    expect(status).toMatchObject({ status: 'REJECTED', venueOrderId: tx.hash });
    expect(status!.error).toMatch(/Ostium reverted the transaction: .*NotDelegate\(/);
  });
});
