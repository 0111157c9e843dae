import { adminAuth, http } from '@conduit/testing';
import { driveJourney, type JourneyFlow } from './journey-flow';
import { PipelineApps, startPipelineApps } from './pipeline-apps';

/**
 * GET /signals/:id/journey over a signal driven through every service: the five layers, each with only what the
 * reader may read (read-access.ts): anyone, the subscriber, the agent's creator, an operator.
 */
describe('a signal journey, as each reader may read it', () => {
  let apps: PipelineApps;
  let flow: JourneyFlow;
  beforeAll(async () => {
    apps = await startPipelineApps();
    flow = await driveJourney(apps);
  }, 120_000);
  afterAll(() => apps?.close());

  const journey = async (as: 'anonymous' | 'subscriber' | 'creator' | 'operator') => {
    const url = `${apps.api}/api/v3/signals/${flow.signalId}/journey`;
    const r =
      as === 'anonymous'
        ? await http('GET', url)
        : as === 'operator'
          ? await http('GET', url, undefined, adminAuth(apps.env))
          : await flow[as].http('GET', url);
    expect(r.status).toBe(200);
    return r.body;
  };

  it('shows anyone the signal, Agent What and Agent Where, and no deployment row, total or audit entry', async () => {
    const j = await journey('anonymous');
    expect(j.signal).toMatchObject({
      id: flow.signalId,
      agent_name: 'Alpha Hunter V3',
      token_symbol: 'ETH',
      side: 'LONG',
      status: 'EXECUTED',
    });
    expect(j.what).toMatchObject({ confidence: 0.85, source_tweets: [], decisions: [] });
    expect(j.where).toMatchObject({
      requested_venue: 'MULTI',
      selected_venue: 'HYPERLIQUID',
      routing_reason: 'Hyperliquid: pair ETH-USD available (28 pairs)',
      checked_venues: ['HYPERLIQUID'],
      availability: [{ venue: 'HYPERLIQUID', available: true }],
    });
    expect([j.how, j.executor.orders, j.executor.failovers, j.executor.outcome_totals, j.billing, j.audit]).toEqual([
      { at: null, decisions: [], totals: [] },
      [],
      [],
      [],
      { at: null, bills: [], totals: [] },
      null,
    ]);
  });

  it('shows the subscriber its own deployment: its decision, its order, no bill', async () => {
    const j = await journey('subscriber');
    expect(j.how.decisions.map((d: any) => [d.deployment_id, d.decision])).toEqual([[flow.subscriberDeploymentId, 'TRADE']]);
    expect(j.how.totals).toEqual([{ decision: 'TRADE', code: expect.any(String), deployments: 1 }]);
    expect(j.executor.orders.map((o: any) => [o.deployment_id, o.side, o.reduce_only, o.status])).toEqual([
      [flow.subscriberDeploymentId, 'BUY', false, 'FILLED'],
    ]);
    expect(j.executor.outcome_totals).toEqual([{ outcome: 'OPENED', deployments: 1 }]);
    expect(j.billing.bills).toEqual([]);
    expect(j.audit).toBeNull();
  });

  it('shows the creator its own rows and totals over every deployment of its agent', async () => {
    const j = await journey('creator');
    expect(j.how.decisions.map((d: any) => d.deployment_id)).toEqual([flow.creatorDeploymentId]);
    expect(j.how.totals).toEqual([{ decision: 'TRADE', code: expect.any(String), deployments: 2 }]);
    expect(j.executor.orders.map((o: any) => [o.side, o.reduce_only, o.status])).toEqual([
      ['BUY', false, 'FILLED'],
      ['SELL', true, 'FILLED'],
    ]);
    const [bill] = (
      await apps.pg.query(`SELECT id, amount::text AS amount FROM billing_events_v3 WHERE position_id = $1`, [flow.creatorPositionId])
    ).rows;
    expect(j.billing.bills).toEqual([
      expect.objectContaining({
        id: bill.id,
        deployment_id: flow.creatorDeploymentId,
        kind: 'PROFIT_SHARE',
        amount: bill.amount,
        status: 'COLLECTED',
      }),
    ]);
    expect(j.billing.totals).toEqual([{ kind: 'PROFIT_SHARE', status: 'COLLECTED', events: 1, amount: bill.amount }]);
    expect(j.audit).toBeNull();
  });

  it('shows an operator every deployment and the audit trail of the signal traces, in time order', async () => {
    const j = await journey('operator');
    expect(j.how.decisions).toHaveLength(2);
    expect(j.executor.orders).toHaveLength(3);
    expect(j.billing.bills).toHaveLength(1);
    const events = j.audit.map((a: any) => a.action);
    expect(events).toEqual(expect.arrayContaining(['v3.signal.routed']));
    const times = j.audit.map((a: any) => a.occurred_at);
    expect([...times].sort()).toEqual(times);
    // The layers follow each other in time.
    expect(j.what.at <= j.where.at && j.where.at <= j.executor.at && j.executor.at <= j.billing.at).toBe(true);
  });

  it('answers 404 for an unknown signal', async () => {
    expect((await http('GET', `${apps.api}/api/v3/signals/00000000-0000-4000-8000-000000000000/journey`)).status).toBe(404);
  });
});
