import { Inject } from '@nestjs/common';
import { Processor } from '@nestjs/bullmq';
import { Job } from 'bullmq';
import { DataSource } from 'typeorm';
import { countPending, failSignalAtStage, first, PolicyVerdict, PREPARED, recordVerdicts, skipSignal } from '@conduit/db';
import { Clock, evaluatePolicy, Policy, PolicyDecision, SignalStatus, SizeModel, stricterPolicy } from '@conduit/domain';
import { JobHandlers, JobName, jobId, JobProducer, QueueName, QueueProcessor, UnknownSubjectError, WORKER_OPTIONS } from '@conduit/queue';
import { CLOCK } from '@conduit/runtime';
import { PolicyStore } from './policy-store';

interface SignalToDecide {
  agent_id: string;
  status: SignalStatus;
  token_symbol: string;
  confidence: number | null;
  size_model: SizeModel;
  agent_policy: Policy | null;
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
    private readonly store: PolicyStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    super();
  }

  protected handlers(): JobHandlers<QueueName.Policy> {
    return { [JobName.PolicyEvaluate]: (data) => this.evaluate(data.signalId, data.traceId) };
  }

  async evaluate(signalId: string, traceId?: string): Promise<{ approved: number; skipped: number }> {
    const signal = await first<SignalToDecide>(
      this.ds,
      `SELECT s.agent_id, s.status, s.token_symbol, s.confidence, s.size_model, a.policy AS agent_policy
         FROM signals_v3 s JOIN agents_v3 a ON a.id = s.agent_id WHERE s.id = $1`,
      [signalId],
      PREPARED,
    );
    if (!signal) throw new UnknownSubjectError(`unknown signal ${signalId}`);
    if (signal.status === 'SKIPPED' || signal.status === 'FAILED') return { approved: 0, skipped: 0 };

    const now = this.clock.now();
    const deployments = await this.store.deployments(signal.agent_id, now);
    const agentPolicy: Policy = signal.agent_policy ?? {};
    const decisions = deployments.map((d) => {
      const effective = stricterPolicy(agentPolicy, d.policy ?? {});
      const state = {
        openPositions: d.open_positions,
        realizedTodayUsd: d.realized_today,
        recentClosedPnl: d.recent_pnl ?? [],
        lastClosedAt: d.last_closed_at,
      };
      const decision = evaluatePolicy(
        { token: signal.token_symbol, confidence: signal.confidence, sizeModel: signal.size_model },
        { status: d.status, subActive: d.sub_active, trialEndsAt: d.trial_ends_at },
        effective,
        state,
        now,
      );
      const inputs = {
        open_positions: d.open_positions,
        realized_today_usd: d.realized_today,
        recent_closed_pnl: d.recent_pnl ?? [],
        last_closed_at: d.last_closed_at,
        confidence: signal.confidence,
      };
      return { deploymentId: d.id, decision, effective, inputs };
    });

    // Decisions and outcomes in one statement for the whole fan-out; a retry finds the rows there and changes nothing.
    // When this call created no PENDING outcome (a retry, every deployment skipped, or a concurrent attempt first), the
    // table says whether any deployment waits.
    let pending = await recordVerdicts(this.ds, signalId, signal.agent_id, decisions.map(verdict));
    if (pending === 0) pending = await countPending(this.ds, signalId);
    if (pending === 0) {
      await skipSignal(this.ds, signalId, deployments.length ? 'no deployment passed the policy' : 'agent has no deployments');
    } else {
      await this.producer.emit({ name: JobName.RouterRoute, data: { signalId, traceId }, jobId: jobId(JobName.RouterRoute, signalId) });
    }
    const approved = decisions.filter((r) => r.decision.trade).length;
    return { approved, skipped: decisions.length - approved };
  }

  /** After the last attempt: the signal's deployments end FAILED at the policy stage, with the reason. */
  protected override async onFinalFailure(job: Job, err: Error): Promise<void> {
    if (job.name !== JobName.PolicyEvaluate) return;
    const { signalId, traceId } = job.data;
    const reason = `policy gave up after ${job.attemptsMade + 1} attempt(s): ${err.message}`;
    await this.ds.transaction((em) => failSignalAtStage(em, signalId, 'policy', reason, traceId));
  }
}

/** One deployment's decision as the outcome lifecycle records it (policy_decisions and its outcome). */
function verdict(r: { deploymentId: string; decision: PolicyDecision; effective: Policy; inputs: Record<string, unknown> }): PolicyVerdict {
  const d = r.decision;
  return {
    deploymentId: r.deploymentId,
    skipReason: d.trade ? null : d.reason,
    decision: {
      decision: d.trade ? 'TRADE' : 'SKIP',
      code: d.code,
      reason: d.reason,
      sizeModel: d.trade ? { ...d.sizeModel } : null,
      leverage: d.trade ? d.leverage : null,
      venues: d.trade ? d.venues : null,
      effectivePolicy: { ...r.effective },
      inputs: r.inputs,
    },
  };
}
