import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AgentDecisionRow, rows } from '@conduit/db';
import { JobName, jobId, JobProducer } from '@conduit/queue';

/** The reason on the positions an llm_trader's decision closes. */
export const AGENT_DECISION = 'AGENT_DECISION';

/**
 * What a recorded decision sets going, derived from the decision alone so every attempt sends the same jobs:
 * CLOSE_POSITION closes every open position of the agent's deployments in the coin; an open first closes the
 * opposite side there, then its signal goes to Agent How. One close per position (the close job's id is the
 * position's, shared with the monitor's), one policy job per signal. Positions opened after the decision are not
 * its to close.
 */
@Injectable()
export class TraderEffects {
  constructor(
    private readonly ds: DataSource,
    private readonly producer: JobProducer,
  ) {}

  async send(agentId: string, d: Pick<AgentDecisionRow, 'status' | 'action' | 'coin' | 'signal_id' | 'timestamp'>, traceId?: string) {
    if (d.status !== 'success' || d.action === 'HOLD') return { closes: 0, signal: null };
    const keep = d.action === 'OPEN_LONG' ? 'LONG' : d.action === 'OPEN_SHORT' ? 'SHORT' : null;
    const closing = await rows<{ id: string }>(
      this.ds,
      `SELECT p.id FROM positions_v3 p JOIN agent_deployments_v3 d ON d.id = p.deployment_id
        WHERE d.agent_id = $1 AND p.token_symbol = $2 AND p.status = 'OPEN' AND ($3::text IS NULL OR p.side <> $3)
          AND p.opened_at <= $4
        ORDER BY p.id`,
      [agentId, d.coin, keep, d.timestamp],
    );
    await this.producer.emitBulk(
      closing.map(({ id }) => ({
        name: JobName.ExecutorClose,
        data: { positionId: id, reason: AGENT_DECISION, traceId },
        jobId: jobId(JobName.ExecutorClose, id),
      })),
    );
    if (keep && d.signal_id) {
      await this.producer.emit({
        name: JobName.PolicyEvaluate,
        data: { signalId: d.signal_id, traceId },
        jobId: jobId(JobName.PolicyEvaluate, d.signal_id),
      });
    }
    return { closes: closing.length, signal: keep ? d.signal_id : null };
  }
}
