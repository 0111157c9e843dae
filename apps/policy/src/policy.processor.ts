import { Processor } from '@nestjs/bullmq';
import { Job } from 'bullmq';
import { DataSource } from 'typeorm';
import { failSignalAtStage } from '@conduit/db';
import { evaluatePolicy, Policy, PolicyDecision, SizeModel, stricterPolicy } from '@conduit/domain';
import { JobHandlers, JobName, jobId, JobProducer, QueueName, QueueProcessor, UnknownSubjectError, WORKER_OPTIONS } from '@conduit/queue';

interface DeploymentRow {
  id: string;
  status: string | null;
  sub_active: boolean | null;
  trial_ends_at: Date | null;
  policy: Policy;
  open_positions: number;
  realized_today: string;
  recent_pnl: string[] | null;
  last_closed_at: Date | null;
}

/**
 * Agent How: for each deployment of the signal's agent, applies the agent's limits and then the subscriber's
 * policy (the stricter wins) and records the decision in policy_decisions: trade, with the final size, leverage
 * and venues, or skip, with the reason. Approved deployments get a PENDING outcome (the router fans out to them);
 * the others SKIPPED with the same reason. The evaluation itself is pure (libs/domain/src/policy.ts).
 */
@Processor(QueueName.Policy, WORKER_OPTIONS)
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
    const [signal] = await this.ds.query(
      `SELECT s.agent_id, s.status, s.token_symbol, s.confidence, s.size_model, a.policy AS agent_policy
         FROM signals_v3 s JOIN agents_v3 a ON a.id = s.agent_id WHERE s.id = $1`,
      [signalId],
    );
    if (!signal) throw new UnknownSubjectError(`unknown signal ${signalId}`);
    if (signal.status === 'SKIPPED' || signal.status === 'FAILED') return { approved: 0, skipped: 0 };

    // Each deployment with what its policy reads: open positions, today's realized PnL, the latest closes.
    const deployments: DeploymentRow[] = await this.ds.query(
      `SELECT d.id, d.status, d.sub_active, d.trial_ends_at, d.policy,
              (SELECT count(*)::int FROM positions_v3 p WHERE p.deployment_id = d.id AND p.status IN ('OPEN', 'PENDING')) AS open_positions,
              (SELECT COALESCE(sum(p.pnl), 0)::text FROM positions_v3 p
                WHERE p.deployment_id = d.id AND p.status = 'CLOSED' AND p.closed_at >= date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME
                  ZONE 'UTC') AS realized_today,
              r.recent_pnl, r.last_closed_at
         FROM agent_deployments_v3 d
         LEFT JOIN LATERAL (
           SELECT array_agg(x.pnl::text ORDER BY x.closed_at DESC) AS recent_pnl, max(x.closed_at) AS last_closed_at
             FROM (SELECT pnl, closed_at FROM positions_v3 p WHERE p.deployment_id = d.id AND p.status = 'CLOSED' AND p.pnl IS NOT NULL
                    ORDER BY closed_at DESC LIMIT 20) x) r ON TRUE
        WHERE d.agent_id = $1`,
      [signal.agent_id],
    );
    const now = new Date();
    const agentPolicy: Policy = signal.agent_policy ?? {};
    const rows = deployments.map((d) => {
      const effective = stricterPolicy(agentPolicy, d.policy ?? {});
      const inputs = {
        open_positions: d.open_positions,
        realized_today_usd: d.realized_today,
        recent_closed_pnl: d.recent_pnl ?? [],
        last_closed_at: d.last_closed_at,
        confidence: signal.confidence,
      };
      const decision: PolicyDecision = evaluatePolicy(
        { token: signal.token_symbol, confidence: signal.confidence, sizeModel: signal.size_model as SizeModel },
        { status: d.status, subActive: d.sub_active, trialEndsAt: d.trial_ends_at },
        effective,
        {
          openPositions: d.open_positions,
          realizedTodayUsd: d.realized_today,
          recentClosedPnl: d.recent_pnl ?? [],
          lastClosedAt: d.last_closed_at,
        },
        now,
      );
      return { id: d.id, decision, effective, inputs };
    });

    // Decisions and outcomes in one statement for the whole fan-out (atomic on its own); a retry finds the rows there
    // and changes nothing. The outcomes it inserted PENDING are counted as it returns; none (a retry, every
    // deployment skipped, or a concurrent attempt that inserted them first) is checked against the table.
    let pending = 0;
    if (rows.length) {
      const [inserted] = await this.ds.query(
        `WITH t AS (SELECT * FROM jsonb_to_recordset($3::jsonb) AS t(d uuid, decision text, code text, reason text, size_model jsonb,
          leverage int,
                                                                   venues text[], effective jsonb, inputs jsonb)),
              decided AS (
                INSERT INTO policy_decisions (signal_id, deployment_id, agent_id, decision, code, reason, size_model, leverage, venues,
                  effective_policy, inputs)
                SELECT $1, t.d, $2, t.decision, t.code, t.reason, t.size_model, t.leverage, t.venues, t.effective, t.inputs FROM t
                ON CONFLICT (signal_id, deployment_id) DO NOTHING),
              outcomes AS (
                INSERT INTO signal_outcomes (signal_id, deployment_id, outcome, stage, reason)
                SELECT $1, t.d, CASE WHEN t.decision = 'TRADE' THEN 'PENDING' ELSE 'SKIPPED' END, 'policy',
                       CASE WHEN t.decision = 'TRADE' THEN NULL ELSE t.reason END FROM t
                ON CONFLICT (signal_id, deployment_id) DO NOTHING RETURNING outcome)
         SELECT count(*)::int AS pending FROM outcomes WHERE outcome = 'PENDING'`,
        [
          signalId,
          signal.agent_id,
          JSON.stringify(
            rows.map(({ id, decision, effective, inputs }) => ({
              d: id,
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
      pending = inserted.pending;
    }
    if (pending === 0) {
      [{ pending }] = await this.ds.query(
        `SELECT count(*)::int AS pending FROM signal_outcomes WHERE signal_id = $1 AND outcome = 'PENDING'`,
        [signalId],
      );
    }
    if (pending === 0) {
      const reason = deployments.length ? 'no deployment passed the policy' : 'agent has no deployments';
      await this.ds.query(`UPDATE signals_v3 SET status = 'SKIPPED', skipped_reason = $2 WHERE id = $1 AND status = 'PENDING'`, [
        signalId,
        reason,
      ]);
    } else {
      await this.producer.emit({ name: JobName.RouterRoute, data: { signalId, traceId }, jobId: jobId(JobName.RouterRoute, signalId) });
    }
    const approved = rows.filter((r) => r.decision.trade).length;
    return { approved, skipped: rows.length - approved };
  }

  /** After the last attempt: the signal's deployments end FAILED at the policy stage, with the reason. */
  protected override async onFinalFailure(job: Job, err: Error): Promise<void> {
    if (job.name !== JobName.PolicyEvaluate) return;
    const { signalId, traceId } = job.data;
    await this.ds.transaction((em) =>
      failSignalAtStage(em, signalId, 'policy', `policy gave up after ${job.attemptsMade + 1} attempt(s): ${err.message}`, traceId),
    );
  }
}
