import { getAddress } from 'ethers';
import { systemClock } from '@conduit/domain';
import { Fill, OrderResult } from '../adapter';
import { pending, rejected } from '../ostium/orders';
import { accountTopic, GmxChainReader } from './chain-reader';
import { decodeGmxLog, GmxEvent } from './events';
import { GmxAdapterOptions } from './gmx-options';
import { GmxNetwork } from './onboarding';
import { GmxMarket, GmxOutcome, outcomeOf } from './settlement';

/** The order an order transaction created (its OrderCreated event), with the market it trades. */
export interface CreatedOrder {
  key: string;
  account: string;
  market: GmxMarket;
  event: GmxEvent;
}

/**
 * Follows GMX orders by their events: the transaction's receipt carries OrderCreated (the order key); the keeper's
 * OrderExecuted / OrderCancelled / OrderFrozen (topic1 = key) settle it, and the execution's PositionIncrease /
 * PositionDecrease (topic1 = account) and PositionFeesCollected (topic1 = market), matched by orderKey, size it.
 */
export class GmxOrderTracker {
  constructor(
    private readonly reader: GmxChainReader,
    private readonly net: GmxNetwork,
    private readonly options: Pick<GmxAdapterOptions, 'keeperTimeoutMs' | 'clock'>,
  ) {}

  /** The order transaction `hash` created; null if it is not mined or created none. */
  async createdBy(hash: string): Promise<CreatedOrder | null> {
    const receipt = await this.reader.provider.getTransactionReceipt(hash);
    if (!receipt || receipt.status !== 1) return null;
    return this.createdIn(receipt.logs);
  }

  private async createdIn(logs: readonly Parameters<typeof decodeGmxLog>[0][]): Promise<CreatedOrder | null> {
    const event = logs
      .filter((l) => getAddress(l.address) === this.net.eventEmitter)
      .map((l) => decodeGmxLog(l))
      .find((e) => e?.name === 'OrderCreated');
    if (!event) return null;
    const markets = await this.reader.markets();
    const market = markets.find((m) => m.marketToken === getAddress(event.items.address.market));
    if (!market) throw new Error(`GMX order ${event.items.bytes32.key} is on an unknown market ${event.items.address.market}`);
    return { key: event.items.bytes32.key, account: getAddress(event.items.address.account), market, event };
  }

  /**
   * The order sent in transaction `hash`: PENDING until the keeper settles it, FILLED or REJECTED after; null if the
   * chain never saw the transaction. Not executed within keeperTimeoutMs, it is REJECTED ("keeper did not execute")
   * while GMX still holds it — as the Ostium adapter does, so that the executor calls releaseOrder, which cancels it on
   * chain (collateral refunded); asked again after that, it is REJECTED for good.
   */
  async status(cloid: string, hash: string): Promise<OrderResult | null> {
    const provider = this.reader.provider;
    const receipt = await provider.getTransactionReceipt(hash);
    if (!receipt) return (await provider.getTransaction(hash)) ? pending(cloid, hash) : null;
    if (!receipt.to || getAddress(receipt.to) !== this.net.subaccountRouter)
      return rejected(cloid, `transaction ${hash} is not a GMX SubaccountRouter transaction`, hash);
    if (receipt.status !== 1) return rejected(cloid, `GMX reverted the order transaction ${hash}`, hash);
    const created = await this.createdIn(receipt.logs);
    if (!created) return rejected(cloid, `transaction ${hash} created no GMX order`, hash);
    const outcome = await this.outcome(created);
    if (outcome?.status === 'FILLED')
      return {
        clientOrderId: cloid,
        status: 'FILLED',
        filledQty: outcome.qty,
        avgPrice: outcome.price,
        fee: outcome.fee,
        venueOrderId: hash,
      };
    if (outcome?.status === 'REJECTED') return rejected(cloid, this.refusal(outcome), hash);
    if (await this.overdue(receipt.blockNumber))
      return rejected(
        cloid,
        `keeper did not execute the order within ${this.timeoutSec()} s (GMX order ${created.key} is still pending; ` +
          'releaseOrder cancels it on chain)',
        hash,
      );
    return pending(cloid, hash);
  }

  /** Whether the order created in block `blockNumber` has waited longer than keeperTimeoutMs (from the end of its second). */
  private async overdue(blockNumber: number): Promise<boolean> {
    const block = await this.reader.provider.getBlock(blockNumber);
    const timeout = this.options.keeperTimeoutMs ?? 60_000;
    return !!block && (this.options.clock ?? systemClock).now().getTime() - (block.timestamp + 1) * 1000 > timeout;
  }

  private timeoutSec(): number {
    return (this.options.keeperTimeoutMs ?? 60_000) / 1000;
  }

  private refusal(outcome: Extract<GmxOutcome, { status: 'REJECTED' }>): string {
    if (!outcome.userCancel) return outcome.error;
    const what = `keeper did not execute the order within ${this.timeoutSec()} s`;
    return `${what}; it was cancelled on chain and its collateral refunded (${outcome.error})`;
  }

  /** The order's outcome from its events, or null while the keeper has not taken it. */
  async outcome(created: CreatedOrder): Promise<GmxOutcome> {
    const from = { fromBlock: created.event.blockNumber };
    const verdicts = await this.reader.events(['OrderExecuted', 'OrderCancelled', 'OrderFrozen'], from, created.key);
    const executed = verdicts.find((e) => e.name === 'OrderExecuted');
    if (!executed) return outcomeOf(created.key, verdicts, created.market);
    const at = { fromBlock: executed.blockNumber, toBlock: executed.blockNumber };
    const [positions, fees] = await Promise.all([
      this.reader.events(['PositionIncrease', 'PositionDecrease'], at, accountTopic(created.account)),
      this.reader.events(['PositionFeesCollected'], at, accountTopic(created.market.marketToken)),
    ]);
    return outcomeOf(created.key, [...verdicts, ...positions, ...fees], created.market);
  }

  /** The account's executed orders (increases and decreases) since `sinceMs`, as fills. */
  async fills(address: string, sinceMs?: number): Promise<Fill[]> {
    const account = getAddress(address);
    const from = { fromBlock: await this.reader.lookbackStart() };
    const created = await this.reader.events(['OrderCreated'], from, null, accountTopic(account));
    const fills: Fill[] = [];
    const markets = await this.reader.markets();
    for (const event of created) {
      const market = markets.find((m) => m.marketToken === getAddress(event.items.address.market));
      if (!market) continue;
      const outcome = await this.outcome({ key: event.items.bytes32.key, account, market, event });
      if (outcome?.status !== 'FILLED') continue;
      const time = await this.reader.blockTimeMs(outcome.blockNumber);
      if (sinceMs != null && time < sinceMs) continue;
      fills.push({
        symbol: market.symbol,
        side: outcome.side,
        qty: outcome.qty,
        price: outcome.price,
        fee: outcome.fee,
        closedPnl: outcome.closedPnl,
        time,
        clientOrderId: null,
        venueOrderId: event.transactionHash,
      });
    }
    return fills.sort((a, b) => a.time - b.time);
  }
}
