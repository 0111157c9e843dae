import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { OrderStatus } from '@conduit/domain';
import { asJson, exec, first, OrderRow, PREPARED, rows, Sql } from '@conduit/db';
import { OrderResult } from '@conduit/venue';

/** An order about to be sent, stored first under its client order id. */
export interface OrderToStore {
  clientOrderId: string;
  deploymentId: string;
  signalId: string;
  positionId: string | null;
  venue: string;
  symbol: string;
  side: 'BUY' | 'SELL';
  reduceOnly: boolean;
  qty: string;
  referencePrice: string | null;
}

/** What we hold of an order: our record, and whether it has gone a minute without news. */
export type StoredOrder = Pick<
  OrderRow,
  'status' | 'qty' | 'limit_price' | 'filled_qty' | 'avg_fill_price' | 'fee' | 'venue_order_id' | 'venue_slot' | 'error'
> & { client_order_id: string; stale: boolean };

/** A venue's answer about an order, with the slot of the position it made (Ostium's trade index). */
export type VenueAnswer = OrderResult & { slot?: number };

/** An answer to record on the order of (venue, client order id), with the position it belongs to when known. */
export interface OrderOutcome {
  venue: string;
  clientOrderId: string;
  answer: VenueAnswer;
  positionId?: string | null;
}

/** The columns of a StoredOrder, read from venue_orders under `alias`. */
const stored = (v: string) => `${v}.client_order_id, ${v}.status, ${v}.qty::text AS qty, ${v}.limit_price::text AS limit_price,
  ${v}.filled_qty::text AS filled_qty, ${v}.avg_fill_price::text AS avg_fill_price, ${v}.fee::text AS fee, ${v}.venue_order_id,
  ${v}.venue_slot, ${v}.error, ${v}.updated_at < now() - interval '60 seconds' AS stale`;

/** The venue's final answer held in a stored order, or null while it has none (NEW: maybe sent; PENDING: awaiting a fill). */
export function finalAnswer(o: StoredOrder | null | undefined): VenueAnswer | null {
  if (!o || o.status === 'NEW' || o.status === 'PENDING') return null;
  return {
    clientOrderId: o.client_order_id,
    status: o.status,
    filledQty: o.filled_qty!,
    avgPrice: o.avg_fill_price,
    fee: o.fee ?? '0',
    venueOrderId: o.venue_order_id,
    slot: o.venue_slot ?? undefined,
    error: o.error ?? undefined,
  };
}

/**
 * The order ledger (venue_orders), the one place orders are written: every order is stored under its deterministic
 * client order id before the venue hears of it (UNIQUE venue, client_order_id), a venue's own id is stored the moment
 * it is known (before broadcast, for a venue without client ids), and each answer is recorded on it. Open, close,
 * settlement and reconciliation all go through here.
 */
@Injectable()
export class OrderLedger {
  constructor(private readonly ds: DataSource) {}

  /**
   * Stores the orders (committed before any is sent) and answers, for each, what is stored under its id: a fresh
   * row, or the one an earlier attempt left (read in the same statement; one committed meanwhile is read after).
   */
  async store(orders: readonly OrderToStore[]): Promise<Map<string, StoredOrder>> {
    const out = new Map<string, StoredOrder>();
    if (!orders.length) return out;
    const found = await rows<StoredOrder & { venue: string }>(
      this.ds,
      `WITH t AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS t(cloid text, deployment_id uuid, signal_id uuid, position_id uuid,
                                                                  venue text, symbol text, side text, reduce_only boolean, qty numeric,
                                                                  limit_price numeric)),
            ins AS (INSERT INTO venue_orders (client_order_id, deployment_id, signal_id, position_id, venue, token_symbol, side,
              reduce_only,
                                              qty, limit_price, status)
                    SELECT cloid, deployment_id, signal_id, position_id, venue::venue_v3_t, symbol, side, reduce_only, qty, limit_price,
                      'NEW' FROM t
                    ON CONFLICT (venue, client_order_id) DO NOTHING
                    RETURNING venue::text AS venue, client_order_id, status, qty::text AS qty, limit_price::text AS limit_price,
                              NULL::text AS filled_qty, NULL::text AS avg_fill_price, NULL::text AS fee, venue_order_id, venue_slot, error,
                              FALSE AS stale)
       SELECT * FROM ins
       UNION ALL
       SELECT v.venue::text AS venue, ${stored('v')}
         FROM venue_orders v JOIN t ON v.venue = t.venue::venue_v3_t AND v.client_order_id = t.cloid`,
      [
        asJson(
          orders.map((o) => ({
            cloid: o.clientOrderId,
            deployment_id: o.deploymentId,
            signal_id: o.signalId,
            position_id: o.positionId,
            venue: o.venue,
            symbol: o.symbol,
            side: o.side,
            reduce_only: o.reduceOnly,
            qty: o.qty,
            limit_price: o.referencePrice,
          })),
        ),
      ],
      PREPARED,
    );
    for (const f of found) out.set(`${f.venue}|${f.client_order_id}`, f);
    // Neither inserted nor visible to that statement: a concurrent attempt committed it after the statement's snapshot.
    for (const o of orders) {
      if (out.has(`${o.venue}|${o.clientOrderId}`)) continue;
      const late = await this.find(o.venue, o.clientOrderId);
      if (late) out.set(`${o.venue}|${o.clientOrderId}`, late);
    }
    return out;
  }

  /** Our record of an order under its client id (undefined before it was stored). */
  find(venue: string, clientOrderId: string, q: Sql = this.ds): Promise<StoredOrder | undefined> {
    return first<StoredOrder>(
      q,
      `SELECT ${stored('v')} FROM venue_orders v WHERE v.venue = $1 AND v.client_order_id = $2`,
      [venue, clientOrderId],
      PREPARED,
    );
  }

  /** The venue's id of an order, stored the moment it is known (before the venue may act on it). */
  async recordVenueOrderId(venue: string, clientOrderId: string, venueOrderId: string): Promise<void> {
    await exec(
      this.ds,
      `UPDATE venue_orders SET venue_order_id = $3, updated_at = now() WHERE venue = $1 AND client_order_id = $2`,
      [venue, clientOrderId, venueOrderId],
      PREPARED,
    );
  }

  /**
   * Records the venue's answers, one statement for any number of orders (and the position each belongs to, when
   * given). `onlyNew`: only orders still NEW take the answer (reconciliation adopting what the venue has).
   * Returns the client order ids that took it.
   */
  async record(outcomes: readonly OrderOutcome[], q: Sql = this.ds, onlyNew = false): Promise<Set<string>> {
    if (!outcomes.length) return new Set();
    const updated = await rows<{ client_order_id: string }>(
      q,
      `WITH u AS (UPDATE venue_orders v SET status = t.status, filled_qty = t.filled_qty, avg_fill_price = t.avg_fill_price, fee = t.fee,
                    venue_order_id = COALESCE(t.venue_order_id, v.venue_order_id), venue_slot = COALESCE(t.venue_slot, v.venue_slot),
                    error = t.error, position_id = COALESCE(t.position_id, v.position_id), updated_at = now()
         FROM jsonb_to_recordset($1::jsonb) AS t(venue text, cloid text, status text, filled_qty numeric, avg_fill_price numeric, fee
           numeric,
                                                 venue_order_id text, venue_slot int, error text, position_id uuid)
        WHERE v.venue = t.venue::venue_v3_t AND v.client_order_id = t.cloid AND (NOT $2 OR v.status = 'NEW')
        RETURNING v.client_order_id) SELECT client_order_id FROM u`,
      [
        asJson(
          outcomes.map(({ venue, clientOrderId, answer, positionId }) => ({
            venue,
            cloid: clientOrderId,
            status: answer.status satisfies OrderStatus,
            filled_qty: answer.filledQty,
            avg_fill_price: answer.avgPrice,
            fee: answer.fee,
            venue_order_id: answer.venueOrderId,
            venue_slot: answer.slot ?? null,
            error: answer.error ?? null,
            position_id: positionId ?? null,
          })),
        ),
        onlyNew,
      ],
      PREPARED,
    );
    return new Set(updated.map((u) => u.client_order_id));
  }

  /** Ties orders to the positions they opened (an order awaiting its fill, before the answer is recorded). */
  async link(links: readonly { venue: string; clientOrderId: string; positionId: string }[], q: Sql = this.ds): Promise<void> {
    if (!links.length) return;
    await exec(
      q,
      `UPDATE venue_orders v SET position_id = t.position_id FROM jsonb_to_recordset($1::jsonb) AS t(venue text, cloid text, position_id
        uuid)
        WHERE v.venue = t.venue::venue_v3_t AND v.client_order_id = t.cloid`,
      [asJson(links.map((l) => ({ venue: l.venue, cloid: l.clientOrderId, position_id: l.positionId })))],
      PREPARED,
    );
  }

  /** Fees of the filled orders of a position (open and close legs). */
  async fees(positionId: string): Promise<string> {
    const row = await first<{ fees: string }>(
      this.ds,
      `SELECT COALESCE(sum(fee), 0)::text AS fees FROM venue_orders WHERE position_id = $1 AND status = 'FILLED'`,
      [positionId],
      PREPARED,
    );
    return row!.fees;
  }

  /** Orders of a deployment on a venue that were stored but never answered (NEW). */
  unanswered(deploymentId: string, venue: string) {
    return rows<{ id: string; client_order_id: string; venue_order_id: string | null; token_symbol: string }>(
      this.ds,
      `SELECT id, client_order_id, venue_order_id, token_symbol FROM venue_orders WHERE deployment_id = $1 AND venue = $2 AND status =
        'NEW'`,
      [deploymentId, venue],
    );
  }
}
