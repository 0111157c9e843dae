import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Env } from '@conduit/config';
import { rows } from '@conduit/db';
import { dec } from '@conduit/domain';
import { ENV } from '@conduit/runtime';
import { usdSendPayload, VenueRegistry } from '@conduit/venue';

export interface BillToCollect {
  id: string;
  kind: 'PROFIT_SHARE' | 'SUBSCRIPTION';
  deploymentId: string;
  amount: string;
  tradingMode: 'paper' | 'live';
  metadata: Record<string, any>;
}

/**
 * What a collection attempt came to: collected (with a reference), refused (retried, FAILED after the window), or
 * still pending without a retry (waiting for the user, or not collectable here), with what to add to the metadata.
 */
export type Collection =
  | { status: 'COLLECTED'; reference: string }
  | { status: 'REFUSED'; reason: string }
  | { status: 'PENDING'; reason: string; metadata?: Record<string, unknown> };

/** Takes a bill's amount from the user. Runs inside the caller's transaction, with the deployment row locked. */
export interface Collector {
  readonly name: string;
  collect(em: EntityManager, bill: BillToCollect): Promise<Collection>;
}

/**
 * The paper ledger: a paper deployment's balance is the starting equity plus its realized PnL minus what was
 * already collected from it (archived positions count: positions_history). A bill larger than the balance is refused
 * (and retried until the window closes).
 */
@Injectable()
export class PaperLedgerCollector implements Collector {
  readonly name = 'paper-ledger';
  constructor(@Inject(ENV) private readonly env: Env) {}

  async collect(em: EntityManager, bill: BillToCollect): Promise<Collection> {
    const [{ realized, collected }] = await rows<{ realized: string; collected: string }>(
      em,
      `SELECT (SELECT COALESCE(sum(pnl), 0)::text FROM positions_history WHERE deployment_id = $1 AND status = 'CLOSED') AS realized,
              (SELECT COALESCE(sum(amount), 0)::text FROM billing_events_v3 WHERE deployment_id = $1 AND status = 'COLLECTED') AS
                collected`,
      [bill.deploymentId],
    );
    const balance = dec(this.env.PAPER_STARTING_EQUITY_USD).plus(realized).minus(collected);
    if (balance.lt(bill.amount))
      return { status: 'REFUSED', reason: `paper balance ${balance.toFixed(2)} USD is below ${dec(bill.amount).toFixed(2)} USD` };
    return { status: 'COLLECTED', reference: `paper-ledger:${bill.id}` };
  }
}

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

/**
 * Live deployments pay on Hyperliquid with a usdSend the user signs (agent wallets cannot move funds). First
 * attempt: the payload goes into metadata.usd_send and the bill waits. With metadata.user_signature (posted through
 * the gateway) the signed action is submitted; the venue's refusal is retried and, after the window, FAILED. A
 * retry after an accepted submit whose answer was lost meets "duplicate nonce": that nonce was this action's, so
 * the bill is collected.
 */
@Injectable()
export class HyperliquidUsdSendCollector implements Collector {
  readonly name = 'hyperliquid-usd-send';
  constructor(
    private readonly venues: VenueRegistry,
    @Inject(ENV) private readonly env: Env,
  ) {}

  async collect(_em: EntityManager, bill: BillToCollect): Promise<Collection> {
    if (!this.venues.has('HYPERLIQUID', 'live'))
      return { status: 'PENDING', reason: 'live Hyperliquid is not configured: the bill stays PENDING' };
    const destination = bill.kind === 'PROFIT_SHARE' ? bill.metadata.receiver : this.env.BILLING_TREASURY_ADDRESS;
    if (typeof destination !== 'string' || !ADDRESS.test(destination)) {
      return {
        status: 'PENDING',
        reason:
          `no address to pay (${bill.kind === 'PROFIT_SHARE' ? 'profit receiver' : 'BILLING_TREASURY_ADDRESS'}): the ` +
          `bill stays PENDING`,
      };
    }
    const payload =
      bill.metadata.usd_send ??
      usdSendPayload({
        destination,
        amount: dec(bill.amount).toFixed(),
        time: Date.now(),
        isTestnet: this.env.HYPERLIQUID_NETWORK !== 'mainnet',
      });
    const signature = bill.metadata.user_signature;
    if (!signature)
      return { status: 'PENDING', reason: 'waiting for the user to sign metadata.usd_send.typedData', metadata: { usd_send: payload } };
    const answer = await this.venues.get('HYPERLIQUID', 'live').submitUserSigned!(payload.action, payload.nonce, signature);
    if (answer.ok || /duplicate nonce/i.test(answer.error)) return { status: 'COLLECTED', reference: `usdSend:${payload.nonce}` };
    return { status: 'REFUSED', reason: `Hyperliquid refused the usdSend: ${answer.error}` };
  }
}
