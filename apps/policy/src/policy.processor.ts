import { Processor } from '@nestjs/bullmq';
import { UnrecoverableError } from 'bullmq';
import { DataSource } from 'typeorm';
import { deploymentGate } from '@conduit/domain';
import { JobHandlers, JobName, jobId, JobProducer, QueueName, QueueProcessor } from '@conduit/queue';

interface DeploymentRow {
  id: string;
  status: string | null;
  sub_active: boolean | null;
  trial_ends_at: Date | null;
}

/**
 * Agent How: for each deployment of the signal's agent, decide whether it trades, and record why.
 * Approved deployments get a PENDING outcome (the router fans out to them); the others SKIPPED with the reason.
 */
@Processor(QueueName.Policy)
export class PolicyProcessor extends QueueProcessor<QueueName.Policy> {
  protected readonly queueName = QueueName.Policy;

  constructor(
    private readonly ds: DataSource,
    private readonly producer: JobProducer,
  ) {
    super();
  }

  protected handlers(): JobHandlers<QueueName.Policy> {
    return { [JobName.PolicyEvaluate]: (data) => this.evaluate(data.signalId, data.traceId) };
  }

  async evaluate(signalId: string, traceId?: string): Promise<{ approved: number; skipped: number }> {
    const [signal] = await this.ds.query(`SELECT agent_id, status FROM signals_v3 WHERE id = $1`, [signalId]);
    if (!signal) throw new UnrecoverableError(`unknown signal ${signalId}`);
    if (signal.status === 'SKIPPED' || signal.status === 'FAILED') return { approved: 0, skipped: 0 };

    const deployments: DeploymentRow[] = await this.ds.query(
      `SELECT id, status, sub_active, trial_ends_at FROM agent_deployments_v3 WHERE agent_id = $1`,
      [signal.agent_id],
    );
    const now = new Date();
    const ids: string[] = [];
    const outcomes: string[] = [];
    const reasons: (string | null)[] = [];
    for (const d of deployments) {
      const gate = deploymentGate({ status: d.status, subActive: d.sub_active, trialEndsAt: d.trial_ends_at }, now);
      ids.push(d.id);
      outcomes.push(gate.trade ? 'PENDING' : 'SKIPPED');
      reasons.push(gate.trade ? null : gate.reason);
    }
    if (ids.length) {
      // One statement for the whole fan-out; a retry finds the rows already there and changes nothing.
      await this.ds.query(
        `INSERT INTO signal_outcomes (signal_id, deployment_id, outcome, stage, reason)
         SELECT $1, d, o, 'policy', r FROM unnest($2::uuid[], $3::text[], $4::text[]) AS t(d, o, r)
         ON CONFLICT (signal_id, deployment_id) DO NOTHING`,
        [signalId, ids, outcomes, reasons],
      );
    }
    const [{ pending }] = await this.ds.query(
      `SELECT count(*)::int AS pending FROM signal_outcomes WHERE signal_id = $1 AND outcome = 'PENDING'`,
      [signalId],
    );
    if (pending === 0) {
      const reason = deployments.length ? 'no deployment passed the policy' : 'agent has no deployments';
      await this.ds.query(
        `UPDATE signals_v3 SET status = 'SKIPPED', skipped_reason = $2 WHERE id = $1 AND status = 'PENDING'`,
        [signalId, reason],
      );
    } else {
      await this.producer.emit({ name: JobName.RouterRoute, data: { signalId, traceId }, jobId: jobId(JobName.RouterRoute, signalId) });
    }
    const approved = outcomes.filter((o) => o === 'PENDING').length;
    return { approved, skipped: outcomes.length - approved };
  }
}
