import { Inject } from '@nestjs/common';
import { Processor } from '@nestjs/bullmq';
import { UnrecoverableError } from 'bullmq';
import { DataSource } from 'typeorm';
import { Env } from '@conduit/config';
import { audit } from '@conduit/db';
import { profitShare, toMoney } from '@conduit/domain';
import { JobHandlers, JobName, QueueName, QueueProcessor } from '@conduit/queue';
import { ENV } from '@conduit/runtime';

/**
 * Billing: a PROFIT_SHARE event (PENDING) for the configured share of each closed position's positive realized
 * PnL, payable to the agent's profit receiver. None for a loss. Exactly one per position: the partial unique
 * index uq_billing_v3_profit_share_position makes a retried job a no-op.
 */
@Processor(QueueName.Billing)
export class BillingProcessor extends QueueProcessor<QueueName.Billing> {
  protected readonly queueName = QueueName.Billing;

  constructor(
    private readonly ds: DataSource,
    @Inject(ENV) private readonly env: Env,
  ) {
    super();
  }

  protected handlers(): JobHandlers<QueueName.Billing> {
    return { [JobName.BillingPositionClosed]: (d) => this.positionClosed(d.positionId, d.traceId) };
  }

  async positionClosed(positionId: string, traceId?: string): Promise<{ billed: boolean; amount?: string; reason?: string }> {
    const [p] = await this.ds.query(
      `SELECT p.status, p.pnl, p.deployment_id, a.id AS agent_id, a.profit_receiver_address
         FROM positions_v3 p
         JOIN agent_deployments_v3 d ON d.id = p.deployment_id
         JOIN agents_v3 a ON a.id = d.agent_id
        WHERE p.id = $1`,
      [positionId],
    );
    if (!p) throw new UnrecoverableError(`unknown position ${positionId}`);
    if (p.status !== 'CLOSED' || p.pnl === null) throw new Error(`position ${positionId} is not closed yet`); // retried

    const sharePct = this.env.PROFIT_SHARE_PCT;
    const amount = profitShare(p.pnl, sharePct);
    if (amount.lte(0)) return { billed: false, reason: `realized PnL ${p.pnl} is not a profit` };

    return this.ds.transaction(async (em) => {
      const inserted = await em.query(
        `INSERT INTO billing_events_v3 (position_id, deployment_id, kind, amount, asset, status, metadata)
         VALUES ($1, $2, 'PROFIT_SHARE', $3, 'USDC', 'PENDING', $4)
         ON CONFLICT (position_id) WHERE kind = 'PROFIT_SHARE' DO NOTHING RETURNING id`,
        [
          positionId,
          p.deployment_id,
          toMoney(amount),
          { realized_pnl: p.pnl, share_pct: sharePct, receiver: p.profit_receiver_address, agent_id: p.agent_id },
        ],
      );
      if (inserted.length) {
        await audit(em, 'v3.bill.created', 'billing_event', inserted[0].id, { kind: 'PROFIT_SHARE', position_id: positionId, amount: toMoney(amount) }, traceId);
      }
      return { billed: true, amount: toMoney(amount) };
    });
  }
}
