import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Env } from '@conduit/config';
import { rows } from '@conduit/db';
import { Clock, dec } from '@conduit/domain';
import { CLOCK, ENV } from '@conduit/runtime';
import { usdSendPayload, VenueAdapter, VenueRegistry } from '@conduit/venue';

export interface BillToCollect {
  id: string;
  kind: 'PROFIT_SHARE' | 'SUBSCRIPTION';
  deploymentId: string;
  amount: string;
  tradingMode: 'paper' | 'live';
  /** The deployment user's wallet (a live bill's payer, the Hyperliquid master account). */
  userWallet?: string;
  metadata: Record<string, any>;
}

/**
 * What a collection attempt came to: collected (with a reference), refused (retried, FAILED after the window), failed
 * at once (a refusal that a retry of the same attempt cannot change: the bill is FAILED now), or still pending without
 * a retry (waiting for the user, or not collectable here), with what to add to the metadata.
 */
export type Collection =
  | { status: 'COLLECTED'; reference: string }
  | { status: 'REFUSED'; reason: string }
  | { status: 'FAILED'; reason: string }
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
const DAY_MS = 86_400_000;

/** A usdSend as kept in metadata.usd_send (UsdSendPayload) or, for a retired attempt, its nonce in metadata.usd_send_attempts. */
type StoredUsdSend = { action: { destination: string; amount: string; time: number }; nonce: number };

/**
 * Live deployments pay on Hyperliquid with a usdSend the user signs (agent wallets cannot move funds). First
 * attempt: the payload (its `time`, the nonce, from the clock) goes into metadata.usd_send and the bill waits. With
 * metadata.user_signature (posted through the gateway) the signed action is submitted once per attempt:
 * - "ok": COLLECTED;
 * - a definite refusal (insufficient balance, a signature that is not the master's, a nonce out of the window…): the
 *   attempt ends FAILED with the reason and its nonce is never submitted again (Hyperliquid may have spent it); the
 *   user's retry issues a fresh usdSend with a new nonce (gateway);
 * - "duplicate nonce": this attempt's own earlier submission may have gone through with its answer lost. It is
 *   COLLECTED only when the user's ledger shows the send of this nonce (destination, amount); otherwise FAILED, saying
 *   that nothing could be confirmed;
 * - no answer (transport error): thrown, so the job retries the same signed action (that is the lost-answer case).
 * Before a retried bill's new attempt is submitted, the ledger is read for the earlier attempts' nonces: one that went
 * through after all pays the bill, and nothing more is sent.
 */
@Injectable()
export class HyperliquidUsdSendCollector implements Collector {
  readonly name = 'hyperliquid-usd-send';
  constructor(
    private readonly venues: VenueRegistry,
    @Inject(ENV) private readonly env: Env,
    @Inject(CLOCK) private readonly clock: Clock,
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
        time: this.clock.now().getTime(),
        isTestnet: this.env.HYPERLIQUID_NETWORK !== 'mainnet',
      });
    const signature = bill.metadata.user_signature;
    if (!signature)
      return { status: 'PENDING', reason: 'waiting for the user to sign metadata.usd_send.typedData', metadata: { usd_send: payload } };
    const venue = this.venues.get('HYPERLIQUID', 'live');

    const earlier = (Array.isArray(bill.metadata.usd_send_attempts) ? bill.metadata.usd_send_attempts : [])
      .map((a: { nonce?: unknown }) => Number(a?.nonce))
      .filter((n: number) => Number.isSafeInteger(n));
    if (earlier.length) {
      const paid = await this.sentOnLedger(venue, bill, payload, earlier);
      if (paid !== null) return { status: 'COLLECTED', reference: `usdSend:${paid}` };
    }

    const answer = await venue.submitUserSigned!(payload.action, payload.nonce, signature);
    if (answer.ok) return { status: 'COLLECTED', reference: `usdSend:${payload.nonce}` };
    if (!/duplicate nonce/i.test(answer.error)) return { status: 'FAILED', reason: `Hyperliquid refused the usdSend: ${answer.error}` };
    // The nonce is spent: by this attempt's earlier submission (its answer lost), or by one that was refused.
    const paid = await this.sentOnLedger(venue, bill, payload, [payload.nonce]);
    if (paid !== null) return { status: 'COLLECTED', reference: `usdSend:${paid}` };
    return {
      status: 'FAILED',
      reason:
        `Hyperliquid answered "${answer.error}" for usdSend ${payload.nonce}, and no send of ${payload.action.amount} USDC to ` +
        `${payload.action.destination} with that nonce is on ${bill.userWallet ?? 'the user'}'s ledger: not collected ` +
        `(retry the bill to sign a fresh usdSend)`,
    };
  }

  /**
   * The nonce among `nonces` of a send from the user to this usdSend's destination of its amount on the user's ledger
   * (Hyperliquid's userNonFundingLedgerUpdates "send" delta carries the nonce), or null: none, or no ledger to read.
   */
  private async sentOnLedger(venue: VenueAdapter, bill: BillToCollect, payload: StoredUsdSend, nonces: number[]): Promise<number | null> {
    if (!venue.userLedger || !bill.userWallet) return null;
    const user = bill.userWallet.toLowerCase();
    const ledger = await venue.userLedger(user, Math.min(...nonces) - 2 * DAY_MS);
    const hit = ledger.find(
      ({ delta }) =>
        delta.type === 'send' &&
        String(delta.user ?? '').toLowerCase() === user &&
        String(delta.destination ?? '').toLowerCase() === payload.action.destination.toLowerCase() &&
        typeof delta.amount === 'string' &&
        dec(delta.amount).eq(payload.action.amount) &&
        nonces.includes(Number(delta.nonce)),
    );
    return hit ? Number(hit.delta.nonce) : null;
  }
}
