import { Client } from 'pg';
import { JobName, jobId, QueueName } from '@conduit/queue';
import { insertAgent, insertDeployment, useServiceHarness, waitFor, waitForJob } from '@conduit/testing';
import { PolicyAppModule } from '../apps/policy/src/app.module';

/**
 * A Postgres outage longer than a job's whole backoff window, on real Postgres and Redis: the test's database refuses
 * connections and its backends are terminated (what a restart or a failover looks like to a service) until the job
 * has run more times than its two attempts would allow. The job waits for the database without spending an attempt, then completes;
 * before, it failed after its last attempt during the outage and the signal was never evaluated (see docs/CHAOS.md).
 */
describe('a job that fails while the database is away waits for it instead of using up its attempts', () => {
  const h = useServiceHarness((env) => PolicyAppModule.forRoot(env));

  it('policy.evaluate with 2 attempts runs 3 times in an outage without failing, then completes on its first counted attempt', async () => {
    const agentId = await insertAgent(h.pg);
    const deploymentId = await insertDeployment(h.pg, agentId);
    const { rows } = await h.pg.query(
      `INSERT INTO signals_v3 (agent_id, token_symbol, side, size_model, risk_model) VALUES ($1, 'ETH', 'LONG',
        '{"type":"percentage","value":10}', '{"type":"none"}') RETURNING id`,
      [agentId],
    );
    const signalId: string = rows[0].id;
    const [{ pid: ownPid }] = (await h.pg.query(`SELECT pg_backend_pid() AS pid`)).rows;
    const adminUrl = new URL(h.db.url);
    adminUrl.pathname = '/postgres';
    const admin = new Client({ connectionString: adminUrl.toString() });
    await admin.connect();
    const id = jobId(JobName.PolicyEvaluate, signalId);
    try {
      // The outage: no new connection to the database, and every service connection cut (the test's own is kept).
      await admin.query(`ALTER DATABASE ${h.db.name} ALLOW_CONNECTIONS false`);
      await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> $2`, [h.db.name, ownPid]);
      await h.queues[QueueName.Policy].add(
        JobName.PolicyEvaluate,
        { signalId },
        { jobId: id, attempts: 2, backoff: { type: 'fixed', delay: 50 } },
      );
      // More runs than the job has attempts: had the outage counted, it would have failed after the second.
      const job = await waitFor('a third run of the job during the outage', async () => {
        const j = await h.queues[QueueName.Policy].getJob(id);
        return j && j.attemptsStarted >= 3 ? j : null;
      });
      expect(await job.getState()).not.toBe('failed');
      expect(job.attemptsMade).toBe(0); // every run so far failed on the outage, none counted
    } finally {
      await admin.query(`ALTER DATABASE ${h.db.name} ALLOW_CONNECTIONS true`);
      await admin.end();
    }
    const done = await waitForJob(h.queues[QueueName.Policy], id, ['completed', 'failed'], 30_000);
    expect(done.state).toBe('completed');
    expect(done.attemptsMade).toBe(1);
    const outcome = await h.pg.query(`SELECT outcome FROM signal_outcomes WHERE signal_id = $1 AND deployment_id = $2`, [
      signalId,
      deploymentId,
    ]);
    expect(outcome.rows).toEqual([{ outcome: 'PENDING' }]); // approved: the router's turn
  });
});
