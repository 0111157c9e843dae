import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Env } from '@conduit/config';
import { dec } from '@conduit/domain';
import { ENV } from '@conduit/runtime';

export interface BillToCollect {
  id: string;
  deploymentId: string;
  amount: string;
  tradingMode: 'paper' | 'live';
}

/** What a collection attempt came to: collected (with a reference), refused (retry later), or not collectable here. */
export type Collection = { status: 'COLLECTED'; reference: string } | { status: 'REFUSED'; reason: string } | { status: 'UNSUPPORTED'; reason: string };

/** Takes a bill's amount from the user. Runs inside the caller's transaction, with the deployment row locked. */
export interface Collector {
  readonly name: string;
  collect(em: EntityManager, bill: BillToCollect): Promise<Collection>;
}

/**
 * The paper ledger: a paper deployment's balance is the starting equity plus its realized PnL minus what was
 * already collected from it. A bill larger than the balance is refused (and retried until the window closes).
 */
@Injectable()
export class PaperLedgerCollector implements Collector {
  readonly name = 'paper-ledger';
  constructor(@Inject(ENV) private readonly env: Env) {}

  async collect(em: EntityManager, bill: BillToCollect): Promise<Collection> {
    const [{ realized, collected }] = await em.query(
      `SELECT (SELECT COALESCE(sum(pnl), 0)::text FROM positions_v3 WHERE deployment_id = $1 AND status = 'CLOSED') AS realized,
              (SELECT COALESCE(sum(amount), 0)::text FROM billing_events_v3 WHERE deployment_id = $1 AND status = 'COLLECTED') AS collected`,
      [bill.deploymentId],
    );
    const balance = dec(this.env.PAPER_STARTING_EQUITY_USD).plus(realized).minus(collected);
    if (balance.lt(bill.amount)) return { status: 'REFUSED', reason: `paper balance ${balance.toFixed(2)} USD is below ${dec(bill.amount).toFixed(2)} USD` };
    return { status: 'COLLECTED', reference: `paper-ledger:${bill.id}` };
  }
}

/** Live deployments: collection through the venue (Hyperliquid usdSend) is not built yet; their bills stay PENDING. */
export class LiveCollectorMissing implements Collector {
  readonly name = 'none';
  async collect(): Promise<Collection> {
    return { status: 'UNSUPPORTED', reason: 'live collection (Hyperliquid usdSend) is not available yet; the bill stays PENDING' };
  }
}
