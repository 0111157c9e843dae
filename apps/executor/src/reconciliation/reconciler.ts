import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { audit, closePosition, first, PositionRow, rows } from '@conduit/db';
import { clientOrderId, dec, Dec, ExitReason, SPOT_VENUES, toMoney } from '@conduit/domain';
import { Fill, FillLiquidation, VenuePosition, VenueRegistry } from '@conduit/venue';
import { TradingAccounts } from '../accounts/trading-accounts';
import { Closing } from '../closing/closing';
import { OrderLedger } from '../orders/order-ledger';
import { SettleScheduler } from '../settlement/settle-scheduler';

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

type Held = Pick<
  PositionRow,
  'id' | 'deployment_id' | 'signal_id' | 'venue' | 'token_symbol' | 'side' | 'qty' | 'entry_price' | 'opened_at'
>;

/**
 * Compares each live deployment's venue positions and orders with positions_v3 / venue_orders (after
 * NautilusTrader's reconciliation: the venue is authoritative):
 *  - a position we hold OPEN that the venue no longer has is closed here, at the price and PnL of the venue's
 *    closing fills (net of the fees of both legs), and handed to billing; LIQUIDATION when a closing fill is the
 *    venue's liquidation of this account (Fill.liquidation), 'reconciled: closed on the venue' otherwise;
 *  - an order we stored but never heard back about is looked up by its client order id and adopted if the venue
 *    has it (never sent again);
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
    private readonly venues: VenueRegistry,
    private readonly ledger: OrderLedger,
    private readonly closing: Closing,
    private readonly settle: SettleScheduler,
  ) {}

  async run(deploymentId: string | undefined, traceId: string): Promise<ReconcileReport> {
    const report: ReconcileReport = {
      deployments: 0,
      checked: 0,
      unreachable: 0,
      closedPositionIds: [],
      adoptedOrders: 0,
      pendingPositionIds: [],
      untracked: 0,
    };
    const targets = await rows<{ deployment_id: string; venue: string }>(
      this.ds,
      `SELECT DISTINCT d.id AS deployment_id, v.venue
         FROM agent_deployments_v3 d CROSS JOIN unnest($2::text[]) AS v(venue)
        WHERE d.trading_mode = 'live' AND ($1::uuid IS NULL OR d.id = $1)
          AND (EXISTS (SELECT 1 FROM positions_v3 p WHERE p.deployment_id = d.id AND p.venue::text = v.venue AND p.status IN ('OPEN',
            'PENDING'))
               OR EXISTS (SELECT 1 FROM venue_orders o WHERE o.deployment_id = d.id AND o.venue::text = v.venue AND o.status IN ('NEW',
                 'PENDING')))`,
      [deploymentId ?? null, this.venues.live().map((a) => a.venue)],
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
    for (const positionId of report.closedPositionIds) await this.closing.handOff(positionId, traceId);
    for (const positionId of report.pendingPositionIds) await this.settle.schedule(positionId, 'open', 0, undefined, traceId);
    return report;
  }

  private async reconcileOne(deploymentId: string, venue: string, report: ReconcileReport, traceId: string) {
    const { adapter, account, mode } = await this.accounts.resolve(deploymentId, venue);
    if (mode !== 'live') return;

    // 1. Orders stored but never answered: adopt what the venue has under the client order id.
    for (const o of await this.ledger.unanswered(deploymentId, venue)) {
      const ref = { clientOrderId: o.client_order_id, venueOrderId: o.venue_order_id, symbol: o.token_symbol };
      const found = await adapter.orderStatus(account, ref);
      if (!found) continue;
      await this.ds.transaction(async (em) => {
        const took = await this.ledger.record([{ venue, clientOrderId: o.client_order_id, answer: found }], em, true);
        if (!took.size) return;
        const payload = {
          venue,
          deployment_id: deploymentId,
          client_order_id: o.client_order_id,
          status: found.status,
          venue_order_id: found.venueOrderId,
        };
        await audit(em, 'v3.reconcile.order_adopted', 'venue_order', o.id, payload, traceId);
      });
      report.adoptedOrders++;
    }

    // 2. Positions waiting for an asynchronous fill go back to the settle loop.
    const pending = await rows<{ id: string }>(
      this.ds,
      `SELECT id FROM positions_v3 WHERE deployment_id = $1 AND venue = $2 AND status = 'PENDING'`,
      [deploymentId, venue],
    );
    report.pendingPositionIds.push(...pending.map((p) => p.id));

    // 3. Open positions against the venue's (throws if the venue does not answer: nothing is concluded).
    const venuePositions = await adapter.openPositions(account.address);
    const ours = await rows<Held>(
      this.ds,
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
        if (await this.closeFromFills(p, fills, account.address, traceId)) report.closedPositionIds.push(p.id);
      }
    }

    const tracked = new Set(ours.map((p) => `${p.token_symbol}|${p.side}`));
    for (const v of venuePositions) {
      if (tracked.has(`${v.symbol}|${v.side}`)) continue;
      report.untracked++;
      const payload = { venue, symbol: v.symbol, side: v.side, qty: v.qty, entry_price: v.entryPrice };
      await audit(this.ds, 'v3.reconcile.untracked_position', 'deployment', deploymentId, payload, traceId);
    }
  }

  /** Client and venue order ids among `fills` that venue_orders holds for orders other than this position's close. */
  private async othersOrders(p: Held, fills: Fill[]): Promise<Set<string>> {
    const cloids = fills.map((f) => f.clientOrderId).filter((id): id is string => !!id);
    const venueIds = fills.map((f) => f.venueOrderId).filter((id): id is string => !!id);
    if (!cloids.length && !venueIds.length) return new Set();
    const known = await rows<{ client_order_id: string; venue_order_id: string | null }>(
      this.ds,
      `SELECT client_order_id, venue_order_id FROM venue_orders
        WHERE venue = $1 AND (client_order_id = ANY($2) OR venue_order_id = ANY($3)) AND client_order_id <> $4`,
      [p.venue, cloids, venueIds, clientOrderId(p.deployment_id, p.signal_id, 'close')],
    );
    return new Set(known.flatMap((o) => [`c:${o.client_order_id}`, ...(o.venue_order_id ? [`v:${o.venue_order_id}`] : [])]));
  }

  /**
   * Closes a position the venue no longer holds, at the venue's closing fills; false if they are not visible yet. A
   * closing fill the venue's liquidation engine made for this account (not one where our order met someone else's
   * liquidation) ends it LIQUIDATION, at the same volume-weighted price and PnL.
   */
  private async closeFromFills(p: Held, fills: Fill[], address: string, traceId: string): Promise<boolean> {
    const closingSide = p.side === 'LONG' ? 'SELL' : 'BUY';
    const openedAt = new Date(p.opened_at).getTime();
    const candidates = fills.filter((f) => f.symbol === p.token_symbol && f.side === closingSide && f.time >= openedAt - 60_000);
    // A fill of an order Conduit sent for another position (the close of one that ended within the minute's slack) is
    // that position's, never this one's.
    const theirs = await this.othersOrders(p, candidates);
    const closing = candidates.filter((f) => !theirs.has(`c:${f.clientOrderId}`) && !theirs.has(`v:${f.venueOrderId}`));
    let qty = new Dec(0);
    let notional = new Dec(0);
    let closedPnl = new Dec(0);
    let fees = new Dec(0);
    let liquidation: FillLiquidation | null = null;
    for (const f of closing) {
      if (qty.gte(p.qty)) break;
      const liquidatedUser = f.liquidation?.liquidatedUser;
      if (f.liquidation && (!liquidatedUser || liquidatedUser === address.toLowerCase())) liquidation = f.liquidation;
      const take = Dec.min(dec(f.qty), dec(p.qty).minus(qty));
      const share = take.div(f.qty);
      qty = qty.plus(take);
      notional = notional.plus(take.mul(f.price));
      closedPnl = closedPnl.plus(dec(f.closedPnl).mul(share));
      fees = fees.plus(dec(f.fee).mul(share));
    }
    if (qty.isZero()) return false; // closed on the venue, but its fills are not visible yet: next run
    const exitPrice = toMoney(notional.div(qty));
    const reason: string = liquidation ? ('LIQUIDATION' satisfies ExitReason) : 'reconciled: closed on the venue';
    const open = await first<{ fee: string }>(
      this.ds,
      `SELECT COALESCE(sum(fee), 0)::text AS fee FROM venue_orders WHERE venue = $1 AND client_order_id = $2 AND status = 'FILLED'`,
      [p.venue, clientOrderId(p.deployment_id, p.signal_id, 'open')],
    );
    // A spot venue reports no PnL of its own (a swap is a sale): the position's, from its entry to the sale's price.
    const venuePnl = SPOT_VENUES.includes(p.venue) ? dec(exitPrice).minus(p.entry_price).mul(qty) : closedPnl;
    const pnl = toMoney(venuePnl.minus(fees).minus(open!.fee));
    const payload = {
      venue: p.venue,
      exit_price: exitPrice,
      closed_qty: toMoney(qty),
      venue_closed_pnl: toMoney(venuePnl),
      fees: toMoney(fees.plus(open!.fee)),
      pnl,
      reason,
      ...(liquidation ? { liquidation: { mark_price: liquidation.markPrice, method: liquidation.method } } : {}),
    };
    return this.ds.transaction((em) =>
      closePosition(em, p.id, { exitPrice, reason, pnl, exitTxHash: null }, { event: 'v3.reconcile.position_closed', payload, traceId }),
    );
  }
}
