import { movesInto, POSITION_LIFECYCLE, PositionStatus, Side } from '@conduit/domain';
import { audit, AuditEntry, auditMany } from '../audit';
import { auditActor, auditActorParams } from '../audit-context';
import { closeEventSql, notificationCtes } from '../notifications';
import { PositionRow } from '../rows';
import { asJson, exec, first, PREPARED, rows, Sql } from '../sql';

/**
 * The position's lifecycle (positions_v3.status), and the only code that changes it: created OPEN on a fill, or
 * PENDING while an asynchronous (oracle) fill is awaited → OPEN or FAILED; OPEN → CLOSED by a close, an exit rule
 * or reconciliation. UNIQUE (deployment_id, signal_id) makes each open once; every move is conditional on the
 * status it leaves (POSITION_LIFECYCLE), so racing closes close once.
 */
const from = (to: PositionStatus) => movesInto(POSITION_LIFECYCLE, to);

/** Where a position's protective levels stand: stop loss, take profit and trailing state, as money strings. */
export interface PositionLevels {
  stopLoss: string | null;
  takeProfit: string | null;
  trailingParams: Record<string, unknown> | null;
}

/** What an opened position's audit row says: one payload, whichever path opened it. */
export interface OpenedFacts {
  mode: string;
  fee: string;
  clientOrderId: string;
  venueOrderId: string | null;
  traceId?: string | null;
}

/** The margin a position opened with: its leverage, and the liquidation price they imply (null: none, a long at 1x). */
export interface PositionMargin {
  leverage: number;
  liquidationPrice: string | null;
}

export interface NewPosition extends PositionLevels, PositionMargin {
  deploymentId: string;
  signalId: string;
  venue: string;
  tokenSymbol: string;
  side: Side;
  qty: string;
  entryPrice: string;
  status: 'PENDING' | 'OPEN';
  entryTxHash: string | null;
  facts: OpenedFacts;
}

/** The audit row of a position that opened (v3.position.opened). */
export function openedAudit(
  p: {
    id: string;
    deploymentId: string;
    signalId: string;
    venue: string;
    tokenSymbol: string;
    side: string;
    qty: string;
    entryPrice: string;
  },
  facts: OpenedFacts,
): AuditEntry {
  return {
    event: 'v3.position.opened',
    subjectType: 'position',
    subjectId: p.id,
    traceId: facts.traceId,
    payload: {
      deployment_id: p.deploymentId,
      signal_id: p.signalId,
      venue: p.venue,
      mode: facts.mode,
      token: p.tokenSymbol,
      side: p.side,
      qty: p.qty,
      entry_price: p.entryPrice,
      fee: facts.fee,
      client_order_id: facts.clientOrderId,
      venue_order_id: facts.venueOrderId,
    },
  };
}

/**
 * The position.opened notifications (notificationCtes' source) of the positions of CTE `from` (columns id,
 * deployment_id, venue, token_symbol, side, qty, entry_price) where `where` holds (over `p`): to the deployment's wallet.
 */
const openedNotifications = (from: string, where: string) =>
  `SELECT 'position.opened'::text AS event_type, 'position.opened:' || p.id AS event_key, ARRAY['position.opened'] AS matches,
          d.user_wallet AS wallet, false AS broadcast, p.deployment_id, p.id AS position_id, NULL::uuid AS billing_event_id, d.agent_id,
          jsonb_build_object('position_id', p.id, 'deployment_id', p.deployment_id, 'venue', p.venue, 'token', p.token_symbol,
                             'side', p.side,
                             'qty', p.qty::text, 'entry_price', p.entry_price::text) AS payload
     FROM ${from} p JOIN agent_deployments_v3 d ON d.id = p.deployment_id WHERE ${where}`;

/**
 * The notification of a close (CTE u: the closed row): position.closed with its PnL, or the exit's own event (stop
 * loss, take profit, trailing stop, liquidation; EXIT_EVENTS), for a recipient subscribed to either.
 */
const CLOSED_NOTIFICATIONS = `
  SELECT ${closeEventSql('u.exit_reason')} AS event_type, 'position.closed:' || u.id AS event_key,
         ARRAY['position.closed', ${closeEventSql('u.exit_reason')}] AS matches, d.user_wallet AS wallet, false AS broadcast,
         u.deployment_id, u.id AS position_id, NULL::uuid AS billing_event_id, d.agent_id,
         jsonb_build_object('position_id', u.id, 'deployment_id', u.deployment_id, 'venue', u.venue, 'token', u.token_symbol,
                            'side', u.side,
                            'qty', u.qty::text, 'entry_price', u.entry_price::text, 'exit_price', u.exit_price::text, 'pnl', u.pnl::text,
                            'exit_reason', u.exit_reason) AS payload
    FROM u JOIN agent_deployments_v3 d ON d.id = u.deployment_id`;

const key = (signalId: string, deploymentId: string) => `${signalId}|${deploymentId}`;

/**
 * Creates the positions of a batch of opens in one statement (once each: a position an earlier attempt created is
 * adopted), and audits each one this call opened. Each carries its signal's wallet (signal_wallet_id, seed 003): the
 * wallet whose move a wallet signal came from. Returns the position id of every signal × deployment.
 */
export async function createPositions(
  q: Sql,
  positions: readonly NewPosition[],
): Promise<(signalId: string, deploymentId: string) => string> {
  const ids = new Map<string, string>();
  if (!positions.length) return () => '';
  // One statement: the positions, and the audit row of each one it opened (its payload from openedAudit()).
  const inserted = await rows<{ id: string; deployment_id: string; signal_id: string }>(
    q,
    `WITH t AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS t(deployment_id uuid, signal_id uuid, venue text, token_symbol text,
                                                                 side text, qty numeric, entry_price numeric, stop_loss numeric,
                                                                 take_profit numeric, trailing_params jsonb, status text,
                                                                 entry_tx_hash text, leverage int, liquidation_price numeric,
                                                                 audit jsonb, trace_id text)),
          ins AS (
            INSERT INTO positions_v3 (deployment_id, signal_id, venue, token_symbol, side, qty, entry_price, current_price,
                                      stop_loss, take_profit, trailing_params, status, entry_tx_hash, leverage, liquidation_price,
                                      signal_wallet_id)
            SELECT t.deployment_id, t.signal_id, t.venue::venue_v3_t, t.token_symbol, t.side, t.qty, t.entry_price, t.entry_price,
                   t.stop_loss, t.take_profit, t.trailing_params, t.status, t.entry_tx_hash, t.leverage, t.liquidation_price,
                   (SELECT s.signal_wallet_id FROM signals_v3 s WHERE s.id = t.signal_id)
              FROM t
            ON CONFLICT (deployment_id, signal_id) DO NOTHING
            RETURNING id, deployment_id, signal_id, status, venue, token_symbol, side, qty, entry_price),
          logged AS (
            INSERT INTO audit_logs (action, entity_type, entity_id, payload, trace_id, user_id, wallet, actor, ip_address, user_agent)
            SELECT 'v3.position.opened', 'position', ins.id, t.audit, t.trace_id, $2::uuid, $3::text, $4::text, $5::inet, $6::text
              FROM ins JOIN t ON t.signal_id = ins.signal_id AND t.deployment_id = ins.deployment_id WHERE ins.status = 'OPEN'),
          ${notificationCtes('notified', openedNotifications('ins', "p.status = 'OPEN'"))}
     SELECT id, deployment_id, signal_id FROM ins`,
    [
      asJson(
        positions.map((p) => ({
          deployment_id: p.deploymentId,
          signal_id: p.signalId,
          venue: p.venue,
          token_symbol: p.tokenSymbol,
          side: p.side,
          qty: p.qty,
          entry_price: p.entryPrice,
          stop_loss: p.stopLoss,
          take_profit: p.takeProfit,
          trailing_params: p.trailingParams,
          status: p.status,
          entry_tx_hash: p.entryTxHash,
          leverage: p.leverage,
          liquidation_price: p.liquidationPrice,
          audit: openedAudit({ ...p, id: '' }, p.facts).payload,
          trace_id: p.facts.traceId ?? auditActor().traceId ?? null,
        })),
      ),
      ...auditActorParams(),
    ],
    PREPARED,
  );
  for (const r of inserted) ids.set(key(r.signal_id, r.deployment_id), r.id);
  const missing = positions.filter((p) => !ids.has(key(p.signalId, p.deploymentId)));
  if (missing.length) {
    // Created meanwhile by a concurrent attempt: adopted.
    const found = await rows<{ id: string; deployment_id: string; signal_id: string }>(
      q,
      `SELECT p.id, p.deployment_id, p.signal_id FROM positions_v3 p
         JOIN unnest($1::uuid[], $2::uuid[]) AS t(signal_id, deployment_id) ON p.signal_id = t.signal_id AND p.deployment_id =
           t.deployment_id`,
      [missing.map((p) => p.signalId), missing.map((p) => p.deploymentId)],
      PREPARED,
    );
    for (const r of found) ids.set(key(r.signal_id, r.deployment_id), r.id);
  }
  return (signalId, deploymentId) => ids.get(key(signalId, deploymentId))!;
}

/** PENDING → OPEN at the fill (levels and liquidation price taken again at the fill's price); audited when this call moved it. */
export async function confirmOpen(
  q: Sql,
  p: Pick<PositionRow, 'id' | 'deployment_id' | 'signal_id' | 'venue' | 'token_symbol' | 'side'>,
  fill: PositionLevels & { qty: string; entryPrice: string; liquidationPrice: string | null },
  facts: OpenedFacts,
): Promise<boolean> {
  const moved = await rows<{ id: string }>(
    q,
    `WITH u AS (UPDATE positions_v3 SET status = 'OPEN', qty = $2, entry_price = $3, current_price = $3, stop_loss = $4, take_profit = $5,
                                      trailing_params = $6, liquidation_price = $8, opened_at = now()
                 WHERE id = $1 AND status = ANY($7) RETURNING id, deployment_id, venue, token_symbol, side, qty, entry_price),
          ${notificationCtes('notified', openedNotifications('u', 'TRUE'))}
     SELECT id FROM u`,
    [p.id, fill.qty, fill.entryPrice, fill.stopLoss, fill.takeProfit, fill.trailingParams, from('OPEN'), fill.liquidationPrice],
    PREPARED,
  );
  if (moved.length) {
    const opened = openedAudit(
      {
        id: p.id,
        deploymentId: p.deployment_id,
        signalId: p.signal_id,
        venue: p.venue,
        tokenSymbol: p.token_symbol,
        side: p.side,
        ...fill,
      },
      facts,
    );
    await auditMany(q, [opened]);
  }
  return moved.length > 0;
}

/** PENDING → FAILED with the reason (the venue refused the order, or no fill came); audited when this call moved it. */
export async function failPosition(q: Sql, positionId: string, reason: string, traceId?: string | null): Promise<boolean> {
  const moved = await rows<{ id: string }>(
    q,
    `WITH u AS (UPDATE positions_v3 SET status = 'FAILED', exit_reason = $2, closed_at = now() WHERE id = $1 AND status = ANY($3) RETURNING
      id)
     SELECT id FROM u`,
    [positionId, reason.slice(0, 500), from('FAILED')],
    PREPARED,
  );
  if (moved.length) await audit(q, 'v3.position.failed', 'position', positionId, { reason }, traceId);
  return moved.length > 0;
}

export interface Close {
  exitPrice: string;
  reason: string;
  pnl: string;
  exitTxHash: string | null;
}

/**
 * OPEN → CLOSED at the exit price with the realized PnL (once, whatever the races); audited under `event` with the
 * payload when this call closed it. Returns whether it did.
 */
export async function closePosition(
  q: Sql,
  positionId: string,
  close: Close,
  trail: { event: string; payload: Record<string, unknown>; traceId?: string | null },
): Promise<boolean> {
  const moved = await rows<{ id: string }>(
    q,
    `WITH u AS (UPDATE positions_v3 SET status = 'CLOSED', exit_price = $2, current_price = $2, exit_reason = $3, closed_at = now(),
                                     pnl = $4, exit_tx_hash = COALESCE($5, exit_tx_hash)
                 WHERE id = $1 AND status = ANY($6) RETURNING id, deployment_id, venue, token_symbol, side, qty, entry_price, exit_price,
                                                             pnl,
                                                             exit_reason),
          ${notificationCtes('notified', CLOSED_NOTIFICATIONS)}
     SELECT id FROM u`,
    [positionId, close.exitPrice, close.reason, close.pnl, close.exitTxHash, from('CLOSED')],
    PREPARED,
  );
  if (moved.length) await audit(q, trail.event, 'position', positionId, trail.payload, trail.traceId);
  return moved.length > 0;
}

/** One position as stored. */
export async function findPosition(q: Sql, positionId: string): Promise<PositionRow | undefined> {
  return first<PositionRow>(q, `SELECT * FROM positions_v3 WHERE id = $1`, [positionId], PREPARED);
}

/** The monitor's marks and trailing states of OPEN positions, one statement (not a status change). */
export async function markPositions(q: Sql, marks: readonly { id: string; mark: string; trail: object | null }[]) {
  if (!marks.length) return;
  await exec(
    q,
    `UPDATE positions_v3 p SET current_price = t.mark, trailing_params = COALESCE(t.trail, p.trailing_params)
       FROM jsonb_to_recordset($1::jsonb) AS t(id uuid, trail jsonb, mark numeric)
      WHERE p.id = t.id AND p.status = 'OPEN'`,
    [asJson(marks)],
    PREPARED,
  );
}

/** Open positions follow their market's mark (the paper venue's walk); not a status change. */
export async function followMarketMarks(q: Sql): Promise<void> {
  await exec(
    q,
    `UPDATE positions_v3 p SET current_price = m.current_price FROM venue_markets m
      WHERE p.status = 'OPEN' AND m.venue = p.venue AND m.token_symbol = p.token_symbol AND m.current_price IS NOT NULL`,
  );
}
