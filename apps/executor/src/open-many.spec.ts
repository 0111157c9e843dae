import { JobName, jobId, QueueName } from '@conduit/queue';
import { insertAgent, insertDeployment, useServiceHarness, waitForJob } from '@conduit/testing';
import { ExecutorAppModule } from './app.module';

/** executor.open-many: a chunk of a signal's fan-out, opened through the one open path. */
describe('executor.open-many on the paper venue, real Postgres and Redis', () => {
  const h = useServiceHarness((env) => ExecutorAppModule.forRoot(env));
  beforeAll(async () => {
    await h.pg.query(`UPDATE venue_markets SET current_price = 2000 WHERE venue = 'HYPERLIQUID' AND token_symbol = 'ETH'`);
  });

  /** A signal routed to HYPERLIQUID with `n` PENDING deployments; `unassigned` of them have no venue yet. */
  const fanOut = async (n: number, unassigned = 0) => {
    const agentId = await insertAgent(h.pg);
    const deployments: string[] = [];
    for (let i = 0; i < n; i++) deployments.push(await insertDeployment(h.pg, agentId));
    const { rows } = await h.pg.query(
      `INSERT INTO signals_v3 (agent_id, token_symbol, side, size_model, risk_model, final_venue, status)
       VALUES ($1, 'ETH', 'LONG', '{"type":"percentage","value":10}', '{"type":"none"}', $2, 'ROUTED') RETURNING id`,
      [agentId, unassigned ? null : 'HYPERLIQUID'],
    );
    await h.pg.query(
      `INSERT INTO signal_outcomes (signal_id, deployment_id, outcome, stage, venue)
       SELECT $1, d, 'PENDING', 'policy', CASE WHEN $3::boolean THEN NULL ELSE 'HYPERLIQUID'::venue_v3_t END FROM unnest($2::uuid[]) d`,
      [rows[0].id, deployments, unassigned > 0],
    );
    return { signalId: rows[0].id as string, deployments };
  };
  const openMany = async (signalId: string, deploymentIds: string[], attempts = 1) => {
    const id = jobId(JobName.ExecutorOpenMany, signalId, '0');
    await h.queues[QueueName.Executor].add(JobName.ExecutorOpenMany, { signalId, deploymentIds }, { jobId: id, attempts, backoff: 10 });
    return waitForJob(h.queues[QueueName.Executor], id);
  };
  const outcomes = async (signalId: string) =>
    (await h.pg.query(`SELECT outcome, count(*)::int AS n FROM signal_outcomes WHERE signal_id = $1 GROUP BY outcome`, [signalId])).rows;

  it('opens every deployment of the chunk once, and answers how each ended', async () => {
    const { signalId, deployments } = await fanOut(5);
    const job = await openMany(signalId, deployments);
    expect(job.returnvalue).toEqual({ OPENED: 5 });
    expect(await outcomes(signalId)).toEqual([{ outcome: 'OPENED', n: 5 }]);
    expect((await h.pg.query(`SELECT status FROM signals_v3 WHERE id = $1`, [signalId])).rows[0].status).toBe('EXECUTED');
    // the same chunk again (a retry after a crash) opens nothing new
    await h.queues[QueueName.Executor].remove(jobId(JobName.ExecutorOpenMany, signalId, '0'));
    expect((await openMany(signalId, deployments)).returnvalue).toEqual({ OPENED: 5 });
    const { rows } = await h.pg.query(`SELECT count(*)::int AS n FROM positions_v3 WHERE signal_id = $1`, [signalId]);
    expect(rows[0].n).toBe(5);
  });

  it('is retried while an open cannot settle, then ends every deployment still waiting FAILED with the reason', async () => {
    const { signalId, deployments } = await fanOut(3, 3);
    const job = await openMany(signalId, deployments, 2);
    expect(job.state).toBe('failed');
    expect(job.attemptsMade).toBe(2);
    expect(job.failedReason).toMatch(/^3 of 3 opens did not settle: signal .* has no venue yet/);
    expect(await outcomes(signalId)).toEqual([{ outcome: 'FAILED', n: 3 }]);
    const { rows } = await h.pg.query(`SELECT DISTINCT reason FROM signal_outcomes WHERE signal_id = $1`, [signalId]);
    expect(rows).toEqual([{ reason: expect.stringMatching(/^executor gave up after 2 attempt\(s\): 3 of 3 opens did not settle/) }]);
  });
});
