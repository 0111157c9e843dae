import { randomUUID } from 'crypto';
import { JobName, jobId, QueueName } from '@conduit/queue';
import { insertAgent, useServiceHarness, waitForJob } from '@conduit/testing';
import { SignalAppModule } from './app.module';

describe('signal service (Agent What) on real Postgres and Redis', () => {
  const h = useServiceHarness((env) => SignalAppModule.forRoot(env));

  const ingest = async (data: Record<string, unknown>) => {
    const signalId = (data.signalId as string) ?? randomUUID();
    const id = jobId(JobName.SignalIngest, signalId);
    await h.queues[QueueName.Signal].add(JobName.SignalIngest, { signalId, ...data } as any, { jobId: id, attempts: 3 });
    return { signalId, job: await waitForJob(h.queues[QueueName.Signal], id) };
  };
  const proposal = (agentId: string) => ({
    agentId,
    tokenSymbol: 'eth',
    side: 'long',
    sizeModel: { type: 'percentage', value: 25 },
    riskModel: { type: 'trailing-stop', stop: 0.03 },
    confidence: 0.85,
  });

  it('stores a venue-agnostic PENDING signal and emits it to the policy queue', async () => {
    const agentId = await insertAgent(h.pg, { status: 'DRAFT' });
    const { signalId, job } = await ingest(proposal(agentId));
    expect(job.state).toBe('completed');
    const { rows } = await h.pg.query(`SELECT * FROM signals_v3 WHERE id = $1`, [signalId]);
    expect(rows[0]).toMatchObject({
      token_symbol: 'ETH',
      side: 'LONG',
      requested_venue: 'MULTI',
      final_venue: null,
      status: 'PENDING',
      confidence: 0.85,
    });
    expect(rows[0].size_model).toEqual({ type: 'percentage', value: 25 });
    const next = await h.queues[QueueName.Policy].getJob(jobId(JobName.PolicyEvaluate, signalId));
    expect(next?.data).toMatchObject({ signalId });
  });

  it('is idempotent: the same job twice leaves one row and one policy job', async () => {
    const agentId = await insertAgent(h.pg);
    const signalId = randomUUID();
    await ingest({ ...proposal(agentId), signalId });
    await h.queues[QueueName.Signal].remove(jobId(JobName.SignalIngest, signalId));
    await ingest({ ...proposal(agentId), signalId });
    const { rows } = await h.pg.query(`SELECT count(*)::int AS n FROM signals_v3 WHERE id = $1`, [signalId]);
    expect(rows[0].n).toBe(1);
    const policyJobs = (await h.queues[QueueName.Policy].getJobs(['waiting', 'delayed', 'active', 'completed'])).filter(
      (j) => j.data.signalId === signalId,
    );
    expect(policyJobs).toHaveLength(1);
  });

  it('records a signal of a PAUSED agent as SKIPPED with the reason, and emits nothing', async () => {
    const agentId = await insertAgent(h.pg, { status: 'PAUSED' });
    const { signalId } = await ingest(proposal(agentId));
    const { rows } = await h.pg.query(`SELECT status, skipped_reason FROM signals_v3 WHERE id = $1`, [signalId]);
    expect(rows[0]).toEqual({ status: 'SKIPPED', skipped_reason: 'agent is PAUSED' });
    expect(await h.queues[QueueName.Policy].getJob(jobId(JobName.PolicyEvaluate, signalId))).toBeUndefined();
  });

  it('fails a poison job at once (no retries), with the reason, and writes nothing', async () => {
    const agentId = await insertAgent(h.pg);
    const { signalId, job } = await ingest({ ...proposal(agentId), sizeModel: { type: 'percentage', value: 250 }, confidence: 1.5 });
    expect(job.state).toBe('failed');
    expect(job.attemptsStarted).toBe(1); // attempts: 3 allowed, one run: an UnrecoverableError is not retried
    expect(job.failedReason).toMatch(/size_model.value must be at most 100/);
    expect(job.failedReason).toMatch(/confidence/);
    const { rows } = await h.pg.query(`SELECT count(*)::int AS n FROM signals_v3 WHERE id = $1`, [signalId]);
    expect(rows[0].n).toBe(0);
    // the queue keeps going
    const ok = await ingest(proposal(agentId));
    expect(ok.job.state).toBe('completed');
  });

  it('fails a signal for an unknown agent with the reason, after its last attempt', async () => {
    const { job } = await ingest(proposal(randomUUID()));
    expect(job.state).toBe('failed');
    expect(job.attemptsMade).toBe(3); // the agent row may not be visible yet: retried
    expect(job.failedReason).toMatch(/unknown agent/);
  });
});
