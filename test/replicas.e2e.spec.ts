import Decimal from 'decimal.js';
import { Client } from 'pg';
import { Env } from '@conduit/config';
import { JobName, QueueName } from '@conduit/queue';
import { HealthService, MetricsService } from '@conduit/runtime';
import { adminAuth, QUICK_START, testQueues, waitFor, WalletClient, WebhookReceiver } from '@conduit/testing';
import { PipelineApps, startPipelineApps } from './pipeline-apps';

/**
 * Two replicas of every worker (as deploy/k8s scales them) and a gateway, sharing Postgres and Redis: signals fanned
 * out to deployments, the schedulers ticking on both replicas at once (monitor, venue sync, reconciliation,
 * subscriptions, the notifier's sweep) and the same scheduled jobs run twice concurrently, positions closed twice at
 * once. Nothing may be done twice: one outcome and one position per signal × deployment, one open and one close
 * order per position, one profit share per position, one subscription bill per deployment and period, one scheduler
 * per job, one webhook per notification.
 */
const SECRET = 'replicas-webhook-secret-0123456789';
const TOKENS = ['ETH', 'BTC', 'SOL'];
const AGENTS = 2;
const SUBSCRIBERS = 4;

describe('two replicas of each worker: nothing doubled', () => {
  let apps: PipelineApps;
  let env: Env;
  let api: string;
  let pg: Client;
  let queues: ReturnType<typeof testQueues>;
  const hook = new WebhookReceiver(SECRET);

  beforeAll(async () => {
    await hook.start();
    apps = await startPipelineApps(
      {
        // Every scheduler ticks, on two replicas each.
        MONITOR_INTERVAL_MS: '200',
        VENUE_SYNC_INTERVAL_MS: '300',
        RECONCILE_INTERVAL_MS: '300',
        BILLING_INTERVAL_MS: '200',
        NOTIFY_SWEEP_MS: '100',
        NOTIFY_BACKOFF_MS: '100',
        // Subscriptions due at once, so the subscription run bills every deployment.
        TRIAL_DAYS: '0',
      },
      { replicas: 2 },
    );
    ({ env, api, pg } = apps);
    queues = testQueues(env);
  }, 120_000);
  afterAll(async () => {
    await queues?.close();
    await apps?.close();
    await hook.close();
  });

  const rows = async (sql: string, params: unknown[] = []) => (await pg.query(sql, params)).rows;
  /** Both replicas of a worker run the same scheduled job at the same moment. */
  const twice = (queue: QueueName, job: JobName, round: string) =>
    Promise.all(['a', 'b'].map((r) => queues[queue].add(job as any, {} as any, { jobId: `replicas-${job}-${round}-${r}` })));

  it('runs two of each worker, each ready with its BullMQ worker running; the gateway answers both probes', async () => {
    expect(apps.workers).toHaveLength(12);
    for (const w of apps.workers) {
      const report = await w.get(HealthService).ready();
      expect(report).toMatchObject({
        status: 'ok',
        info: { postgres: { status: 'up' }, redis: { status: 'up' }, workers: { status: 'up' } },
      });
    }
    const live = await fetch(`${api}/health/live`);
    expect([live.status, await live.json()]).toEqual([200, { status: 'ok' }]);
    const ready = await fetch(`${api}/health/ready`);
    expect(ready.status).toBe(200);
    expect(((await ready.json()) as any).details).toEqual({ postgres: { status: 'up' }, redis: { status: 'up' } });
  });

  it('opens one position per signal and deployment, closes and bills each once, notifies once', async () => {
    const creator = new WalletClient(api);
    const subscribers = Array.from({ length: SUBSCRIBERS }, () => WalletClient.random(api));
    for (const s of subscribers) {
      const put = await s.http('PUT', `${api}/api/v3/notifications/settings`, {
        events: ['position.opened', 'position.closed', 'bill.created'],
        channels: { webhook: { enabled: true, url: `${hook.url}/hook`, secret: SECRET } },
      });
      expect(put.status).toBe(200);
    }
    const agents: string[] = [];
    for (let a = 0; a < AGENTS; a++) {
      const created = await creator.http('POST', `${api}/api/v3/agents/create`, { ...QUICK_START.createAgent, name: `Replicas ${a}` });
      expect(created.status).toBe(201);
      agents.push(created.body.agent.id);
      for (const s of subscribers)
        expect(
          (await s.http('POST', `${api}/api/v3/agents/deploy`, { agent_id: created.body.agent.id, user_wallet: s.address })).status,
        ).toBe(201);
    }

    // Every signal at once, while the schedulers tick and the scheduled jobs also run twice by hand.
    const scheduled = async (round: string) => {
      await twice(QueueName.Executor, JobName.ExecutorMonitor, round);
      await twice(QueueName.Executor, JobName.ExecutorVenueSync, round);
      await twice(QueueName.Executor, JobName.ExecutorReconcile, round);
      await twice(QueueName.Billing, JobName.BillingSubscriptions, round);
    };
    const signals = await Promise.all(
      agents.flatMap((agent) =>
        TOKENS.map(async (token) => {
          const generated = await creator.http('POST', `${api}/api/v3/signals/generate`, {
            ...QUICK_START.signal(agent),
            token_symbol: token,
          });
          expect(generated.status).toBe(201);
          const executed = await creator.http('POST', `${api}/api/v3/execute/trade`, QUICK_START.execute(generated.body.signal.id));
          expect(executed.status).toBe(200);
          return generated.body.signal.id as string;
        }),
      ),
    );
    await scheduled('open');
    const expected = AGENTS * TOKENS.length * SUBSCRIBERS;
    expect(new Set(signals).size).toBe(AGENTS * TOKENS.length);

    const outcomes = await waitFor(
      'an outcome for every signal × deployment',
      async () => {
        const r = await rows(`SELECT signal_id, deployment_id, outcome FROM signal_outcomes WHERE signal_id = ANY($1)`, [signals]);
        return r.length >= expected ? r : null;
      },
      { timeoutMs: 60_000, everyMs: 200 },
    );
    expect(new Set(outcomes.map((o) => `${o.signal_id}/${o.deployment_id}`)).size).toBe(outcomes.length);
    expect(outcomes.map((o) => o.outcome)).toEqual(Array(expected).fill('OPENED'));

    const positions = await rows(
      `SELECT p.id, p.signal_id, p.deployment_id, lower(d.user_wallet) AS wallet
         FROM positions_v3 p JOIN agent_deployments_v3 d ON d.id = p.deployment_id WHERE p.signal_id = ANY($1)`,
      [signals],
    );
    expect(positions).toHaveLength(expected);
    expect(new Set(positions.map((p) => `${p.signal_id}/${p.deployment_id}`)).size).toBe(expected);

    // Marks up 5%: each position is closed twice at once through the API, while both executors' monitors run.
    for (const token of TOKENS) {
      const [{ mark }] = await rows(
        `SELECT current_price AS mark FROM venue_markets WHERE venue = 'HYPERLIQUID' AND token_symbol = $1 LIMIT 1`,
        [token],
      );
      const price = new Decimal(mark).mul('1.05').toDecimalPlaces(4).toString();
      const set = await creator.http(
        'PUT',
        `${api}/api/v3/admin/paper/marks`,
        { venue: 'HYPERLIQUID', token_symbol: token, price },
        adminAuth(env),
      );
      expect(set.status).toBe(200);
    }
    await Promise.all([
      scheduled('close'),
      ...positions.flatMap((p) => {
        const owner = subscribers.find((s) => s.address.toLowerCase() === p.wallet)!;
        return [0, 1].map(() => owner.http('POST', `${api}/api/v3/positions/${p.id}/close`, {}));
      }),
    ]);

    const closed = await waitFor(
      'every position closed and billed',
      async () => {
        const r = await rows(
          `SELECT p.id, p.status, p.pnl,
                  (SELECT count(*)::int FROM billing_events_v3 b WHERE b.position_id = p.id AND b.kind = 'PROFIT_SHARE') AS bills
             FROM positions_v3 p WHERE p.signal_id = ANY($1)`,
          [signals],
        );
        return r.every((p) => p.status === 'CLOSED' && p.bills >= 1) ? r : null;
      },
      { timeoutMs: 60_000, everyMs: 200 },
    );
    // Let the schedulers tick a while longer on both replicas, and run the scheduled jobs twice again.
    await scheduled('after');
    await new Promise((r) => setTimeout(r, 2_000));

    for (const p of closed) expect(new Decimal(p.pnl).gt(0)).toBe(true);
    const bills = await rows(
      `SELECT position_id, count(*)::int AS n FROM billing_events_v3
        WHERE kind = 'PROFIT_SHARE' AND position_id = ANY($1) GROUP BY position_id`,
      [positions.map((p) => p.id)],
    );
    expect(bills.map((b) => b.n)).toEqual(Array(expected).fill(1));

    const orders = await rows(
      `SELECT position_id, reduce_only, count(*)::int AS n FROM venue_orders WHERE position_id = ANY($1) GROUP BY position_id, reduce_only`,
      [positions.map((p) => p.id)],
    );
    expect(orders.filter((o) => o.n !== 1)).toEqual([]);
    expect(orders).toHaveLength(expected * 2); // one open, one reduce-only close

    // Subscriptions: every deployment billed, once per period, however many runs.
    const subscriptions = await rows(
      `SELECT d.id, (SELECT count(*)::int FROM billing_events_v3 b WHERE b.deployment_id = d.id AND b.kind = 'SUBSCRIPTION') AS n
         FROM agent_deployments_v3 d WHERE d.agent_id = ANY($1)`,
      [agents],
    );
    expect(subscriptions.map((s) => s.n)).toEqual(Array(AGENTS * SUBSCRIBERS).fill(1));

    // One scheduler per scheduled job, though each replica registered its own.
    for (const queue of [QueueName.Executor, QueueName.Billing, QueueName.Notify]) {
      const schedulers = await queues[queue].getJobSchedulers();
      const ids = schedulers.map((s) => s.key ?? s.id);
      expect([queue, ids.length]).toEqual([queue, new Set(ids).size]);
    }

    // Notifications: one per event and recipient, each delivered once.
    await waitFor(
      'the notifications delivered',
      async () => {
        const pending = await rows(`SELECT count(*)::int AS n FROM notification_deliveries WHERE status NOT IN ('sent', 'failed')`);
        return pending[0].n === 0 ? true : null;
      },
      { timeoutMs: 30_000, everyMs: 200 },
    );
    const notifications = await rows(`SELECT id, event_type FROM notifications WHERE recipient_type = 'wallet'`);
    expect(notifications.filter((n) => n.event_type === 'position.opened')).toHaveLength(expected);
    expect(notifications.filter((n) => n.event_type === 'position.closed')).toHaveLength(expected);
    const received = hook.received.filter((r) => r.verified).map((r) => r.body.id as string);
    expect(received.length).toBeGreaterThanOrEqual(expected * 2);
    expect(received.length).toBe(new Set(received).size);
    expect(new Set(received)).toEqual(new Set(notifications.map((n) => n.id)));

    // Both replicas of the busy workers took jobs (BullMQ hands each job to whichever worker fetches it first).
    const done = await Promise.all(
      apps.workers.map(async (w) => {
        const metric = await w.get(MetricsService).registry.getSingleMetric('conduit_jobs_total')!.get();
        return metric.values.reduce((sum, v) => sum + v.value, 0);
      }),
    );
    const [, , , , , , executorA, executorB, billingA, billingB] = done;
    expect(Math.min(executorA, executorB, billingA, billingB)).toBeGreaterThan(0);
  }, 240_000);
});
