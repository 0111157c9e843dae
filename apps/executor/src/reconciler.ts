import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { audit } from '@conduit/db';
import { clientOrderId, dec, Dec, toMoney } from '@conduit/domain';
import { Fill, VenuePosition } from '@conduit/venue';
import { TradingAccounts } from './accounts';

export interface ReconcileReport {
  deployments: number;
  checked: number;
  /** Venue did not answer: nothing concluded for these (a missing report is not flat). */
  unreachable: number;
  closedPositionIds: string[];
  adoptedOrders: number;
  pendingPositionIds: string[];
  untracked: number;
}

interface OpenRow {
  id: string;
  deployment_id: string;
  signal_id: string;
  venue: string;
  token_symbol: string;
  side: string;
  qty: string;
  entry_price: string;
  opened_at: Date;
}

/**
 * Compares each live deployment's venue positions and orders with positions_v3 / venue_orders. The venue
 * is authoritative:
 *  - a position we hold OPEN that the venue no longer has is closed here, at the price and PnL of the
 *    venue's closing fills (net of the fees of both legs);
 *  - an order we stored but never heard back about is looked up by its client order id and adopted if the
 *    venue has it (never sent again);
 *  - positions still waiting for an asynchronous fill are handed back to the settle loop;
 *  - a venue position we have no record of is reported, not invented into a position.
 * A venue that does not answer is skipped: no conclusion is drawn from silence. Every adjustment is audited.
 */
@Injectable()
export class Reconciler {
  private readonly logger = new Logger(Reconciler.name);

  constructor(
    private readonly ds: DataSource,
    private readonly accounts: TradingAccounts,
  ) {}

  async run(deploymentId?: string, traceId?: string): Promise<ReconcileReport> {
    const report: ReconcileReport = {
      deployments: 0,
      checked: 0,
      unreachable: 0,
      closedPositionIds: [],
      adoptedOrders: 0,
      pendingPositionIds: [],
      untracked: 0,
    };
    const targets: { deployment_id: string; venue: string }[] = await this.ds.query(
      `SELECT DISTINCT d.id AS deployment_id, v.venue
         FROM agent_deployments_v3 d
         CROSS JOIN LATERAL (VALUES ('HYPERLIQUID'), ('OSTIUM')) AS v(venue)
        WHERE d.trading_mode = 'live' AND ($1::uuid IS NULL OR d.id = $1)
          AND (EXISTS (SELECT 1 FROM positions_v3 p WHERE p.deployment_id = d.id AND p.venue::text = v.venue AND p.status IN ('OPEN',
            'PENDING'))
               OR EXISTS (SELECT 1 FROM venue_orders o WHERE o.deployment_id = d.id AND o.venue::text = v.venue AND o.status IN ('NEW',
                 'PENDING')))`,
      [deploymentId ?? null],
    );
    report.deployments = new Set(targets.map((t) => t.deployment_id)).size;
    for (const t of targets) {
      try {
        await this.reconcileOne(t.deployment_id, t.venue, report, traceId);
        report.checked++;
      } catch (err) {
        report.unreachable++;
        this.logger.warn(`reconcile ${t.venue} for deployment ${t.deployment_id} skipped: ${err instanceof Error ? err.message : err}`);
      }
    }
    return report;
  }

  private async reconcileOne(deploymentId: string, venue: string, report: ReconcileReport, traceId?: string) {
    const { adapter, account, mode } = await this.accounts.resolve(deploymentId, venue);
    if (mode !== 'live') return;

    // 1. Orders stored but never answered: adopt what the venue has under the client order id.
    const unanswered: { id: string; client_order_id: string; venue_order_id: string | null; token_symbol: string }[] = await this.ds.query(
      `SELECT id, client_order_id, venue_order_id, token_symbol FROM venue_orders WHERE deployment_id = $1 AND venue = $2 AND status =
        'NEW'`,
      [deploymentId, venue],
    );
    for (const o of unanswered) {
      const found = await adapter.orderStatus(account, {
        clientOrderId: o.client_order_id,
        venueOrderId: o.venue_order_id,
        symbol: o.token_symbol,
      });
      if (!found) continue;
      await this.ds.transaction(async (em) => {
        await em.query(
          `UPDATE venue_orders SET status = $3, filled_qty = $4, avg_fill_price = $5, fee = $6, venue_order_id = COALESCE($7,
            venue_order_id),
                                   error = $8, updated_at = now() WHERE venue = $1 AND client_order_id = $2 AND status = 'NEW'`,
          [venue, o.client_order_id, found.status, found.filledQty, found.avgPrice, found.fee, found.venueOrderId, found.error ?? null],
        );
        await audit(
          em,
          'v3.reconcile.order_adopted',
          'venue_order',
          o.id,
          {
            venue,
            deployment_id: deploymentId,
            client_order_id: o.client_order_id,
            status: found.status,
            venue_order_id: found.venueOrderId,
          },
          traceId,
        );
      });
      report.adoptedOrders++;
    }

    // 2. Positions waiting for an asynchronous fill go back to the settle loop.
    const pending: { id: string }[] = await this.ds.query(
      `SELECT id FROM positions_v3 WHERE deployment_id = $1 AND venue = $2 AND status = 'PENDING'`,
      [deploymentId, venue],
    );
    report.pendingPositionIds.push(...pending.map((p) => p.id));

    // 3. Open positions against the venue's (throws if the venue does not answer: nothing is concluded).
    const venuePositions = await adapter.openPositions(account.address);
    const ours: OpenRow[] = await this.ds.query(
      `SELECT id, deployment_id, signal_id, venue, token_symbol, side, qty, entry_price, opened_at
         FROM positions_v3 WHERE deployment_id = $1 AND venue = $2 AND status = 'OPEN' ORDER BY opened_at`,
      [deploymentId, venue],
    );
    const bySymbol = new Map<string, VenuePosition[]>();
    for (const p of venuePositions) bySymbol.set(p.symbol, [...(bySymbol.get(p.symbol) ?? []), p]);

    const gone = ours.filter((p) => !(bySymbol.get(p.token_symbol) ?? []).some((v) => v.side === p.side));
    if (gone.length) {
      const since = Math.min(...gone.map((p) => new Date(p.opened_at).getTime())) - 60_000;
      const fills = await adapter.fills(account.address, since);
      for (const p of gone) {
        if (await this.closeFromFills(p, fills, traceId)) report.closedPositionIds.push(p.id);
      }
    }

    const tracked = new Set(ours.map((p) => `${p.token_symbol}|${p.side}`));
    for (const v of venuePositions) {
      if (tracked.has(`${v.symbol}|${v.side}`)) continue;
      report.untracked++;
      await audit(
        this.ds.manager,
        'v3.reconcile.untracked_position',
        'deployment',
        deploymentId,
        { venue, symbol: v.symbol, side: v.side, qty: v.qty, entry_price: v.entryPrice },
        traceId,
      );
    }
  }

  /** Closes a position the venue no longer holds, at the venue's closing fills; false if they are not visible yet. */
  private async closeFromFills(p: OpenRow, fills: Fill[], traceId?: string): Promise<boolean> {
    const closingSide = p.side === 'LONG' ? 'SELL' : 'BUY';
    const openedAt = new Date(p.opened_at).getTime();
    const closing = fills.filter((f) => f.symbol === p.token_symbol && f.side === closingSide && f.time >= openedAt - 60_000);
    let qty = new Dec(0);
    let notional = new Dec(0);
    let closedPnl = new Dec(0);
    let fees = new Dec(0);
    for (const f of closing) {
      if (qty.gte(p.qty)) break;
      const take = Dec.min(dec(f.qty), dec(p.qty).minus(qty));
      const share = take.div(f.qty);
      qty = qty.plus(take);
      notional = notional.plus(take.mul(f.price));
      closedPnl = closedPnl.plus(dec(f.closedPnl).mul(share));
      fees = fees.plus(dec(f.fee).mul(share));
    }
    if (qty.isZero()) return false; // closed on the venue, but its fills are not visible yet: next run
    const exitPrice = notional.div(qty);
    const [{ open_fee }] = await this.ds.query(
      `SELECT COALESCE(sum(fee), 0)::text AS open_fee FROM venue_orders WHERE venue = $1 AND client_order_id = $2 AND status = 'FILLED'`,
      [p.venue, clientOrderId(p.deployment_id, p.signal_id, 'open')],
    );
    const pnl = closedPnl.minus(fees).minus(open_fee);
    let closed = false;
    await this.ds.transaction(async (em) => {
      const rows = await em.query(
        `WITH u AS (UPDATE positions_v3 SET status = 'CLOSED', exit_price = $2, current_price = $2, exit_reason =
          'reconciled: closed on the venue',
                                         closed_at = now(), pnl = $3
                     WHERE id = $1 AND status = 'OPEN' RETURNING id) SELECT id FROM u`,
        [p.id, toMoney(exitPrice), toMoney(pnl)],
      );
      closed = rows.length > 0;
      if (closed) {
        await audit(
          em,
          'v3.reconcile.position_closed',
          'position',
          p.id,
          {
            venue: p.venue,
            exit_price: toMoney(exitPrice),
            closed_qty: toMoney(qty),
            venue_closed_pnl: toMoney(closedPnl),
            fees: toMoney(fees.plus(open_fee)),
            pnl: toMoney(pnl),
          },
          traceId,
        );
      }
    });
    return closed;
  }
}
