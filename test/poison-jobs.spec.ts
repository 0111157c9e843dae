import { randomUUID } from 'crypto';
import { DynamicModule, Module } from '@nestjs/common';
import type { JobsOptions } from 'bullmq';
import { Env } from '@conduit/config';
import { JobName, jobId, JobProducer, QueueName } from '@conduit/queue';
import { RuntimeModule } from '@conduit/runtime';
import { insertAgent, insertDeployment, useServiceHarness, waitForJob } from '@conduit/testing';
import { BillingModule } from '../apps/billing/src/app.module';
import { NotifierModule } from '../apps/notifier/src/app.module';
import { ExecutorModule } from '../apps/executor/src/app.module';
import { PolicyModule } from '../apps/policy/src/app.module';
import { RouterModule } from '../apps/router/src/app.module';
import { SignalModule } from '../apps/signal/src/app.module';

/** Every consuming service in one context (the all-in-one composition without the gateway). */
@Module({})
class WorkersModule {
  static forRoot(env: Env): DynamicModule {
    return {
      module: WorkersModule,
      imports: [
        RuntimeModule.forRoot(env, 'workers'),
        SignalModule.forRoot(env),
        PolicyModule.forRoot(env),
        RouterModule.forRoot(env),
        ExecutorModule.forRoot(env),
        BillingModule.forRoot(env),
        NotifierModule.forRoot(env),
      ],
    };
  }
}

/** Retries allowed to every job here: a poison job must not use them, an unprocessable one must use them all. */
const ATTEMPTS = 3;
const RETRY: JobsOptions = { attempts: ATTEMPTS, backoff: { type: 'fixed', delay: 300 } };

describe('poison jobs on real Redis and Postgres', () => {
  const h = useServiceHarness((env) => WorkersModule.forRoot(env));
  const one = async (sql: string, params: unknown[]) => (await h.pg.query(sql, params)).rows[0];

  /** Adds a job straight to its queue (bypassing JobProducer and its validation), under a fresh id. */
  const add = async (queue: QueueName, name: string, data: unknown) => {
    const id = `${name}.test-${randomUUID()}`;
    await h.queues[queue].add(name, data, { ...RETRY, jobId: id });
    return id;
  };
  const signal = async (agentId: string, fields: { status?: string; venue?: string | null } = {}) =>
    (
      await one(
        `INSERT INTO signals_v3 (agent_id, token_symbol, side, size_model, risk_model, final_venue, status)
         VALUES ($1, 'ETH', 'LONG', '{"type":"percentage","value":10}', '{"type":"none"}', $2, $3) RETURNING id`,
        [agentId, fields.venue ?? null, fields.status ?? 'PENDING'],
      )
    ).id as string;
  /** A signal with one PENDING deployment outcome and no venue: the executor cannot open it. */
  const pendingWithoutVenue = async () => {
    const agentId = await insertAgent(h.pg);
    const deploymentId = await insertDeployment(h.pg, agentId);
    const signalId = await signal(agentId);
    await h.pg.query(`INSERT INTO signal_outcomes (signal_id, deployment_id, outcome, stage) VALUES ($1, $2, 'PENDING', 'policy')`, [
      signalId,
      deploymentId,
    ]);
    return { signalId, deploymentId };
  };

  /** A job each queue can complete, added behind the bad ones: it must run although they are ahead of it. */
  const GOOD: Record<QueueName, () => Promise<{ name: string; data: unknown }>> = {
    [QueueName.Signal]: async () => ({ name: JobName.SignalPollX, data: {} }),
    [QueueName.Policy]: async () => ({ name: JobName.PolicyEvaluate, data: { signalId: await signal(await insertAgent(h.pg)) } }),
    [QueueName.Router]: async () => ({
      name: JobName.RouterRoute,
      data: { signalId: await signal(await insertAgent(h.pg), { status: 'SKIPPED' }) },
    }),
    [QueueName.Executor]: async () => ({ name: JobName.ExecutorMonitor, data: {} }),
    [QueueName.Billing]: async () => ({ name: JobName.BillingSubscriptions, data: {} }),
    [QueueName.Notify]: async () => ({ name: JobName.NotifySweep, data: {} }),
  };

  describe.each([
    [QueueName.Signal, JobName.SignalClassifyPost, { postId: 'post-1' }, 'postId must be a UUID'],
    [
      QueueName.Signal,
      JobName.SignalIngest,
      { signalId: randomUUID(), agentId: randomUUID(), tokenSymbol: 'ETH', side: 'LONG', riskModel: { type: 'none' } },
      'sizeModel is required',
    ],
    [QueueName.Policy, JobName.PolicyEvaluate, {}, 'signalId is required'],
    [
      QueueName.Router,
      JobName.RouterRoute,
      { signalId: 'abc', venue: 'HYPERLIQUID' },
      'venue is not a field of this job; signalId must be a UUID',
    ],
    [QueueName.Executor, JobName.ExecutorSettle, { positionId: randomUUID(), leg: 'sideways', round: 0 }, 'leg must be one of open, close'],
    [QueueName.Billing, JobName.BillingCollect, { billingEventId: null }, 'billingEventId must be a string'],
    [QueueName.Billing, JobName.BillingPnlSnapshot, { day: 'yesterday' }, 'day must be a date (YYYY-MM-DD)'],
    [QueueName.Notify, JobName.NotifyDeliver, { deliveryId: 'd-1' }, 'deliveryId must be a UUID'],
  ] as const)('%s: a poison %s', (queue, name, data, problem) => {
    it('fails at once, without retries, with a reason naming the field; the job behind it completes', async () => {
      const poison = await add(queue, name, data);
      const next = await GOOD[queue]();
      const good = await add(queue, next.name, next.data);

      const failed = await waitForJob(h.queues[queue], poison);
      expect(failed.state).toBe('failed');
      expect(failed.failedReason).toBe(`invalid payload for ${name}: ${problem}`);
      expect(failed.attemptsStarted).toBe(1); // 3 allowed: an invalid payload is not retried
      expect(failed.attemptsMade).toBe(1);
      // Bull Board's failed list
      expect(await h.queues[queue].getJobs(['failed'])).toEqual(expect.arrayContaining([expect.objectContaining({ id: poison })]));

      const done = await waitForJob(h.queues[queue], good);
      expect(done.state).toBe('completed');
    });
  });

  it('records no outcome for a poison executor.open (its ids cannot be trusted)', async () => {
    const { signalId } = await pendingWithoutVenue();
    const poison = await add(QueueName.Executor, JobName.ExecutorOpen, { signalId, deploymentId: 'all of them' });
    const failed = await waitForJob(h.queues[QueueName.Executor], poison);
    expect(failed.state).toBe('failed');
    expect(failed.failedReason).toBe('invalid payload for executor.open: deploymentId must be a UUID');
    expect(failed.attemptsStarted).toBe(1);
    // onFinalFailure did not run: the outcome named by the valid half of the payload is untouched
    expect(await one(`SELECT outcome, reason FROM signal_outcomes WHERE signal_id = $1`, [signalId])).toEqual({
      outcome: 'PENDING',
      reason: null,
    });
  });

  describe.each([
    [QueueName.Signal, JobName.SignalClassifyPost, () => ({ postId: randomUUID() }), /^unknown post /],
    [QueueName.Signal, JobName.SignalPositionClosed, () => ({ positionId: randomUUID() }), /^unknown position /],
    [QueueName.Policy, JobName.PolicyEvaluate, () => ({ signalId: randomUUID() }), /^unknown signal /],
    [QueueName.Router, JobName.RouterRoute, () => ({ signalId: randomUUID() }), /^unknown signal /],
    [
      QueueName.Executor,
      JobName.ExecutorOpen,
      () => ({ signalId: randomUUID(), deploymentId: randomUUID() }),
      /^no policy decision for signal /,
    ],
    [QueueName.Executor, JobName.ExecutorClose, () => ({ positionId: randomUUID(), reason: 'MANUAL' }), /^unknown position /],
    [QueueName.Billing, JobName.BillingCollect, () => ({ billingEventId: randomUUID() }), /^unknown billing event /],
  ] as const)('%s: a well-formed %s naming a row that does not exist', (queue, name, data, reason) => {
    it(`is retried to its last attempt (${ATTEMPTS}), then FAILED with the reason; the job behind it completes meanwhile`, async () => {
      const bad = await add(queue, name, data());
      const next = await GOOD[queue]();
      const good = await add(queue, next.name, next.data);

      const done = await waitForJob(h.queues[queue], good);
      expect(done.state).toBe('completed');
      const failed = await waitForJob(h.queues[queue], bad);
      expect(failed.state).toBe('failed');
      expect(failed.failedReason).toMatch(reason);
      expect(failed.attemptsMade).toBe(ATTEMPTS);
      expect(done.finishedOn).toBeLessThan(failed.finishedOn!); // not blocked behind the retries
    });
  });

  it('records the failed outcome after the last attempt of an executor.open that cannot run', async () => {
    const { signalId, deploymentId } = await pendingWithoutVenue();
    const id = jobId(JobName.ExecutorOpen, signalId, deploymentId);
    await h.queues[QueueName.Executor].add(JobName.ExecutorOpen, { signalId, deploymentId }, { ...RETRY, jobId: id });
    // still PENDING between attempts: nothing is recorded before the last one
    await waitForJob(h.queues[QueueName.Executor], id, ['delayed']);
    expect((await one(`SELECT outcome FROM signal_outcomes WHERE signal_id = $1`, [signalId])).outcome).toBe('PENDING');

    const failed = await waitForJob(h.queues[QueueName.Executor], id);
    expect(failed.state).toBe('failed');
    expect(failed.attemptsMade).toBe(ATTEMPTS);
    expect(failed.failedReason).toBe(`signal ${signalId} has no venue yet`);
    expect(await one(`SELECT outcome, stage, reason FROM signal_outcomes WHERE signal_id = $1`, [signalId])).toEqual({
      outcome: 'FAILED',
      stage: 'executor',
      reason: `executor gave up after ${ATTEMPTS} attempt(s): signal ${signalId} has no venue yet`,
    });
  });

  describe.each([
    ['policy', QueueName.Policy, JobName.PolicyEvaluate, 'policy_decisions'],
    ['router', QueueName.Router, JobName.RouterRoute, 'venue_routing_history_v3'],
  ] as const)('a %s stage that fails for good', (stage, queue, name, table) => {
    it('leaves every deployment of the signal one FAILED outcome with the reason, and the signal FAILED', async () => {
      // A real failure on every attempt: the stage's own table refuses its insert.
      const trigger = `refuse_${stage}`;
      await h.pg.query(
        `CREATE FUNCTION ${trigger}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION '${table} is refusing writes'; END $$`,
      );
      await h.pg.query(`CREATE TRIGGER ${trigger} BEFORE INSERT ON ${table} FOR EACH ROW EXECUTE FUNCTION ${trigger}()`);
      try {
        const agentId = await insertAgent(h.pg);
        const deployments = [await insertDeployment(h.pg, agentId), await insertDeployment(h.pg, agentId)];
        await h.pg.query(`UPDATE venue_markets SET current_price = 2000 WHERE token_symbol = 'ETH'`);
        const signalId = await signal(agentId);
        if (stage === 'router') {
          // policy has run: both deployments wait on the route
          for (const d of deployments) {
            await h.pg.query(
              `INSERT INTO signal_outcomes (signal_id, deployment_id, outcome, stage) VALUES ($1, $2, 'PENDING', 'policy')`,
              [signalId, d],
            );
          }
        }
        const id = await add(queue, name, { signalId, traceId: `trace-${stage}-gave-up` });
        const failed = await waitForJob(h.queues[queue], id);
        expect(failed.state).toBe('failed');
        expect(failed.attemptsMade).toBe(ATTEMPTS);
        const reason = `${stage} gave up after ${ATTEMPTS} attempt(s): ${table} is refusing writes`;
        const outcomes = (
          await h.pg.query(
            `SELECT deployment_id, outcome, stage, reason FROM signal_outcomes WHERE signal_id = $1 ORDER BY deployment_id`,
            [signalId],
          )
        ).rows;
        expect(outcomes).toEqual([...deployments].sort().map((d) => ({ deployment_id: d, outcome: 'FAILED', stage, reason })));
        expect(await one(`SELECT status, skipped_reason, failure_reason FROM signals_v3 WHERE id = $1`, [signalId])).toEqual({
          status: 'FAILED',
          skipped_reason: null,
          failure_reason: reason,
        });
        expect(
          await one(`SELECT trace_id, payload FROM audit_logs WHERE action = 'v3.signal.failed' AND entity_id = $1`, [signalId]),
        ).toEqual({
          trace_id: `trace-${stage}-gave-up`,
          payload: { stage, reason, deployments: 2 },
        });
      } finally {
        await h.pg.query(`DROP TRIGGER ${trigger} ON ${table}; DROP FUNCTION ${trigger}()`);
      }
    });
  });

  it('cannot be queued through JobProducer: emit, emitBulk and emitOrRetry refuse an invalid payload and add nothing', async () => {
    const producer = h.app.get(JobProducer);
    const queue = h.queues[QueueName.Policy];
    const before = await queue.count();
    const bad = { name: JobName.PolicyEvaluate, data: { signalId: 'nope' }, jobId: jobId(JobName.PolicyEvaluate, 'nope') };
    const good = { name: JobName.PolicyEvaluate, data: { signalId: randomUUID() }, jobId: jobId(JobName.PolicyEvaluate, 'good') };
    const message = 'invalid payload for policy.evaluate: signalId must be a UUID';
    await expect(producer.emit(bad)).rejects.toThrow(message);
    await expect(producer.emitOrRetry(bad)).rejects.toThrow(message);
    await expect(producer.emitBulk([good, bad])).rejects.toThrow(message); // all or nothing
    expect(await queue.getJob(bad.jobId)).toBeUndefined();
    expect(await queue.getJob(good.jobId)).toBeUndefined();
    expect(await queue.count()).toBe(before);
  });
});
