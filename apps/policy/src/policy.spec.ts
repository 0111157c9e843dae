import { JobName, jobId, QueueName } from '@conduit/queue';
import { insertAgent, insertDeployment, useServiceHarness, waitForJob } from '@conduit/testing';
import { PolicyAppModule } from './app.module';

describe('policy service (Agent How) on real Postgres and Redis', () => {
  const h = useServiceHarness((env) => PolicyAppModule.forRoot(env));

  const signal = async (agentId: string) =>
    (
      await h.pg.query(
        `INSERT INTO signals_v3 (agent_id, token_symbol, side, size_model, risk_model) VALUES ($1, 'ETH', 'LONG', '{"type":"percentage","value":10}', '{"type":"none"}') RETURNING id`,
        [agentId],
      )
    ).rows[0].id as string;
  const evaluate = async (signalId: string, again = false) => {
    const id = jobId(JobName.PolicyEvaluate, signalId);
    if (again) await h.queues[QueueName.Policy].remove(id);
    await h.queues[QueueName.Policy].add(JobName.PolicyEvaluate, { signalId }, { jobId: id });
    return waitForJob(h.queues[QueueName.Policy], id);
  };
  const outcomes = async (signalId: string) =>
    (await h.pg.query(`SELECT deployment_id, outcome, stage, reason FROM signal_outcomes WHERE signal_id = $1`, [signalId])).rows;

  it('approves ACTIVE deployments in trial or subscription and records each skip with its reason', async () => {
    const agentId = await insertAgent(h.pg);
    const trial = await insertDeployment(h.pg, agentId, { sub_active: false, trial_ends_at: new Date(Date.now() + 86_400_000) });
    const paid = await insertDeployment(h.pg, agentId);
    const paused = await insertDeployment(h.pg, agentId, { status: 'PAUSED' });
    const lapsed = await insertDeployment(h.pg, agentId, { sub_active: false, trial_ends_at: new Date(Date.now() - 1000) });
    const signalId = await signal(agentId);

    const job = await evaluate(signalId);
    expect(job.state).toBe('completed');
    expect(job.returnvalue).toEqual({ approved: 2, skipped: 2 });
    const byDeployment = Object.fromEntries((await outcomes(signalId)).map((o) => [o.deployment_id, o]));
    expect(byDeployment[trial]).toMatchObject({ outcome: 'PENDING', reason: null });
    expect(byDeployment[paid]).toMatchObject({ outcome: 'PENDING' });
    expect(byDeployment[paused]).toMatchObject({ outcome: 'SKIPPED', stage: 'policy', reason: 'deployment is PAUSED' });
    expect(byDeployment[lapsed]).toMatchObject({ outcome: 'SKIPPED', reason: 'subscription inactive and no trial running' });
    expect(await h.queues[QueueName.Router].getJob(jobId(JobName.RouterRoute, signalId))).toBeDefined();

    // a retry changes nothing
    await evaluate(signalId, true);
    expect(await outcomes(signalId)).toHaveLength(4);
  });

  it('skips the signal with a reason when no deployment may trade, and does not route it', async () => {
    const agentId = await insertAgent(h.pg);
    await insertDeployment(h.pg, agentId, { status: 'STOPPED' });
    const signalId = await signal(agentId);
    await evaluate(signalId);
    const { rows } = await h.pg.query(`SELECT status, skipped_reason FROM signals_v3 WHERE id = $1`, [signalId]);
    expect(rows[0]).toEqual({ status: 'SKIPPED', skipped_reason: 'no deployment passed the policy' });
    expect(await h.queues[QueueName.Router].getJob(jobId(JobName.RouterRoute, signalId))).toBeUndefined();
  });

  it('skips a signal of an agent with no deployments', async () => {
    const signalId = await signal(await insertAgent(h.pg));
    await evaluate(signalId);
    const { rows } = await h.pg.query(`SELECT status, skipped_reason FROM signals_v3 WHERE id = $1`, [signalId]);
    expect(rows[0]).toEqual({ status: 'SKIPPED', skipped_reason: 'agent has no deployments' });
  });
});
