// What a chaos run left in the database (the ledger) and its verdict: exactly one outcome per signal × deployment,
// no duplicates, and every outcome, fill, PnL and bill equal to the baseline run's.
import { Pool } from 'pg';
import { GmxChainFigures } from './gmx';
import { allDeployments, expectedOutcomes, q, Workload } from './scenario';

/** What a run left in the database, keyed so that two runs (same ids) compare row by row. */
export interface Ledger {
  outcomes: Map<string, string>;
  positions: Map<string, { status: string; qty: string; entry: string; exit: string | null; pnl: string | null; reason: string | null }>;
  bills: Map<string, { amount: string; status: string }>;
  orders: Map<string, { status: string; qty: string | null; price: string | null; fee: string | null }>;
  totals: Totals;
  duplicates: Record<string, number>;
  signalsNotFinal: number;
  /** GMX positions per deployment, from the database (each must have sent exactly two orders to the chain). */
  gmxPositionsByDeployment: Map<string, number>;
}

export interface Totals {
  signals: number;
  outcomes: number;
  opened: number;
  skipped: number;
  failed: number;
  pending: number;
  positions: number;
  closed: number;
  pnl: string;
  fees: string;
  orders: number;
  bills: number;
  billed: string;
  collected: number;
  gmx_positions: number;
  gmx_closed: number;
  gmx_pnl: string;
  gmx_fees: string;
  gmx_orders: number;
  gmx_bills: number;
  /** Live profit shares wait for the user's signed usdSend: PENDING is where they stay. */
  live_bills_pending: number;
}

export async function ledger(pg: Pool): Promise<Ledger> {
  const outcomes = new Map<string, string>();
  for (const r of await q(pg, `SELECT signal_id, deployment_id, outcome FROM signal_outcomes`))
    outcomes.set(`${r.signal_id}|${r.deployment_id}`, r.outcome);
  const positions: Ledger['positions'] = new Map();
  for (const r of await q(
    pg,
    `SELECT signal_id, deployment_id, status, qty::text, entry_price::text, exit_price::text, pnl::text, exit_reason FROM positions_v3`,
  )) {
    positions.set(`${r.signal_id}|${r.deployment_id}`, {
      status: r.status,
      qty: r.qty,
      entry: r.entry_price,
      exit: r.exit_price,
      pnl: r.pnl,
      reason: r.exit_reason,
    });
  }
  const bills: Ledger['bills'] = new Map();
  for (const r of await q(
    pg,
    `SELECT p.signal_id, p.deployment_id, b.amount::text, b.status FROM billing_events_v3 b JOIN positions_v3 p ON p.id = b.position_id
      WHERE b.kind = 'PROFIT_SHARE'`,
  )) {
    bills.set(`${r.signal_id}|${r.deployment_id}`, { amount: r.amount, status: r.status });
  }
  const orders: Ledger['orders'] = new Map();
  for (const r of await q(
    pg,
    `SELECT venue, client_order_id, status, filled_qty::text, avg_fill_price::text, fee::text FROM venue_orders`,
  )) {
    orders.set(`${r.venue}|${r.client_order_id}`, { status: r.status, qty: r.filled_qty, price: r.avg_fill_price, fee: r.fee });
  }
  const [t] = await q(
    pg,
    `SELECT (SELECT count(*)::int FROM signals_v3) AS signals,
            (SELECT count(*)::int FROM signal_outcomes) AS outcomes,
            (SELECT count(*)::int FROM signal_outcomes WHERE outcome = 'OPENED') AS opened,
            (SELECT count(*)::int FROM signal_outcomes WHERE outcome = 'SKIPPED') AS skipped,
            (SELECT count(*)::int FROM signal_outcomes WHERE outcome = 'FAILED') AS failed,
            (SELECT count(*)::int FROM signal_outcomes WHERE outcome = 'PENDING') AS pending,
            (SELECT count(*)::int FROM positions_v3) AS positions,
            (SELECT count(*)::int FROM positions_v3 WHERE status = 'CLOSED') AS closed,
            (SELECT COALESCE(sum(pnl), 0)::text FROM positions_v3) AS pnl,
            (SELECT COALESCE(sum(fee), 0)::text FROM venue_orders WHERE status = 'FILLED') AS fees,
            (SELECT count(*)::int FROM venue_orders) AS orders,
            (SELECT count(*)::int FROM billing_events_v3 WHERE kind = 'PROFIT_SHARE') AS bills,
            (SELECT COALESCE(sum(amount), 0)::text FROM billing_events_v3 WHERE kind = 'PROFIT_SHARE') AS billed,
            (SELECT count(*)::int FROM billing_events_v3 WHERE kind = 'PROFIT_SHARE' AND status = 'COLLECTED') AS collected,
            (SELECT count(*)::int FROM positions_v3 WHERE venue = 'GMX') AS gmx_positions,
            (SELECT count(*)::int FROM positions_v3 WHERE venue = 'GMX' AND status = 'CLOSED') AS gmx_closed,
            (SELECT COALESCE(sum(pnl), 0)::text FROM positions_v3 WHERE venue = 'GMX') AS gmx_pnl,
            (SELECT COALESCE(sum(fee), 0)::text FROM venue_orders WHERE venue = 'GMX' AND status = 'FILLED') AS gmx_fees,
            (SELECT count(*)::int FROM venue_orders WHERE venue = 'GMX') AS gmx_orders,
            (SELECT count(*)::int FROM billing_events_v3 b JOIN positions_v3 p ON p.id = b.position_id
              WHERE b.kind = 'PROFIT_SHARE' AND p.venue = 'GMX') AS gmx_bills,
            (SELECT count(*)::int FROM billing_events_v3 b JOIN agent_deployments_v3 d ON d.id = b.deployment_id
              WHERE b.kind = 'PROFIT_SHARE' AND d.trading_mode = 'live' AND b.status = 'PENDING') AS live_bills_pending`,
  );
  // The unique constraints make these zero by construction; counted anyway, since they are the claim.
  const [d] = await q(
    pg,
    `SELECT (SELECT count(*)::int FROM (SELECT 1 FROM signal_outcomes GROUP BY signal_id, deployment_id HAVING count(*) > 1) x) AS outcomes,
            (SELECT count(*)::int FROM (SELECT 1 FROM positions_v3 GROUP BY deployment_id, signal_id HAVING count(*) > 1) x) AS positions,
            (SELECT count(*)::int FROM (SELECT 1 FROM venue_orders GROUP BY venue, client_order_id HAVING count(*) > 1) x) AS cloids,
            (SELECT count(*)::int FROM (SELECT 1 FROM venue_orders GROUP BY deployment_id, signal_id, reduce_only HAVING count(*) > 1) x)
              AS orders_per_leg,
            (SELECT count(*)::int FROM (SELECT 1 FROM billing_events_v3 WHERE kind = 'PROFIT_SHARE' GROUP BY position_id HAVING count(*) >
              1) x) AS bills,
            (SELECT count(*)::int FROM (SELECT 1 FROM venue_routing_history_v3 GROUP BY signal_id HAVING count(*) > 1) x) AS routings,
            (SELECT count(*)::int FROM (SELECT 1 FROM audit_logs WHERE action = 'v3.position.opened' GROUP BY entity_id HAVING
              count(*) > 1) x) AS open_audits,
            (SELECT count(*)::int FROM (SELECT 1 FROM audit_logs WHERE action = 'v3.position.closed' GROUP BY entity_id HAVING
              count(*) > 1) x) AS close_audits`,
  );
  const [{ n: signalsNotFinal }] = await q(
    pg,
    `SELECT count(*)::int AS n FROM signals_v3 WHERE status NOT IN ('EXECUTED', 'SKIPPED', 'FAILED')`,
  );
  const gmxPositionsByDeployment = new Map<string, number>();
  for (const r of await q(pg, `SELECT deployment_id, count(*)::int AS n FROM positions_v3 WHERE venue = 'GMX' GROUP BY deployment_id`))
    gmxPositionsByDeployment.set(r.deployment_id, r.n);
  return { outcomes, positions, bills, orders, totals: t, duplicates: d, signalsNotFinal, gmxPositionsByDeployment };
}

/**
 * The verdict on a run: every signal × deployment has exactly one final outcome, nothing duplicated, and — against
 * the baseline when given — the same outcome, position, fill and bill for every key. With a GMX leg, `chain` is what
 * the chain recorded: one OrderCreated per open and per close of each account, all executed, no position left open.
 */
export function verify(
  run: Ledger,
  w: Workload,
  baseline?: Ledger,
  chain?: GmxChainFigures,
): { violations: string[]; lost: number; duplicates: number; mismatches: number } {
  const violations: string[] = [];
  const expected = expectedOutcomes(w);
  const t = run.totals;
  let lost = 0;
  const missingOutcomes = w.signals * allDeployments(w) - t.outcomes;
  if (t.signals !== w.signals) {
    violations.push(`${w.signals - t.signals} signal(s) never stored`);
    lost += w.signals - t.signals;
  }
  if (missingOutcomes > 0) {
    violations.push(`${missingOutcomes} signal × deployment pair(s) have no outcome`);
    lost += missingOutcomes;
  }
  if (t.pending) {
    violations.push(`${t.pending} outcome(s) still PENDING`);
    lost += t.pending;
  }
  if (run.signalsNotFinal) violations.push(`${run.signalsNotFinal} signal(s) not final (EXECUTED / SKIPPED / FAILED)`);
  if (t.failed) violations.push(`${t.failed} outcome(s) FAILED (an infrastructure fault must not become a business failure)`);
  if (t.opened !== expected.opened || t.skipped !== expected.skipped)
    violations.push(`outcomes ${t.opened} opened / ${t.skipped} skipped, expected ${expected.opened} / ${expected.skipped}`);
  if (t.positions !== t.opened) violations.push(`${t.positions} position(s) for ${t.opened} opened outcome(s)`);
  if (t.closed !== t.positions) {
    violations.push(`${t.positions - t.closed} position(s) not closed`);
    lost += t.positions - t.closed;
  }
  if (t.orders !== 2 * t.positions)
    violations.push(`${t.orders} venue order(s) for ${t.positions} position(s) (expected one open and one close each)`);
  const profitable = [...run.positions.values()].filter((p) => p.pnl !== null && Number(p.pnl) > 0).length;
  if (t.bills !== profitable) {
    violations.push(`${t.bills} profit-share bill(s) for ${profitable} profitable position(s)`);
    lost += Math.max(0, profitable - t.bills);
  }
  if (t.collected + t.live_bills_pending !== t.bills)
    violations.push(`${t.bills - t.collected - t.live_bills_pending} paper bill(s) not collected (or live ones not PENDING)`);
  let duplicates = Object.values(run.duplicates).reduce((a, b) => a + b, 0);
  if (t.gmx_positions !== expected.gmxOpened) violations.push(`${t.gmx_positions} GMX position(s), expected ${expected.gmxOpened}`);
  if (chain) {
    for (const [deployment, created] of Object.entries(chain.createdByDeployment)) {
      const expectedOrders = 2 * (run.gmxPositionsByDeployment.get(deployment) ?? 0);
      if (created === expectedOrders) continue;
      violations.push(`GMX deployment ${deployment}: ${created} order(s) created on chain for ${expectedOrders / 2} position(s)`);
      duplicates += Math.max(0, created - expectedOrders);
    }
    if (chain.ordersCreated !== t.gmx_orders)
      violations.push(`${chain.ordersCreated} GMX order(s) on chain, ${t.gmx_orders} in the ledger`);
    if (chain.ordersExecuted !== chain.ordersCreated)
      violations.push(`${chain.ordersExecuted} of ${chain.ordersCreated} GMX order(s) executed by the keeper`);
    if (chain.ordersCancelled || chain.ordersFrozen)
      violations.push(`${chain.ordersCancelled} GMX order(s) cancelled, ${chain.ordersFrozen} frozen`);
    if (chain.openPositions || chain.pendingOrders) {
      const shown = chain.openPositionDetail.slice(0, 5).join('; ');
      violations.push(`${chain.openPositions} GMX position(s) still open on chain (${shown}), ${chain.pendingOrders} order(s) pending`);
    }
  }
  for (const [what, n] of Object.entries(run.duplicates)) if (n) violations.push(`${n} duplicate ${what}`);

  let mismatches = 0;
  if (baseline) {
    const differ = (what: string, a: unknown, b: unknown, key: string) => {
      if (JSON.stringify(a) === JSON.stringify(b)) return;
      mismatches++;
      if (mismatches <= 10) violations.push(`${what} ${key}: ${JSON.stringify(a)} vs baseline ${JSON.stringify(b)}`);
    };
    const keys = <T>(a: Map<string, T>, b: Map<string, T>) => new Set([...a.keys(), ...b.keys()]);
    for (const k of keys(run.outcomes, baseline.outcomes)) differ('outcome', run.outcomes.get(k), baseline.outcomes.get(k), k);
    for (const k of keys(run.positions, baseline.positions)) differ('position', run.positions.get(k), baseline.positions.get(k), k);
    for (const k of keys(run.bills, baseline.bills)) differ('bill', run.bills.get(k), baseline.bills.get(k), k);
    for (const k of keys(run.orders, baseline.orders)) differ('order', run.orders.get(k), baseline.orders.get(k), k);
    const totals = (x: Totals) => ({
      positions: x.positions,
      pnl: x.pnl,
      fees: x.fees,
      orders: x.orders,
      bills: x.bills,
      billed: x.billed,
      gmx_positions: x.gmx_positions,
      gmx_pnl: x.gmx_pnl,
      gmx_fees: x.gmx_fees,
      gmx_orders: x.gmx_orders,
    });
    if (JSON.stringify(totals(t)) !== JSON.stringify(totals(baseline.totals))) {
      violations.push(`totals ${JSON.stringify(totals(t))} differ from the baseline's ${JSON.stringify(totals(baseline.totals))}`);
    }
    if (mismatches > 10) violations.push(`… ${mismatches - 10} more row(s) differ from the baseline`);
  }
  return { violations, lost, duplicates, mismatches };
}
