import { DataSource } from 'typeorm';
import { Env } from '@conduit/config';
import { clientOrderId, dec, riskLevels, RiskModel, Side, SizeModel, sizePosition, toMoney } from '@conduit/domain';
import { OrderResult } from '@conduit/venue';
import { TradingAccounts, VenueAccount } from './accounts';

export interface OpenResult {
  outcome: string;
  positionId?: string;
  reason?: string;
}

interface Request {
  signalId: string;
  deploymentId: string;
  traceId?: string;
  resolve(result: OpenResult): void;
  reject(err: unknown): void;
}

/** What both open paths read of a signal × deployment: the outcome, the signal, its market, the deployment. */
export interface OpenRow {
  outcome: string;
  position_id: string | null;
  token_symbol: string;
  side: Side;
  size_model: SizeModel;
  risk_model: RiskModel;
  final_venue: string | null;
  sz_decimals: string | null;
  min_position: string | null;
  max_leverage: number | null;
  existing_id: string | null;
  realized: string;
  trading_mode: string | null;
  user_wallet: string | null;
}

/** The batch's row: keyed by signal and deployment, and only whether an order exists (any order sends it single). */
interface Row extends OpenRow {
  signal_id: string;
  deployment_id: string;
  has_order: boolean;
}

interface Item {
  req: Request;
  row: Row;
  venue: string;
  cloid: string;
  account: VenueAccount;
  side: 'BUY' | 'SELL';
  qty: string;
  mark: string;
  leverage: number;
  takeProfit: string | null;
  stopLoss: string | null;
  fill?: OrderResult;
}

/** At most `size` tasks at once; the others wait their turn (first come, first served). */
export class Permits {
  private free: number;
  private readonly waiting: (() => void)[] = [];

  constructor(size: number) {
    this.free = size;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.free > 0) this.free--;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.free++;
    }
  }
}

/** At most this many opens per batch (one statement each step for all of them). */
const MAX_BATCH = 200;
/** Batches in flight at once: one in the database while the next one forms. */
const MAX_FLUSHES = 2;

/**
 * Opens that the executor's worker runs at the same time (a fan-out's executor.open jobs) are done together:
 * one read, one insert of the orders (committed before any is sent, as for a single open), the orders placed, and
 * one transaction for the positions, order results, outcomes and audit rows — instead of a dozen round trips and
 * three commits per open. Each job still completes or fails on its own.
 *
 * Only the plain case is batched: a PENDING outcome of a paper deployment that no earlier attempt touched (no
 * position, no order), with a mark and a size. Everything else — a retry, a live deployment, a refusal, a size
 * that rounds to nothing, a failover — goes through the single open (`single`), which reads again and does the
 * same as it always did; so does a batch of one.
 */
export class OpenBatcher {
  private queued: Request[] = [];
  private flushing = 0;
  private scheduled = false;

  constructor(
    private readonly ds: DataSource,
    private readonly accounts: TradingAccounts,
    private readonly env: Env,
    private readonly single: (signalId: string, deploymentId: string, traceId?: string) => Promise<OpenResult>,
    private readonly finishSignal: (signalId: string) => Promise<void>,
  ) {}

  open(signalId: string, deploymentId: string, traceId?: string): Promise<OpenResult> {
    return new Promise<OpenResult>((resolve, reject) => {
      this.queued.push({ signalId, deploymentId, traceId, resolve, reject });
      this.schedule();
    });
  }

  /** Flushes on the next turn of the event loop: the opens that arrived meanwhile form the batch. */
  private schedule(): void {
    if (this.scheduled || this.flushing >= MAX_FLUSHES || !this.queued.length) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    const batch = this.queued.splice(0, MAX_BATCH);
    if (!batch.length) return;
    this.flushing++;
    try {
      await this.run(batch);
    } finally {
      this.flushing--;
      this.schedule();
    }
  }

  /** Settles every request of the batch exactly once. */
  private async run(batch: Request[]): Promise<void> {
    const singles: Request[] = [];
    const unique = new Map<string, Request>();
    for (const r of batch) {
      const key = `${r.signalId}|${r.deploymentId}`;
      if (unique.has(key)) singles.push(r);
      else unique.set(key, r);
    }
    let bulk = [...unique.values()];
    if (bulk.length === 1) {
      singles.push(...bulk);
      bulk = [];
    }
    if (bulk.length) {
      try {
        singles.push(...(await this.bulk(bulk)));
      } catch (err) {
        // Infrastructure: every job of the batch not settled yet is retried by BullMQ, and the retry finds what
        // this attempt left (an order NEW: asked of the venue by its client id; a position: adopted).
        for (const r of bulk) r.reject(err);
      }
    }
    await Promise.all(singles.map((r) => this.single(r.signalId, r.deploymentId, r.traceId).then(r.resolve, r.reject)));
  }

  /** The batched path; returns the requests it leaves to the single open. Settles the others. */
  private async bulk(requests: Request[]): Promise<Request[]> {
    const clientIds = requests.map((r) => clientOrderId(r.deploymentId, r.signalId, 'open'));
    const rows: Row[] = await this.ds.query(
      `SELECT t.signal_id, t.deployment_id, o.outcome, o.position_id,
              s.token_symbol, s.side, COALESCE(pd.size_model, s.size_model) AS size_model, s.risk_model,
              COALESCE(o.venue, s.final_venue)::text AS final_venue,
              m.metadata->>'szDecimals' AS sz_decimals, m.min_position, m.max_leverage,
              p.id AS existing_id, vo.id IS NOT NULL AS has_order,
              (SELECT COALESCE(sum(c.pnl), 0)::text FROM positions_v3 c WHERE c.deployment_id = t.deployment_id AND c.status = 'CLOSED') AS
                realized,
              d.trading_mode, d.user_wallet
         FROM unnest($1::uuid[], $2::uuid[], $3::text[]) AS t(signal_id, deployment_id, cloid)
         JOIN signal_outcomes o ON o.signal_id = t.signal_id AND o.deployment_id = t.deployment_id
         JOIN signals_v3 s ON s.id = t.signal_id
         LEFT JOIN agent_deployments_v3 d ON d.id = t.deployment_id
         LEFT JOIN policy_decisions pd ON pd.signal_id = t.signal_id AND pd.deployment_id = t.deployment_id
         LEFT JOIN venue_markets m ON m.venue = COALESCE(o.venue, s.final_venue) AND m.token_symbol = s.token_symbol
         LEFT JOIN positions_v3 p ON p.deployment_id = t.deployment_id AND p.signal_id = t.signal_id
         LEFT JOIN venue_orders vo ON vo.venue = COALESCE(o.venue, s.final_venue) AND vo.client_order_id = t.cloid`,
      [requests.map((r) => r.signalId), requests.map((r) => r.deploymentId), clientIds],
    );
    const byKey = new Map(rows.map((row) => [`${row.signal_id}|${row.deployment_id}`, row]));
    const leftOver: Request[] = [];
    const candidates: { req: Request; row: Row; venue: string; account: VenueAccount }[] = [];
    for (const req of requests) {
      const row = byKey.get(`${req.signalId}|${req.deploymentId}`);
      if (row?.outcome && row.outcome !== 'PENDING') {
        req.resolve({ outcome: row.outcome, positionId: row.position_id ?? undefined }); // as the single open answers
        continue;
      }
      const account =
        row?.final_venue && !row.existing_id && !row.has_order && row.trading_mode === 'paper' && row.user_wallet
          ? this.accounts.paper(row.final_venue, row.user_wallet)
          : null;
      if (!row || !account) leftOver.push(req);
      else candidates.push({ req, row, venue: row.final_venue!, account });
    }

    // One mark per venue and token, read when the batch opens (as each single open reads it when it opens).
    const marks = new Map<string, ReturnType<VenueAccount['adapter']['markPrice']>>();
    const items: Item[] = [];
    for (const c of candidates) {
      const key = `${c.venue}|${c.row.token_symbol}`;
      if (!marks.has(key)) marks.set(key, c.account.adapter.markPrice(c.row.token_symbol));
    }
    for (const c of candidates) {
      const px = await marks.get(`${c.venue}|${c.row.token_symbol}`)!;
      try {
        if (!px) throw new Error('no mark');
        const sizeModel = c.row.size_model;
        const size = sizePosition({
          equity: dec(this.env.PAPER_STARTING_EQUITY_USD).plus(c.row.realized).toString(),
          sizeModel,
          price: px,
          sizeDecimals: c.row.sz_decimals != null ? Number(c.row.sz_decimals) : 8,
          minNotional: c.row.min_position,
        });
        const wanted = riskLevels(c.row.side, px, c.row.risk_model);
        items.push({
          ...c,
          cloid: clientOrderId(c.req.deploymentId, c.req.signalId, 'open'),
          side: c.row.side === 'LONG' ? 'BUY' : 'SELL',
          qty: toMoney(size.qty),
          mark: px.toString(),
          leverage: Math.max(1, Math.min(Number(sizeModel.leverage ?? 1), Number(c.row.max_leverage ?? 1) || 1)),
          takeProfit: wanted.takeProfit ? toMoney(wanted.takeProfit) : null,
          stopLoss: wanted.stopLoss ? toMoney(wanted.stopLoss) : null,
        });
      } catch {
        leftOver.push(c.req); // no price, a size that rounds to nothing...: the single open records it (or fails over)
      }
    }
    if (!items.length) return leftOver;

    // The orders, committed before any is sent; one a concurrent attempt stored first is left to the single open.
    const stored: { client_order_id: string }[] = await this.ds.query(
      `INSERT INTO venue_orders (client_order_id, deployment_id, signal_id, venue, token_symbol, side, reduce_only, qty, limit_price,
        status)
       SELECT t.cloid, t.deployment_id, t.signal_id, t.venue::venue_v3_t, t.token_symbol, t.side, FALSE, t.qty, t.limit_price, 'NEW'
         FROM jsonb_to_recordset($1::jsonb) AS t(cloid text, deployment_id uuid, signal_id uuid, venue text, token_symbol text, side text,
           qty numeric, limit_price numeric)
       ON CONFLICT (venue, client_order_id) DO NOTHING RETURNING client_order_id`,
      [
        JSON.stringify(
          items.map((i) => ({
            cloid: i.cloid,
            deployment_id: i.req.deploymentId,
            signal_id: i.req.signalId,
            venue: i.venue,
            token_symbol: i.row.token_symbol,
            side: i.side,
            qty: i.qty,
            limit_price: i.mark,
          })),
        ),
      ],
    );
    const mine = new Set(stored.map((s) => s.client_order_id));
    for (const i of items) if (!mine.has(i.cloid)) leftOver.push(i.req);
    const placed = items.filter((i) => mine.has(i.cloid));

    // Sent as the single open sends them: the venue is asked for the client id first.
    const filled: Item[] = [];
    const answered: Item[] = [];
    await Promise.all(
      placed.map(async (i) => {
        try {
          const ref = { clientOrderId: i.cloid, venueOrderId: null, symbol: i.row.token_symbol };
          i.fill =
            (await i.account.adapter.orderStatus(i.account.account, ref)) ??
            (await i.account.adapter.placeOrder({
              clientOrderId: i.cloid,
              account: i.account.account,
              symbol: i.row.token_symbol,
              side: i.side,
              qty: i.qty,
              reduceOnly: false,
              maxSlippageBps: this.env.ORDER_MAX_SLIPPAGE_BPS,
              referencePrice: i.mark,
              leverage: i.leverage,
              takeProfit: i.takeProfit,
              stopLoss: i.stopLoss,
              onSubmitting: async (venueOrderId: string) => {
                await this.ds.query(
                  `UPDATE venue_orders SET venue_order_id = $3, updated_at = now() WHERE venue = $1 AND client_order_id = $2`,
                  [i.venue, i.cloid, venueOrderId],
                );
              },
            }));
          (i.fill.status === 'FILLED' ? filled : answered).push(i);
        } catch (err) {
          i.req.reject(err); // retried; the retry asks the venue for the client id before placing anything
        }
      }),
    );
    // A refusal (or a fill still pending): stored, then the single open takes it from the stored answer.
    if (answered.length) {
      await this.storeResults(this.ds.manager, answered);
      leftOver.push(...answered.map((i) => i.req));
    }
    if (!filled.length) return leftOver;

    const positions = filled.map((i) => {
      const risk = riskLevels(i.row.side, i.fill!.avgPrice!, i.row.risk_model);
      return {
        deployment_id: i.req.deploymentId,
        signal_id: i.req.signalId,
        venue: i.venue,
        token_symbol: i.row.token_symbol,
        side: i.row.side,
        qty: i.fill!.filledQty,
        entry_price: toMoney(i.fill!.avgPrice!),
        stop_loss: risk.stopLoss ? toMoney(risk.stopLoss) : null,
        take_profit: risk.takeProfit ? toMoney(risk.takeProfit) : null,
        trailing_params: risk.trailingParams ?? null,
        entry_tx_hash: i.fill!.venueOrderId,
      };
    });
    const ids = await this.ds.transaction(async (em) => {
      const inserted: { id: string; deployment_id: string; signal_id: string }[] = await em.query(
        `INSERT INTO positions_v3 (deployment_id, signal_id, venue, token_symbol, side, qty, entry_price, current_price,
                                   stop_loss, take_profit, trailing_params, status, entry_tx_hash)
         SELECT t.deployment_id, t.signal_id, t.venue::venue_v3_t, t.token_symbol, t.side, t.qty, t.entry_price, t.entry_price,
                t.stop_loss, t.take_profit, t.trailing_params, 'OPEN', t.entry_tx_hash
           FROM jsonb_to_recordset($1::jsonb) AS t(deployment_id uuid, signal_id uuid, venue text, token_symbol text, side text, qty
             numeric,
                                                   entry_price numeric, stop_loss numeric, take_profit numeric, trailing_params jsonb,
                                                     entry_tx_hash text)
         ON CONFLICT (deployment_id, signal_id) DO NOTHING RETURNING id, deployment_id, signal_id`,
        [JSON.stringify(positions)],
      );
      const id = new Map(inserted.map((p) => [`${p.signal_id}|${p.deployment_id}`, p.id]));
      const missing = filled.filter((i) => !id.has(`${i.req.signalId}|${i.req.deploymentId}`));
      if (missing.length) {
        // Opened meanwhile by a concurrent attempt: adopted, as the single open does.
        const found: { id: string; deployment_id: string; signal_id: string }[] = await em.query(
          `SELECT p.id, p.deployment_id, p.signal_id FROM positions_v3 p
             JOIN unnest($1::uuid[], $2::uuid[]) AS t(signal_id, deployment_id) ON p.signal_id = t.signal_id AND p.deployment_id =
               t.deployment_id`,
          [missing.map((i) => i.req.signalId), missing.map((i) => i.req.deploymentId)],
        );
        for (const p of found) id.set(`${p.signal_id}|${p.deployment_id}`, p.id);
      }
      const positionOf = (i: Item) => id.get(`${i.req.signalId}|${i.req.deploymentId}`)!;
      await this.storeResults(em, filled, positionOf);
      await em.query(
        `UPDATE signal_outcomes o SET outcome = 'OPENED', stage = 'executor', position_id = t.position_id, updated_at = now()
           FROM unnest($1::uuid[], $2::uuid[], $3::uuid[]) AS t(signal_id, deployment_id, position_id)
          WHERE o.signal_id = t.signal_id AND o.deployment_id = t.deployment_id AND o.outcome = 'PENDING'`,
        [filled.map((i) => i.req.signalId), filled.map((i) => i.req.deploymentId), filled.map(positionOf)],
      );
      const signals = [...new Set(filled.map((i) => i.req.signalId))];
      await em.query(`UPDATE signals_v3 SET executed_at = now() WHERE id = ANY($1::uuid[]) AND executed_at IS NULL`, [signals]);
      const fresh = new Set(inserted.map((p) => p.id));
      const opened = filled.filter((i) => fresh.has(positionOf(i)));
      if (opened.length) {
        // The single open's audit row, one per position this batch inserted.
        await em.query(
          `INSERT INTO audit_logs (event_name, subject_type, subject_id, payload, trace_id)
           SELECT 'v3.position.opened', 'position', t.id, t.payload, t.trace_id FROM jsonb_to_recordset($1::jsonb) AS t(id uuid, payload
             jsonb, trace_id text)`,
          [
            JSON.stringify(
              opened.map((i) => ({
                id: positionOf(i),
                trace_id: i.req.traceId ?? null,
                payload: {
                  deployment_id: i.req.deploymentId,
                  signal_id: i.req.signalId,
                  venue: i.venue,
                  mode: i.account.mode,
                  token: i.row.token_symbol,
                  side: i.row.side,
                  qty: i.fill!.filledQty,
                  entry_price: i.fill!.avgPrice,
                  fee: i.fill!.fee,
                  client_order_id: i.cloid,
                },
              })),
            ),
          ],
        );
      }
      return positionOf;
    });
    // After the commit, as the single open does: the last open of a signal marks it EXECUTED.
    for (const signalId of new Set(filled.map((i) => i.req.signalId))) await this.finishSignal(signalId);
    for (const i of filled) i.req.resolve({ outcome: 'OPENED', positionId: ids(i) });
    return leftOver;
  }

  /** The venue's answers on the orders (and, for fills, the position each belongs to), one statement. */
  private async storeResults(em: { query: DataSource['query'] }, items: Item[], positionOf?: (i: Item) => string) {
    await em.query(
      `UPDATE venue_orders v SET status = t.status, filled_qty = t.filled_qty, avg_fill_price = t.avg_fill_price, fee = t.fee,
              venue_order_id = COALESCE(t.venue_order_id, v.venue_order_id), venue_slot = COALESCE(t.venue_slot, v.venue_slot), error =
                t.error,
              position_id = COALESCE(t.position_id, v.position_id), updated_at = now()
         FROM jsonb_to_recordset($1::jsonb) AS t(venue text, cloid text, status text, filled_qty numeric, avg_fill_price numeric, fee
           numeric,
                                                 venue_order_id text, venue_slot int, error text, position_id uuid)
        WHERE v.venue = t.venue::venue_v3_t AND v.client_order_id = t.cloid`,
      [
        JSON.stringify(
          items.map((i) => ({
            venue: i.venue,
            cloid: i.cloid,
            status: i.fill!.status,
            filled_qty: i.fill!.filledQty,
            avg_fill_price: i.fill!.avgPrice,
            fee: i.fill!.fee,
            venue_order_id: i.fill!.venueOrderId,
            venue_slot: (i.fill as OrderResult & { slot?: number }).slot ?? null,
            error: i.fill!.error ?? null,
            position_id: positionOf ? positionOf(i) : null,
          })),
        ),
      ],
    );
  }
}
