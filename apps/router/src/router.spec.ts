import { JobName, jobId, QueueName } from '@conduit/queue';
import { insertAgent, insertDeployment, useServiceHarness, waitForJob } from '@conduit/testing';
import { PaperVenue, VenueRegistry } from '@conduit/venue';
import { RouterAppModule } from './app.module';

describe('router service (Agent Where) on real Postgres and Redis', () => {
  const h = useServiceHarness((env) => RouterAppModule.forRoot(env));

  /** A signal with n approved deployments, as the policy layer leaves it. */
  const approvedSignal = async (token: string, n = 2, agentId?: string) => {
    agentId ??= await insertAgent(h.pg);
    const { rows } = await h.pg.query(
      `INSERT INTO signals_v3 (agent_id, token_symbol, side, size_model, risk_model) VALUES ($1, $2, 'LONG', '{"type":"percentage","value":10}', '{"type":"none"}') RETURNING id`,
      [agentId, token],
    );
    const deployments: string[] = [];
    for (let i = 0; i < n; i++) {
      const d = await insertDeployment(h.pg, agentId);
      deployments.push(d);
      await h.pg.query(`INSERT INTO signal_outcomes (signal_id, deployment_id, outcome, stage) VALUES ($1, $2, 'PENDING', 'policy')`, [rows[0].id, d]);
    }
    return { signalId: rows[0].id as string, deployments, agentId };
  };
  const route = async (signalId: string, again = false) => {
    const id = jobId(JobName.RouterRoute, signalId);
    if (again) await h.queues[QueueName.Router].remove(id);
    await h.queues[QueueName.Router].add(JobName.RouterRoute, { signalId }, { jobId: id });
    return waitForJob(h.queues[QueueName.Router], id);
  };
  const history = async (signalId: string) => (await h.pg.query(`SELECT * FROM venue_routing_history_v3 WHERE signal_id = $1`, [signalId])).rows;

  it('routes ETH to HYPERLIQUID first, records the decision, and fans out one executor job per deployment', async () => {
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
    for (const d of deployments) {
      expect((await h.queues[QueueName.Executor].getJob(jobId(JobName.ExecutorOpen, signalId, d)))?.data).toEqual({ signalId, deploymentId: d });
    }
    // a retried routing job writes no second history row and keeps the venue
    await route(signalId, true);
    expect(await history(signalId)).toHaveLength(1);
  });

  it('falls over to OSTIUM for a token Hyperliquid does not list (XAU)', async () => {
    const { signalId } = await approvedSignal('XAU', 1);
    await route(signalId);
    const [row] = await history(signalId);
    expect(row).toMatchObject({ selected_venue: 'OSTIUM', checked_venues: ['HYPERLIQUID', 'OSTIUM'], venue_availability: { HYPERLIQUID: false, OSTIUM: true } });
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
    await h.pg.query(`INSERT INTO venue_routing_config_v3 (agent_id, venue_priority) VALUES ($1, ARRAY['OSTIUM', 'HYPERLIQUID'])`, [agentId]);
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

  it('never routes to a venue without an adapter (GMX)', async () => {
    const agentId = await insertAgent(h.pg);
    await h.pg.query(`INSERT INTO venue_markets (venue, token_symbol, market_name) VALUES ('GMX', 'ONLYGMX', 'ONLYGMX-USD')`);
    await h.pg.query(`INSERT INTO venue_routing_config_v3 (agent_id, venue_priority) VALUES ($1, ARRAY['GMX', 'HYPERLIQUID'])`, [agentId]);
    const { signalId } = await approvedSignal('ONLYGMX', 1, agentId);
    await route(signalId);
    const { rows } = await h.pg.query(`SELECT status, skipped_reason FROM signals_v3 WHERE id = $1`, [signalId]);
    expect(rows[0].status).toBe('SKIPPED');
    expect(rows[0].skipped_reason).toMatch(/GMX unavailable/);
  });

  it('routes by cost: LOWEST_FEES takes the cheaper venue for the intended size, BEST_LIQUIDITY the shallower slippage', async () => {
    const registry = h.app.get(VenueRegistry);
    const paper = (venue: 'HYPERLIQUID' | 'OSTIUM', takerFeeBps: string) =>
      new PaperVenue(venue, registry.prices, { takerFeeBps, slippageBps: h.env.PAPER_SLIPPAGE_BPS, startingEquityUsd: h.env.PAPER_STARTING_EQUITY_USD });
    registry.register(paper('HYPERLIQUID', '10'));
    try {
      const fees = await approvedSignal('ETH', 2);
      await h.pg.query(`INSERT INTO venue_routing_config_v3 (agent_id, venue_priority, routing_strategy) VALUES ($1, ARRAY['HYPERLIQUID','OSTIUM'], 'LOWEST_FEES')`, [fees.agentId]);
      expect((await route(fees.signalId)).returnvalue).toEqual({ venue: 'OSTIUM', fannedOut: 2 });
      // 2 deployments × 10% of 10000: the paper book's first level fills it, so the cost is the taker fee alone.
      expect((await history(fees.signalId))[0]).toMatchObject({
        selected_venue: 'OSTIUM',
        checked_venues: ['HYPERLIQUID', 'OSTIUM'],
        routing_reason: 'LOWEST_FEES: Ostium fills $2000 of ETH at 4.50 bps fee + slippage (Hyperliquid 10.00 bps)',
      });

      const depth = await approvedSignal('ETH', 1);
      await h.pg.query(`INSERT INTO venue_routing_config_v3 (agent_id, venue_priority, routing_strategy) VALUES ($1, ARRAY['HYPERLIQUID','OSTIUM'], 'BEST_LIQUIDITY')`, [depth.agentId]);
      await h.pg.query(`UPDATE signals_v3 SET size_model = '{"type":"fixed-usd","value":1500000}' WHERE id = $1`, [depth.signalId]);
      expect((await route(depth.signalId)).returnvalue).toEqual({ venue: 'HYPERLIQUID', fannedOut: 1 });
      expect((await history(depth.signalId))[0].routing_reason).toBe(
        'Hyperliquid: pair ETH-USD available (28 pairs) [BEST_LIQUIDITY: HYPERLIQUID book cannot fill $1500000; OSTIUM book cannot fill $1500000]',
      );
    } finally {
      registry.register(paper('HYPERLIQUID', h.env.PAPER_TAKER_FEE_BPS));
    }
  });
});
