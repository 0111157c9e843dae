import { Client } from 'pg';
import {
  assignVenues,
  closePosition,
  collectBill,
  confirmOpen,
  recordVerdicts,
  createPositions,
  createProfitShare,
  createSignal,
  failBill,
  failOutcome,
  failOver,
  failPosition,
  failSignal,
  markOpened,
  routeSignal,
  settleSignals,
  skipSignal,
  Sql,
} from '@conduit/db';
import { BILL_STATUSES, OUTCOME_STATUSES, POSITION_STATUSES, SIGNAL_STATUSES } from '@conduit/domain';
import { createTestDatabase, insertAgent, insertDeployment, TestDatabase } from '@conduit/testing';

/**
 * The lifecycle modules (libs/db/src/lifecycle) against real Postgres: each move happens only from the statuses its
 * lifecycle allows, a repeat changes nothing, and the database's CHECK constraints name the same statuses.
 */
describe('lifecycles on real Postgres', () => {
  let db: TestDatabase;
  let pg: Client;
  let q: Sql;
  const one = async (sql: string, params: unknown[] = []) => (await pg.query(sql, params)).rows[0];
  const audits = async (subject: string, event: string) =>
    (await one(`SELECT count(*)::int AS n FROM audit_logs WHERE entity_id = $1 AND action = $2`, [subject, event])).n;

  beforeAll(async () => {
    db = await createTestDatabase();
    pg = new Client({ connectionString: db.url });
    await pg.connect();
    q = { query: async (sql, params) => (await pg.query(sql, params)).rows };
  });
  afterAll(async () => {
    await pg?.end();
    await db?.drop();
  });

  const newSignal = async (agentId: string, skippedReason: string | null = null) => {
    const id = (await one(`SELECT gen_random_uuid() AS id`)).id as string;
    const signal = {
      id,
      agentId,
      tokenSymbol: 'ETH',
      side: 'LONG',
      sizeModel: { type: 'percentage', value: 10 },
      riskModel: { type: 'none' },
      confidence: 0.8,
      sourceTweets: null,
      sourceResearch: null,
    };
    expect(await createSignal(q, signal, skippedReason, 'trace-lifecycle')).toBe(skippedReason === null ? 'PENDING' : 'SKIPPED');
    // stored once, audited once
    expect(await createSignal(q, signal, null)).toBe(skippedReason === null ? 'PENDING' : 'SKIPPED');
    expect(await audits(id, 'v3.signal.created')).toBe(1);
    return id;
  };

  it('has CHECK constraints naming exactly the statuses of each lifecycle', async () => {
    const check = async (name: string) =>
      (await one(`SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conname = $1`, [name])).def;
    const listed = (def: string) => [...def.matchAll(/'([A-Z]+)'/g)].map((m) => m[1]).sort();
    expect(listed(await check('ck_signals_v3_status'))).toEqual([...SIGNAL_STATUSES].sort());
    expect(listed(await check('ck_positions_v3_status'))).toEqual([...POSITION_STATUSES].sort());
    const outcome = (
      await one(`SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = 'signal_outcomes'::regclass
                                  AND pg_get_constraintdef(oid) LIKE '%outcome = ANY%' AND conname NOT LIKE '%reason%'`)
    ).def;
    expect(listed(outcome)).toEqual([...OUTCOME_STATUSES].sort());
    const labels = (await pg.query(`SELECT unnest(enum_range(NULL::bill_status_t))::text AS s`)).rows.map((r) => r.s).sort();
    expect(labels).toEqual([...BILL_STATUSES].sort());
    const signalId = await newSignal(await insertAgent(pg));
    await expect(pg.query(`UPDATE signals_v3 SET status = 'LOST' WHERE id = $1`, [signalId])).rejects.toThrow(/ck_signals_v3_status/);
  });

  it('moves a signal PENDING → ROUTED → EXECUTED once, and refuses moves its lifecycle does not have', async () => {
    const agentId = await insertAgent(pg);
    const deploymentId = await insertDeployment(pg, agentId);
    const signalId = await newSignal(agentId);
    expect(await recordVerdicts(q, signalId, agentId, [approve(deploymentId)])).toBe(1);
    expect(await recordVerdicts(q, signalId, agentId, [approve(deploymentId)])).toBe(0); // once

    expect(await routeSignal(q, signalId, 'HYPERLIQUID')).toEqual({ venue: 'HYPERLIQUID', routedNow: true });
    expect(await routeSignal(q, signalId, 'OSTIUM')).toEqual({ venue: 'HYPERLIQUID', routedNow: false });
    expect(await skipSignal(q, signalId, 'too late')).toBe(false); // a ROUTED signal is not skipped

    await settleSignals(q, [signalId]);
    expect((await one(`SELECT status FROM signals_v3 WHERE id = $1`, [signalId])).status).toBe('ROUTED'); // a deployment waits

    await assignVenues(q, signalId, [{ deploymentId, venue: 'HYPERLIQUID', candidates: [], skipReason: null }]);
    const idOf = await createPositions(q, [position(signalId, deploymentId, 'OPEN')]);
    await markOpened(q, [{ signalId, deploymentId, positionId: idOf(signalId, deploymentId) }]);
    await failOutcome(q, signalId, deploymentId, 'too late'); // an OPENED outcome does not fail
    expect(await one(`SELECT outcome FROM signal_outcomes WHERE signal_id = $1`, [signalId])).toEqual({ outcome: 'OPENED' });

    await settleSignals(q, [signalId]);
    await settleSignals(q, [signalId]);
    expect(await one(`SELECT status, failure_reason FROM signals_v3 WHERE id = $1`, [signalId])).toEqual({
      status: 'EXECUTED',
      failure_reason: null,
    });
    expect(await failSignal(q, signalId, 'too late')).toBe(false);
  });

  it('ends a signal whose deployments all failed FAILED, with its reason apart from a skip', async () => {
    const agentId = await insertAgent(pg);
    const deploymentId = await insertDeployment(pg, agentId);
    const signalId = await newSignal(agentId);
    await recordVerdicts(q, signalId, agentId, [approve(deploymentId)]);
    await routeSignal(q, signalId, 'HYPERLIQUID');
    await assignVenues(q, signalId, [{ deploymentId, venue: 'HYPERLIQUID', candidates: ['OSTIUM'], skipReason: null }]);
    expect(await failOver(q, signalId, deploymentId, 'ORDER_REJECTED: no')).toEqual({ from: 'HYPERLIQUID', to: 'OSTIUM' });
    expect(await failOver(q, signalId, deploymentId, 'ORDER_REJECTED: no')).toBeNull(); // no candidate left
    await failOutcome(q, signalId, deploymentId, 'ORDER_REJECTED: no');
    await settleSignals(q, [signalId]);
    expect(await one(`SELECT status, skipped_reason, failure_reason FROM signals_v3 WHERE id = $1`, [signalId])).toEqual({
      status: 'FAILED',
      skipped_reason: null,
      failure_reason: 'no position opened: see signal_outcomes',
    });
    const skipped = await newSignal(agentId, 'agent is PAUSED');
    expect(await routeSignal(q, skipped, 'HYPERLIQUID')).toEqual({ venue: null, routedNow: false });
  });

  it('opens a pending position once, closes an open one once, and never reopens a closed one', async () => {
    const agentId = await insertAgent(pg);
    const deploymentId = await insertDeployment(pg, agentId);
    const signalId = await newSignal(agentId);
    const idOf = await createPositions(q, [position(signalId, deploymentId, 'PENDING')]);
    const id = idOf(signalId, deploymentId);
    expect(await one(`SELECT leverage, liquidation_price FROM positions_v3 WHERE id = $1`, [id])).toEqual({
      leverage: 10,
      liquidation_price: '1818.18181819',
    });
    expect((await createPositions(q, [position(signalId, deploymentId, 'OPEN')]))(signalId, deploymentId)).toBe(id); // adopted
    const close = { exitPrice: '2100', reason: 'MANUAL', pnl: '125', exitTxHash: null };
    const trail = { event: 'v3.position.closed', payload: {} };
    expect(await closePosition(q, id, close, trail)).toBe(false); // PENDING does not close

    const row = {
      id,
      deployment_id: deploymentId,
      signal_id: signalId,
      venue: 'HYPERLIQUID' as const,
      token_symbol: 'ETH',
      side: 'LONG' as const,
    };
    // The oracle filled at 1980: the liquidation price is taken again there (1980 × 0.9 / 0.99 = 1800).
    const fill = { qty: '1.25', entryPrice: '1980', stopLoss: null, takeProfit: null, trailingParams: null, liquidationPrice: '1800' };
    const facts = { mode: 'paper', fee: '1', clientOrderId: '0x01', venueOrderId: 'v-1' };
    expect(await confirmOpen(q, row, fill, facts)).toBe(true);
    expect(await confirmOpen(q, row, fill, facts)).toBe(false);
    expect(await one(`SELECT leverage, liquidation_price FROM positions_v3 WHERE id = $1`, [id])).toEqual({
      leverage: 10,
      liquidation_price: '1800.00000000',
    });
    expect(await failPosition(q, id, 'too late')).toBe(false);
    expect(await audits(id, 'v3.position.opened')).toBe(1);

    expect(await closePosition(q, id, close, trail)).toBe(true);
    expect(await closePosition(q, id, { ...close, pnl: '999' }, trail)).toBe(false);
    expect(await one(`SELECT status, pnl FROM positions_v3 WHERE id = $1`, [id])).toEqual({ status: 'CLOSED', pnl: '125.00000000' });
    expect(await audits(id, 'v3.position.closed')).toBe(1);
    expect(await confirmOpen(q, row, fill, facts)).toBe(false);
  });

  it('bills a position once, collects a bill once, and never fails a collected one', async () => {
    const agentId = await insertAgent(pg);
    const deploymentId = await insertDeployment(pg, agentId);
    const signalId = await newSignal(agentId);
    const id = (await createPositions(q, [position(signalId, deploymentId, 'OPEN')]))(signalId, deploymentId);
    const bill = { positionId: id, deploymentId, amount: '12.5', metadata: {} };
    const billId = await createProfitShare(q, bill);
    expect(await createProfitShare(q, bill)).toBe(billId);
    expect(await audits(billId, 'v3.bill.created')).toBe(1);
    const receipt = { collector: 'paper-ledger', reference: 'r-1', collectedAt: new Date('2026-06-15T10:00:00Z') };
    const row = { id: billId, kind: 'PROFIT_SHARE' as const, amount: '12.5' };
    expect(await collectBill(q, row, receipt)).toBe(true);
    expect(await collectBill(q, row, receipt)).toBe(false);
    expect(await failBill(q, billId, 'late refusal', 3)).toBe(false);
    expect(await one(`SELECT status, metadata->>'collected_at' AS at FROM billing_events_v3 WHERE id = $1`, [billId])).toEqual({
      status: 'COLLECTED',
      at: '2026-06-15T10:00:00.000Z',
    });
  });
});

function approve(deploymentId: string) {
  const decision = {
    decision: 'TRADE' as const,
    code: 'TRADE',
    reason: 'ok',
    sizeModel: null,
    leverage: 1,
    venues: null,
    effectivePolicy: {},
    inputs: {},
  };
  return { deploymentId, skipReason: null, decision };
}

function position(signalId: string, deploymentId: string, status: 'OPEN' | 'PENDING') {
  return {
    deploymentId,
    signalId,
    venue: 'HYPERLIQUID',
    tokenSymbol: 'ETH',
    side: 'LONG' as const,
    qty: '1.25',
    entryPrice: '2000',
    stopLoss: null,
    takeProfit: null,
    trailingParams: null,
    status,
    entryTxHash: null,
    leverage: 10,
    // 10x on a 50x market (maintenance 1%): 2000 × 0.9 / 0.99 = 1818.1818…, rounded toward the entry
    liquidationPrice: '1818.18181819',
    facts: { mode: 'paper', fee: '1', clientOrderId: '0x01', venueOrderId: null },
  };
}
