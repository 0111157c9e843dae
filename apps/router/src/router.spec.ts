import { JobName, jobId, OPEN_CHUNK, QueueName } from '@conduit/queue';
import { insertAgent, insertDeployment, useServiceHarness, waitFor, waitForJob } from '@conduit/testing';
import { PaperVenue, VenueRegistry } from '@conduit/venue';
import { DataSource } from 'typeorm';
import { RouterAppModule } from './app.module';
import { RouterProcessor } from './router.processor';
import { RoutingCache } from './routing-cache';
import { RoutingPreviewController } from './routing-preview.controller';

describe('router service (Agent Where) on real Postgres and Redis', () => {
  const h = useServiceHarness((env) => RouterAppModule.forRoot(env));

  /** A signal with n approved deployments, as the policy layer leaves it. */
  const approvedSignal = async (token: string, n = 2, agentId?: string, side: 'LONG' | 'SHORT' = 'LONG', leverage = 1) => {
    agentId ??= await insertAgent(h.pg);
    const { rows } = await h.pg.query(
      `INSERT INTO signals_v3 (agent_id, token_symbol, side, size_model, risk_model) VALUES ($1, $2, $3,
        jsonb_build_object('type', 'percentage', 'value', 10, 'leverage', $4::int), '{"type":"none"}') RETURNING id`,
      [agentId, token, side, leverage],
    );
    const deployments: string[] = [];
    for (let i = 0; i < n; i++) {
      const d = await insertDeployment(h.pg, agentId);
      deployments.push(d);
      await h.pg.query(`INSERT INTO signal_outcomes (signal_id, deployment_id, outcome, stage) VALUES ($1, $2, 'PENDING', 'policy')`, [
        rows[0].id,
        d,
      ]);
    }
    return { signalId: rows[0].id as string, deployments, agentId };
  };
  const route = async (signalId: string, again = false) => {
    const id = jobId(JobName.RouterRoute, signalId);
    if (again) await h.queues[QueueName.Router].remove(id);
    await h.queues[QueueName.Router].add(JobName.RouterRoute, { signalId }, { jobId: id });
    return waitForJob(h.queues[QueueName.Router], id);
  };
  const history = async (signalId: string) =>
    (await h.pg.query(`SELECT * FROM venue_routing_history_v3 WHERE signal_id = $1`, [signalId])).rows;

  it('routes ETH to HYPERLIQUID first, records the decision, and fans out the deployments in chunks of executor jobs', async () => {
    const { signalId, deployments } = await approvedSignal('ETH', 3);
    const job = await route(signalId);
    expect(job.returnvalue).toEqual({ venue: 'HYPERLIQUID', fannedOut: 3 });
    const { rows } = await h.pg.query(`SELECT final_venue, status, routed_at FROM signals_v3 WHERE id = $1`, [signalId]);
    expect(rows[0]).toMatchObject({ final_venue: 'HYPERLIQUID', status: 'ROUTED' });
    expect(rows[0].routed_at).toBeInstanceOf(Date);
    const [row] = await history(signalId);
    expect(row).toMatchObject({
      token_symbol: 'ETH',
      requested_venue: 'MULTI',
      selected_venue: 'HYPERLIQUID',
      routing_reason: 'Hyperliquid: pair ETH-USD available (28 pairs)',
      checked_venues: ['HYPERLIQUID'],
      venue_availability: { HYPERLIQUID: true },
    });
    expect(row.routing_duration_ms).toBeGreaterThanOrEqual(0);
    expect((await h.queues[QueueName.Executor].getJob(jobId(JobName.ExecutorOpenMany, signalId, '0')))?.data).toEqual({
      signalId,
      deploymentIds: [...deployments].sort(),
    });
    expect(await h.queues[QueueName.Executor].getJob(jobId(JobName.ExecutorOpenMany, signalId, '1'))).toBeUndefined();
    // a retried routing job writes no second history row and keeps the venue
    await route(signalId, true);
    expect(await history(signalId)).toHaveLength(1);
  });

  it('fans a large signal out in chunks of OPEN_CHUNK deployments, the same chunks on a retry', async () => {
    const { signalId, deployments } = await approvedSignal('ETH', OPEN_CHUNK + 3);
    expect((await route(signalId)).returnvalue).toEqual({ venue: 'HYPERLIQUID', fannedOut: OPEN_CHUNK + 3 });
    const chunk = async (i: number) =>
      (await h.queues[QueueName.Executor].getJob(jobId(JobName.ExecutorOpenMany, signalId, String(i))))?.data;
    const sorted = [...deployments].sort();
    expect(await chunk(0)).toEqual({ signalId, deploymentIds: sorted.slice(0, OPEN_CHUNK) });
    expect(await chunk(1)).toEqual({ signalId, deploymentIds: sorted.slice(OPEN_CHUNK) });
    expect(await chunk(2)).toBeUndefined();
    // one deployment opened meanwhile: a retry sends the same chunks (their opens answer for the opened one)
    await h.pg.query(`UPDATE signal_outcomes SET outcome = 'OPENED', stage = 'executor' WHERE signal_id = $1 AND deployment_id = $2`, [
      signalId,
      sorted[0],
    ]);
    for (const i of [0, 1]) await h.queues[QueueName.Executor].remove(jobId(JobName.ExecutorOpenMany, signalId, String(i)));
    expect((await route(signalId, true)).returnvalue).toEqual({ venue: 'HYPERLIQUID', fannedOut: OPEN_CHUNK + 2 });
    expect(await chunk(0)).toEqual({ signalId, deploymentIds: sorted.slice(0, OPEN_CHUNK) });
  });

  it('falls over to OSTIUM for a token Hyperliquid does not list (XAU)', async () => {
    const { signalId } = await approvedSignal('XAU', 1);
    await route(signalId);
    const [row] = await history(signalId);
    expect(row).toMatchObject({
      selected_venue: 'OSTIUM',
      checked_venues: ['HYPERLIQUID', 'OSTIUM'],
      venue_availability: { HYPERLIQUID: false, OSTIUM: true },
    });
    expect(row.routing_reason).toBe('Ostium: pair XAU-USD available (56 pairs)');
  });

  it('routes around an unhealthy venue (venues_status)', async () => {
    await h.pg.query(`UPDATE venues_status SET is_available = FALSE, status = 'DOWN' WHERE venue = 'HYPERLIQUID'`);
    try {
      const { signalId } = await approvedSignal('BTC', 1);
      await route(signalId);
      const [row] = await history(signalId);
      expect(row).toMatchObject({ selected_venue: 'OSTIUM', venue_availability: { HYPERLIQUID: false, OSTIUM: true } });
    } finally {
      await h.pg.query(`UPDATE venues_status SET is_available = TRUE, status = 'UP' WHERE venue = 'HYPERLIQUID'`);
    }
  });

  it("uses the agent's own routing config before the global default", async () => {
    const agentId = await insertAgent(h.pg);
    await h.pg.query(`INSERT INTO venue_routing_config_v3 (agent_id, venue_priority) VALUES ($1, ARRAY['OSTIUM', 'HYPERLIQUID'])`, [
      agentId,
    ]);
    const { signalId } = await approvedSignal('ETH', 1, agentId);
    await route(signalId);
    expect((await history(signalId))[0].selected_venue).toBe('OSTIUM');
  });

  it('skips a token no venue lists, on the signal and on every pending deployment, with the reason', async () => {
    const { signalId } = await approvedSignal('NOTATOKEN', 2);
    const job = await route(signalId);
    expect(job.returnvalue).toEqual({ venue: null, fannedOut: 0 });
    const { rows } = await h.pg.query(`SELECT status, skipped_reason, final_venue FROM signals_v3 WHERE id = $1`, [signalId]);
    expect(rows[0]).toMatchObject({ status: 'SKIPPED', final_venue: null });
    expect(rows[0].skipped_reason).toBe('no venue lists NOTATOKEN: HYPERLIQUID does not list NOTATOKEN; OSTIUM does not list NOTATOKEN');
    const out = (await h.pg.query(`SELECT outcome, stage, reason FROM signal_outcomes WHERE signal_id = $1`, [signalId])).rows;
    expect(out).toHaveLength(2);
    for (const o of out) expect(o).toEqual({ outcome: 'SKIPPED', stage: 'router', reason: rows[0].skipped_reason });
    expect(await history(signalId)).toHaveLength(0);
  });

  it('routes to GMX and SPOT where only they list the token; never a SHORT to SPOT, and a LONG there at 1x', async () => {
    const agentId = await insertAgent(h.pg);
    await h.pg.query(
      `INSERT INTO venue_markets (venue, token_symbol, market_name, max_leverage) VALUES ('GMX', 'ONLYGMX', 'ONLYGMX/USD', 50),
         ('SPOT', 'ONLYSPOT', 'ONLYSPOT/USDC', 1)`,
    );
    await h.pg.query(`INSERT INTO venue_routing_config_v3 (agent_id, venue_priority) VALUES ($1, ARRAY['SPOT', 'GMX', 'HYPERLIQUID'])`, [
      agentId,
    ]);
    const gmx = await approvedSignal('ONLYGMX', 1, agentId);
    expect((await route(gmx.signalId)).returnvalue).toEqual({ venue: 'GMX', fannedOut: 1 });
    expect((await history(gmx.signalId))[0].routing_reason).toBe('Gmx: pair ONLYGMX/USD available (13 pairs)');
    const long = await approvedSignal('ONLYSPOT', 1, agentId, 'LONG', 3);
    expect((await route(long.signalId)).returnvalue).toEqual({ venue: 'SPOT', fannedOut: 1 });
    expect((await history(long.signalId))[0].routing_reason).toBe(
      'Spot: pair ONLYSPOT/USDC available (6 pairs) buys at 1x, no leverage (the signal asks 3x)',
    );
    const short = await approvedSignal('ONLYSPOT', 1, agentId, 'SHORT');
    await route(short.signalId);
    const { rows } = await h.pg.query(`SELECT status, skipped_reason FROM signals_v3 WHERE id = $1`, [short.signalId]);
    expect(rows[0]).toEqual({
      status: 'SKIPPED',
      skipped_reason:
        'no venue lists ONLYSPOT: SPOT trades LONG only: no short on a spot swap; GMX does not list ONLYSPOT; ' +
        'HYPERLIQUID does not list ONLYSPOT',
    });
  });

  it('routes by cost: LOWEST_FEES takes the cheaper venue for the intended size, BEST_LIQUIDITY the shallower slippage', async () => {
    const registry = h.app.get(VenueRegistry);
    const paper = (venue: 'HYPERLIQUID' | 'OSTIUM', takerFeeBps: string) =>
      new PaperVenue(venue, registry.prices, {
        takerFeeBps,
        slippageBps: h.env.PAPER_SLIPPAGE_BPS,
        startingEquityUsd: h.env.PAPER_STARTING_EQUITY_USD,
      });
    registry.register(paper('HYPERLIQUID', '10'));
    try {
      const fees = await approvedSignal('ETH', 2);
      await h.pg.query(
        `INSERT INTO venue_routing_config_v3 (agent_id, venue_priority, routing_strategy) VALUES ($1, ARRAY['HYPERLIQUID','OSTIUM'],
          'LOWEST_FEES')`,
        [fees.agentId],
      );
      expect((await route(fees.signalId)).returnvalue).toEqual({ venue: 'OSTIUM', fannedOut: 2 });
      // 2 deployments × 10% of 10000: the paper book's first level fills it, so the cost is the taker fee alone.
      expect((await history(fees.signalId))[0]).toMatchObject({
        selected_venue: 'OSTIUM',
        checked_venues: ['HYPERLIQUID', 'OSTIUM'],
        routing_reason: 'LOWEST_FEES: Ostium fills $2000 of ETH at 4.50 bps fee + slippage (Hyperliquid 10.00 bps)',
      });
      // The preview (issue 17) is the same evaluation at the size asked: the same venue, reason and ranking, with the costs.
      const preview = await h.app
        .get(RoutingPreviewController)
        .preview({ agent_id: fees.agentId, token_symbol: 'ETH', side: 'LONG', notional_usd: '2000' });
      expect(preview).toMatchObject({
        config: 'agent',
        strategy: 'LOWEST_FEES',
        selected: 'OSTIUM',
        reason: 'LOWEST_FEES: Ostium fills $2000 of ETH at 4.50 bps fee + slippage (Hyperliquid 10.00 bps)',
        venues: [
          {
            venue: 'HYPERLIQUID',
            rank: 2,
            available: true,
            reason: 'failover 2: 10.00 bps',
            costs: { taker_bps: '10', slippage_bps: '0', cost_bps: '10' },
          },
          { venue: 'OSTIUM', rank: 1, available: true, costs: { taker_bps: '4.5', cost_bps: '4.5' } },
        ],
      });
      expect(preview.venues[1].reason).toBe(preview.reason);

      const depth = await approvedSignal('ETH', 1);
      await h.pg.query(
        `INSERT INTO venue_routing_config_v3 (agent_id, venue_priority, routing_strategy) VALUES ($1, ARRAY['HYPERLIQUID','OSTIUM'],
          'BEST_LIQUIDITY')`,
        [depth.agentId],
      );
      await h.pg.query(`UPDATE signals_v3 SET size_model = '{"type":"fixed-usd","value":1500000}' WHERE id = $1`, [depth.signalId]);
      expect((await route(depth.signalId)).returnvalue).toEqual({ venue: 'HYPERLIQUID', fannedOut: 1 });
      expect((await history(depth.signalId))[0].routing_reason).toBe(
        'Hyperliquid: pair ETH-USD available (28 pairs) [BEST_LIQUIDITY: HYPERLIQUID book cannot fill $1500000; OSTIUM book ' +
          'cannot fill $1500000]',
      );
    } finally {
      registry.register(paper('HYPERLIQUID', h.env.PAPER_TAKER_FEE_BPS));
    }
  });

  describe('per-deployment venues and the in-memory cache', () => {
    const decide = async (signalId: string, deploymentId: string, venues: string[] | null) =>
      h.pg.query(
        `INSERT INTO policy_decisions (signal_id, deployment_id, agent_id, decision, code, reason, venues, effective_policy, inputs)
         SELECT $1, $2, agent_id, 'TRADE', 'TRADE', 'test', $3, '{}', '{}' FROM signals_v3 WHERE id = $1`,
        [signalId, deploymentId, venues],
      );
    const outcome = async (signalId: string, deploymentId: string) =>
      (
        await h.pg.query(
          `SELECT outcome, stage, reason, venue, venue_candidates FROM signal_outcomes WHERE signal_id = $1 AND deployment_id = $2`,
          [signalId, deploymentId],
        )
      ).rows[0];

    it('gives each deployment the best venue its policy enables and the rest of the ranking to fail over to', async () => {
      const { signalId, deployments } = await approvedSignal('ETH', 3);
      const [anyVenue, ostiumOnly, gmxOnly] = deployments;
      await decide(signalId, anyVenue, null);
      await decide(signalId, ostiumOnly, ['OSTIUM']);
      await decide(signalId, gmxOnly, ['GMX']);
      expect((await route(signalId)).returnvalue).toEqual({ venue: 'HYPERLIQUID', fannedOut: 2 });
      expect(await outcome(signalId, anyVenue)).toMatchObject({ outcome: 'PENDING', venue: 'HYPERLIQUID', venue_candidates: ['OSTIUM'] });
      expect(await outcome(signalId, ostiumOnly)).toMatchObject({ outcome: 'PENDING', venue: 'OSTIUM', venue_candidates: [] });
      expect(await outcome(signalId, gmxOnly)).toMatchObject({
        outcome: 'SKIPPED',
        stage: 'router',
        venue: null,
        reason: "none of the deployment's enabled venues (GMX) can take ETH: Hyperliquid: pair ETH-USD available (28 pairs)",
      });
      const chunk = await h.queues[QueueName.Executor].getJob(jobId(JobName.ExecutorOpenMany, signalId, '0'));
      expect(chunk?.data.deploymentIds).toEqual([anyVenue, ostiumOnly].sort());
    });

    it('considers only the venues the deployments enable', async () => {
      const { signalId, deployments } = await approvedSignal('ETH', 1);
      await decide(signalId, deployments[0], ['OSTIUM']);
      expect((await route(signalId)).returnvalue).toEqual({ venue: 'OSTIUM', fannedOut: 1 });
      expect((await history(signalId))[0]).toMatchObject({ selected_venue: 'OSTIUM', checked_venues: ['OSTIUM'] });
    });

    it('reloads on a Postgres notification, without being asked', async () => {
      const cache = h.app.get(RoutingCache);
      const healthy = () => cache.views('ETH', ['HYPERLIQUID']).get('HYPERLIQUID')!.healthy;
      expect(healthy()).toBe(true);
      await h.pg.query(`UPDATE venues_status SET is_available = FALSE WHERE venue = 'HYPERLIQUID'`);
      try {
        await waitFor('the notification to reach the cache', () => !healthy(), { timeoutMs: 5000, everyMs: 10 });
      } finally {
        await h.pg.query(`UPDATE venues_status SET is_available = TRUE WHERE venue = 'HYPERLIQUID'`);
        await cache.reload();
      }
    });

    it('decides from memory: no database query during a decision, cost strategies included', async () => {
      const cache = h.app.get(RoutingCache);
      const router = h.app.get(RouterProcessor);
      const ds = h.app.get(DataSource);
      const agentId = await insertAgent(h.pg);
      await h.pg.query(
        `INSERT INTO venue_routing_config_v3 (agent_id, venue_priority, routing_strategy) VALUES ($1, ARRAY['HYPERLIQUID','OSTIUM'],
          'LOWEST_FEES')`,
        [agentId],
      );
      await cache.reload();
      await cache.refreshBooks();
      const queries = jest.spyOn(ds, 'query');
      try {
        const signal = { agent_id: agentId, token_symbol: 'ETH', side: 'LONG', size_model: { type: 'percentage', value: 10 } };
        const cost = router.decide(signal, [{ deployment_id: 'x', venue: null, venues: null, size_model: null }]);
        expect(cost).not.toBeInstanceOf(Promise);
        expect((cost as any).reason).toMatch(
          /^LOWEST_FEES: Hyperliquid fills \$1000 of ETH at 4\.50 bps fee \+ slippage \(Ostium 4\.50 bps\)$/,
        );
        const first = router.decide({ ...signal, agent_id: await insertAgent(h.pg) }, []);
        expect((first as any).selected).toBe('HYPERLIQUID');
        expect(queries).not.toHaveBeenCalled();
      } finally {
        queries.mockRestore();
      }
    });
  });
});
