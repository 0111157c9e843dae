import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { rows } from '@conduit/db';
import { Policy } from '@conduit/domain';

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

/** Agent How's reads, set-based whatever the number of deployments (its verdicts are the outcome lifecycle's to write). */
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
}
