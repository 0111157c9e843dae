import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AgentRow, BillRow, DeploymentRow, first, OutcomeRow, PositionRow, RoutingHistoryRow, rows, SignalRow } from '@conduit/db';
import { notFound } from './errors';
import { aggregateRows, ownRows, Reader, readerParams } from './read-access';

/** Columns of agent_deployments_v3 a client may see: never the encrypted keys. */
export const DEPLOYMENT_COLUMNS = `d.id, d.agent_id, d.user_wallet, d.safe_wallet, d.status, d.sub_active, d.sub_started_at,
                                    d.trial_ends_at,
  d.next_billing_at, d.module_enabled, d.module_address, d.hyperliquid_agent_address, d.ostium_agent_address, d.gmx_agent_address,
  d.spot_agent_address, d.trading_mode, d.policy, d.created_at,
  (d.hyperliquid_agent_key_encrypted IS NOT NULL) AS has_hyperliquid_agent_key, (d.ostium_agent_key_encrypted IS NOT NULL) AS
    has_ostium_agent_key, (d.gmx_agent_key_encrypted IS NOT NULL) AS has_gmx_agent_key,
  (d.spot_agent_key_encrypted IS NOT NULL) AS has_spot_agent_key`;

/** A deployment as the API answers it (DEPLOYMENT_COLUMNS): whether it holds each sealed key, never the key. */
export type DeploymentView = Pick<
  DeploymentRow,
  | 'id'
  | 'agent_id'
  | 'user_wallet'
  | 'safe_wallet'
  | 'status'
  | 'sub_active'
  | 'sub_started_at'
  | 'trial_ends_at'
  | 'next_billing_at'
  | 'module_enabled'
  | 'module_address'
  | 'hyperliquid_agent_address'
  | 'ostium_agent_address'
  | 'gmx_agent_address'
  | 'spot_agent_address'
  | 'trading_mode'
  | 'policy'
  | 'created_at'
> & { has_hyperliquid_agent_key: boolean; has_ostium_agent_key: boolean; has_gmx_agent_key: boolean; has_spot_agent_key: boolean };

/** A position with the fees of its filled orders (Σ, as text). */
export type PositionView = PositionRow & { fees: string };

/**
 * A deployment's outcome for a signal, with its position when one opened: built by json_build_object, so money is
 * text (cast) and opened_at is the JSON text of the timestamp.
 */
export type OutcomeView = Pick<OutcomeRow, 'deployment_id' | 'outcome' | 'stage' | 'reason' | 'updated_at'> & {
  position:
    | (Pick<
        PositionRow,
        'id' | 'venue' | 'token_symbol' | 'side' | 'qty' | 'entry_price' | 'stop_loss' | 'take_profit' | 'trailing_params' | 'status'
      > & { opened_at: string })
    | null;
};

/** Bills grouped by kind and status: how many, and their Σ amount as text. */
export type BillTotalsView = Pick<BillRow, 'kind' | 'status'> & { events: number; amount: string };

/**
 * The rows the API answers with (snake_case, as the tables), shared by the features. The `find…` reads answer null
 * for an unknown id, the others a 404 naming it.
 */
@Injectable()
export class ReadModels {
  constructor(private readonly ds: DataSource) {}

  private async one<T>(sql: string, params: unknown[]): Promise<T | null> {
    return (await first<T>(this.ds, sql, params)) ?? null;
  }

  async agent(id: string): Promise<AgentRow> {
    const a = await this.one<AgentRow>(`SELECT * FROM agents_v3 WHERE id = $1`, [id]);
    if (!a) throw notFound('agent', id);
    return a;
  }

  async deployment(id: string): Promise<DeploymentView> {
    const d = await this.one<DeploymentView>(`SELECT ${DEPLOYMENT_COLUMNS} FROM agent_deployments_v3 d WHERE d.id = $1`, [id]);
    if (!d) throw notFound('deployment', id);
    return d;
  }

  findSignal(id: string): Promise<SignalRow | null> {
    return this.one<SignalRow>(`SELECT * FROM signals_v3 WHERE id = $1`, [id]);
  }

  async signal(id: string): Promise<SignalRow> {
    const s = await this.findSignal(id);
    if (!s) throw notFound('signal', id);
    return s;
  }

  async position(id: string): Promise<PositionView> {
    const p = await this.one<PositionView>(
      `SELECT p.*, (SELECT COALESCE(sum(fee), 0) FROM venue_orders o WHERE o.position_id = p.id AND o.status = 'FILLED') AS fees
         FROM positions_history p WHERE p.id = $1`,
      [id],
    );
    if (!p) throw notFound('position', id);
    return p;
  }

  findBillingEvent(id: string): Promise<BillRow | null> {
    return this.one<BillRow>(`SELECT * FROM billing_events_v3 WHERE id = $1`, [id]);
  }

  routing(signalId: string): Promise<RoutingHistoryRow | null> {
    return this.one<RoutingHistoryRow>(`SELECT * FROM venue_routing_history_v3 WHERE signal_id = $1`, [signalId]);
  }

  /**
   * Per deployment: the outcome, its reason, and the position when one opened; with a reader, only the deployments
   * it reads row by row (read-access.ts).
   */
  async outcomes(signalId: string, reader?: Reader): Promise<OutcomeView[]> {
    return rows<OutcomeView>(
      this.ds,
      `SELECT o.deployment_id, o.outcome, o.stage, o.reason, o.updated_at,
              CASE WHEN p.id IS NULL THEN NULL ELSE json_build_object(
                'id', p.id, 'venue', p.venue, 'token_symbol', p.token_symbol, 'side', p.side, 'qty', p.qty::text,
                'entry_price', p.entry_price::text, 'stop_loss', p.stop_loss::text, 'take_profit', p.take_profit::text,
                'trailing_params', p.trailing_params, 'status', p.status, 'opened_at', p.opened_at) END AS position
         FROM signal_outcomes o LEFT JOIN positions_history p ON p.id = o.position_id
              JOIN agent_deployments_v3 d ON d.id = o.deployment_id
        WHERE o.signal_id = $1 AND ${ownRows(2)} ORDER BY o.created_at, o.deployment_id`,
      [signalId, ...(reader ? readerParams(reader) : [true, null])],
    );
  }

  /** How many deployments had each outcome of a signal, over those the reader counts in aggregate (read-access.ts). */
  outcomeTotals(signalId: string, reader: Reader): Promise<Array<Pick<OutcomeRow, 'outcome'> & { deployments: number }>> {
    return rows(
      this.ds,
      `SELECT o.outcome, count(*)::int AS deployments
         FROM signal_outcomes o JOIN agent_deployments_v3 d ON d.id = o.deployment_id JOIN agents_v3 a ON a.id = d.agent_id
        WHERE o.signal_id = $1 AND ${aggregateRows(2)} GROUP BY o.outcome ORDER BY o.outcome`,
      [signalId, ...readerParams(reader)],
    );
  }

  profitShare(positionId: string): Promise<BillRow | null> {
    return this.one<BillRow>(`SELECT * FROM billing_events_v3 WHERE position_id = $1 AND kind = 'PROFIT_SHARE'`, [positionId]);
  }
}
