import { clientOrderId, OutcomeStatus, PositionStatus, RiskModel, Side, SizeModel } from '@conduit/domain';
import { PREPARED, rows, Sql } from '@conduit/db';
import { StoredOrder } from '../orders/order-ledger';

/** An open the executor was asked for: one signal × deployment. */
export interface OpenKey {
  signalId: string;
  deploymentId: string;
}

export const keyOf = (k: OpenKey) => `${k.signalId}|${k.deploymentId}`;

/**
 * Everything an open reads of one signal × deployment, in one statement for a whole batch: its outcome, the signal
 * with the deployment's final size (Agent How's decision), the venue it is assigned to, that venue's market rules,
 * a position or an order an earlier attempt may have left, and the deployment (mode, wallet, realized PnL for a
 * paper equity). Positions are read from positions_history: an archived one is still the signal's, and its PnL counts.
 */
export interface OpenContext extends OpenKey {
  outcome: OutcomeStatus;
  position_id: string | null;
  token_symbol: string;
  side: Side;
  size_model: SizeModel;
  risk_model: RiskModel;
  /** The venue this deployment trades the signal on (Agent Where's assignment, or the signal's venue). */
  venue: string | null;
  sz_decimals: string | null;
  min_position: string | null;
  max_leverage: number | null;
  existing_id: string | null;
  existing_status: PositionStatus | null;
  /** Why that position failed, if it did. */
  existing_reason: string | null;
  stored_order: StoredOrder | null;
  realized: string;
  /** The deployment's own paper starting equity (an llm_trader's book); null: PAPER_STARTING_EQUITY_USD. */
  paper_equity: string | null;
  trading_mode: 'paper' | 'live' | null;
  user_wallet: string | null;
}

/** The contexts of a batch of opens, keyed by keyOf(); a key without a row has no outcome (no policy decision). */
export async function readOpenContexts(q: Sql, keys: readonly OpenKey[]): Promise<Map<string, OpenContext>> {
  const found = await rows<OpenContext & { signal_id: string; deployment_id: string }>(
    q,
    `SELECT t.signal_id, t.deployment_id, o.outcome, o.position_id,
            s.token_symbol, s.side, COALESCE(pd.size_model, s.size_model) AS size_model, s.risk_model,
            COALESCE(o.venue, s.final_venue)::text AS venue,
            m.metadata->>'szDecimals' AS sz_decimals, m.min_position::text AS min_position, m.max_leverage,
            p.id AS existing_id, p.status AS existing_status, p.exit_reason AS existing_reason,
            CASE WHEN vo.id IS NOT NULL THEN json_build_object(
              'client_order_id', vo.client_order_id, 'status', vo.status, 'qty', vo.qty::text, 'limit_price', vo.limit_price::text,
              'filled_qty', vo.filled_qty::text, 'avg_fill_price', vo.avg_fill_price::text, 'fee', vo.fee::text,
              'venue_order_id', vo.venue_order_id, 'venue_slot', vo.venue_slot, 'error', vo.error,
              'stale', vo.updated_at < now() - interval '60 seconds') END AS stored_order,
            (SELECT COALESCE(sum(c.pnl), 0)::text FROM positions_history c
              WHERE c.deployment_id = t.deployment_id AND c.status = 'CLOSED') AS realized,
            d.paper_equity_usd::text AS paper_equity, d.trading_mode, d.user_wallet
       FROM unnest($1::uuid[], $2::uuid[], $3::text[]) AS t(signal_id, deployment_id, cloid)
       JOIN signal_outcomes o ON o.signal_id = t.signal_id AND o.deployment_id = t.deployment_id
       JOIN signals_v3 s ON s.id = t.signal_id
       LEFT JOIN agent_deployments_v3 d ON d.id = t.deployment_id
       LEFT JOIN policy_decisions pd ON pd.signal_id = t.signal_id AND pd.deployment_id = t.deployment_id
       LEFT JOIN venue_markets m ON m.venue = COALESCE(o.venue, s.final_venue) AND m.token_symbol = s.token_symbol
       LEFT JOIN positions_history p ON p.deployment_id = t.deployment_id AND p.signal_id = t.signal_id
       LEFT JOIN venue_orders vo ON vo.venue = COALESCE(o.venue, s.final_venue) AND vo.client_order_id = t.cloid`,
    [keys.map((k) => k.signalId), keys.map((k) => k.deploymentId), keys.map((k) => clientOrderId(k.deploymentId, k.signalId, 'open'))],
    PREPARED,
  );
  return new Map(
    found.map((r) => [
      keyOf({ signalId: r.signal_id, deploymentId: r.deployment_id }),
      { ...r, signalId: r.signal_id, deploymentId: r.deployment_id },
    ]),
  );
}
