import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { asJson, exec, rows, Sql } from '@conduit/db';
import { Policy, PolicyDecision } from '@conduit/domain';

/** A deployment of the signal's agent, with what its policy reads. */
export interface DeploymentToDecide {
  id: string;
  status: string | null;
  sub_active: boolean | null;
  trial_ends_at: Date | null;
  policy: Policy | null;
  open_positions: number;
  realized_today: string;
  recent_pnl: string[] | null;
  last_closed_at: Date | null;
}

/** Agent How's decision on one deployment, with the policy it applied and what it read. */
export interface PolicyDecisionRow {
  deploymentId: string;
  decision: PolicyDecision;
  effective: Policy;
  inputs: Record<string, unknown>;
}

/** Agent How's reads and its decision log (policy_decisions), set-based whatever the number of deployments. */
@Injectable()
export class PolicyStore {
  constructor(private readonly ds: DataSource) {}

  /** Each deployment of the agent with its open positions, realized PnL since the UTC day of `now` began, and latest closes. */
  deployments(agentId: string, now: Date): Promise<DeploymentToDecide[]> {
    const dayStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
    return rows<DeploymentToDecide>(
      this.ds,
      `SELECT d.id, d.status, d.sub_active, d.trial_ends_at, d.policy,
              (SELECT count(*)::int FROM positions_v3 p WHERE p.deployment_id = d.id AND p.status IN ('OPEN', 'PENDING')) AS open_positions,
              (SELECT COALESCE(sum(p.pnl), 0)::text FROM positions_v3 p
                WHERE p.deployment_id = d.id AND p.status = 'CLOSED' AND p.closed_at >= $2) AS realized_today,
              r.recent_pnl, r.last_closed_at
         FROM agent_deployments_v3 d
         LEFT JOIN LATERAL (
           SELECT array_agg(x.pnl::text ORDER BY x.closed_at DESC) AS recent_pnl, max(x.closed_at) AS last_closed_at
             FROM (SELECT pnl, closed_at FROM positions_v3 p WHERE p.deployment_id = d.id AND p.status = 'CLOSED' AND p.pnl IS NOT NULL
                    ORDER BY closed_at DESC LIMIT 20) x) r ON TRUE
        WHERE d.agent_id = $1`,
      [agentId, dayStart],
    );
  }

  /** The decisions, once per signal × deployment (a retry changes nothing). */
  async recordDecisions(q: Sql, signalId: string, agentId: string, decisions: readonly PolicyDecisionRow[]): Promise<void> {
    if (!decisions.length) return;
    await exec(
      q,
      `INSERT INTO policy_decisions (signal_id, deployment_id, agent_id, decision, code, reason, size_model, leverage, venues,
        effective_policy, inputs)
       SELECT $1, t.d, $2, t.decision, t.code, t.reason, t.size_model, t.leverage, t.venues, t.effective, t.inputs
         FROM jsonb_to_recordset($3::jsonb) AS t(d uuid, decision text, code text, reason text, size_model jsonb, leverage int,
                                                 venues text[], effective jsonb, inputs jsonb)
       ON CONFLICT (signal_id, deployment_id) DO NOTHING`,
      [
        signalId,
        agentId,
        asJson(
          decisions.map(({ deploymentId, decision, effective, inputs }) => ({
            d: deploymentId,
            decision: decision.trade ? 'TRADE' : 'SKIP',
            code: decision.code,
            reason: decision.reason,
            size_model: decision.trade ? decision.sizeModel : null,
            leverage: decision.trade ? decision.leverage : null,
            venues: decision.trade ? decision.venues : null,
            effective,
            inputs,
          })),
        ),
      ],
    );
  }
}
