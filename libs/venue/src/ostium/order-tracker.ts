import { getAddress } from 'ethers';
import { systemClock } from '@conduit/domain';
import { Fill, OrderResult } from '../adapter';
import { OstiumAdapterOptions } from './adapter-options';
import { OstiumChainReader } from './chain-reader';
import { decodeOutcome, Initiated, initiatedFromLog, lc } from './events';
import { OstiumMarkets } from './market-units';
import { pending, rejected, SubmittedOrders } from './orders';
import { Settled, settledClose, settledOpen } from './settlement';

/**
 * Follows market orders on chain: an order by its transaction (receipt, initiating event, settlement events, fill
 * timeout) and a trader's executed orders as fills.
 */
export class OstiumOrderTracker {
  constructor(
    private readonly reader: OstiumChainReader,
    private readonly markets: OstiumMarkets,
    private readonly submitted: SubmittedOrders,
    private readonly trading: string,
    private readonly options: Pick<OstiumAdapterOptions, 'fillTimeoutMs' | 'clock'>,
  ) {}

  /** The market order transaction `hash` initiated, from its receipt; null if none (or not mined). */
  async initiatedBy(hash: string): Promise<Initiated | null> {
    const receipt = await this.reader.provider.getTransactionReceipt(hash);
    return receipt?.logs.map((l) => initiatedFromLog(l, this.trading)).find((i): i is Initiated => i !== null) ?? null;
  }

  /**
   * The order sent in transaction `hash` under `cloid`: PENDING until the oracle settles it (REJECTED once it has not
   * within fillTimeoutMs), FILLED or REJECTED after; null if the chain never saw the transaction.
   */
  async status(cloid: string, hash: string): Promise<OrderResult | null> {
    const provider = this.reader.provider;
    const receipt = await provider.getTransactionReceipt(hash);
    if (!receipt) {
      const tx = await provider.getTransaction(hash);
      return tx ? pending(cloid, hash) : null;
    }
    if (lc(receipt.to) !== lc(this.trading)) return rejected(cloid, `transaction ${hash} is not an Ostium Trading transaction`, hash);
    if (receipt.status !== 1)
      return rejected(cloid, `Ostium reverted the transaction: ${await this.reader.minedRevertReason(receipt)}`, hash);
    const initiated = receipt.logs.map((l) => initiatedFromLog(l, this.trading)).find((i): i is Initiated => i !== null);
    if (!initiated) return rejected(cloid, `transaction ${hash} initiated no Ostium market order`, hash);

    const outcomes = await this.reader.outcomeLogs([initiated.orderId], initiated.blockNumber, 'latest');
    const settled = await this.settlement(initiated, outcomes.get(initiated.orderId) ?? []);
    if (settled?.status === 'FILLED')
      return {
        clientOrderId: cloid,
        status: 'FILLED',
        filledQty: settled.filledQty,
        avgPrice: settled.avgPrice,
        fee: settled.fee,
        venueOrderId: hash,
        slot: settled.slot,
      };
    if (settled?.status === 'REJECTED') return rejected(cloid, settled.error, hash);

    const timeout = this.options.fillTimeoutMs ?? 60_000;
    const block = await provider.getBlock(receipt.blockNumber);
    // block timestamps are whole seconds: count from the end of that second, never early
    if (block && (this.options.clock ?? systemClock).now().getTime() - (block.timestamp + 1) * 1000 > timeout)
      return rejected(
        cloid,
        `oracle did not fill within ${timeout} ms (Ostium order ${initiated.orderId} is still pending; its trader may time ` +
          `it out on chain)`,
        hash,
      );
    return pending(cloid, hash);
  }

  /** Executed opens and closes of the trader since `sinceMs` (default: the last logLookbackBlocks blocks). */
  async fills(address: string, sinceMs?: number): Promise<Fill[]> {
    const trader = getAddress(address);
    const latest = await this.reader.provider.getBlockNumber();
    const from = await this.reader.blockAtOrBefore(latest, sinceMs);
    const initiated = await this.reader.initiated(trader, from, latest);
    if (!initiated.length) return [];
    const outcomes = await this.reader.outcomeLogs(
      initiated.map((i) => i.orderId),
      from,
      latest,
    );
    const times = new Map<number, number>();
    const fills: Fill[] = [];
    for (const order of initiated) {
      const settled = await this.settlement(order, outcomes.get(order.orderId) ?? []).catch(() => null);
      if (!settled || settled.status !== 'FILLED') continue;
      if (!times.has(settled.blockNumber)) times.set(settled.blockNumber, await this.reader.blockTimeMs(settled.blockNumber));
      const time = times.get(settled.blockNumber)!;
      if (sinceMs != null && time < sinceMs) continue;
      fills.push({
        symbol: settled.market.symbol,
        side: settled.side,
        qty: settled.filledQty,
        price: settled.avgPrice,
        fee: settled.fee,
        closedPnl: settled.closedPnl,
        time,
        clientOrderId: null,
        venueOrderId: order.txHash,
      });
    }
    return fills.sort((a, b) => a.time - b.time);
  }

  /** The order's settlement from its events: FILLED (with the fill in Conduit's terms), REJECTED, or null if pending. */
  private async settlement(
    order: Initiated,
    logs: Parameters<typeof decodeOutcome>[1],
  ): Promise<Settled | { status: 'REJECTED'; error: string } | null> {
    const outcome = decodeOutcome(order, logs);
    if (!outcome) return null;
    if (outcome.kind === 'rejected') return { status: 'REJECTED', error: outcome.error };
    const market = this.markets.pair(order.pairIndex);
    if (outcome.kind === 'opened') return settledOpen(market, outcome);
    const trade = this.submitted.closedBy(order.txHash) ?? (await this.reader.tradeBeforeClose(order));
    // a fill we cannot size is not a verdict: fail the read (the caller asks again) rather than guess
    if (!trade)
      throw new Error(
        `Ostium close ${order.orderId} executed, but the closed trade cannot be read (no historical state, opening event out of range)`,
      );
    return settledClose(market, outcome, trade);
  }
}
