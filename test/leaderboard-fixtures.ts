import { insertAgent, insertDeployment } from '@conduit/testing';

type Pg = { query: (sql: string, params?: unknown[]) => Promise<{ rows: any[] }> };

/** The day the leaderboard's tests stand on (their clock): sparklines end here. */
export const AS_OF = '2026-06-15T09:30:00.000Z';

/**
 * Four agents with known figures, as billing would have stored them: agents_v3's APRs and Sharpe, two agent_performance
 * rows each (the later one is the leaderboard's), deployments (one STOPPED, not a subscriber) and daily snapshots
 * (one before the 90-day window, two deployments on one day, one after the clock's day).
 */
export async function seedLeaderboard(pg: Pg) {
  const agent = (name: string, fields: Record<string, unknown>) => insertAgent(pg, { name, ...fields });
  const alpha = await agent('Alpha', { apr_30d: 12.5, apr_90d: 30.25, apr_si: 48.125, sharpe_30d: 1.75 });
  const beta = await agent('Beta', { kind: 'llm_trader', apr_30d: 40, apr_90d: 10.5, sharpe_30d: -0.5 });
  const gamma = await agent('Gamma', { status: 'PAUSED' });
  const delta = await agent('Delta', { apr_30d: -3.25, apr_90d: 5, apr_si: 2.5, sharpe_30d: 0.25 });

  const performance = async (id: string, at: string, realized: string, drawdown: string, drawdownPct: string) =>
    pg.query(
      `INSERT INTO agent_performance (agent_id, snapshot_time, total_value, cash_balance, position_value, realized_pnl, unrealized_pnl,
                                      total_pnl, max_drawdown, max_drawdown_percent)
       VALUES ($1, $2, 0, 0, 0, $3, 0, $3, $4, $5)`,
      [id, at, realized, drawdown, drawdownPct],
    );
  await performance(alpha, '2026-06-14T10:00:00Z', '100.00', '50.0000', '5.00');
  await performance(alpha, '2026-06-15T09:00:00Z', '250.50', '80.2500', '7.50');
  await performance(beta, '2026-06-14T10:00:00Z', '12.00', '1.0000', '0.10');
  await performance(beta, '2026-06-15T09:00:00Z', '-42.10', '120.0000', '12.34');
  await performance(delta, '2026-06-15T09:00:00Z', '0.00', '10.0000', '1.00');

  const a1 = await insertDeployment(pg, alpha);
  const a2 = await insertDeployment(pg, alpha);
  await insertDeployment(pg, alpha, { status: 'STOPPED' });
  const b1 = await insertDeployment(pg, beta);
  const snapshot = (agentId: string, deploymentId: string, day: string, realized: string) =>
    pg.query(`INSERT INTO pnl_snapshots_v3 (agent_id, deployment_id, day, pnl, realized_pnl) VALUES ($1, $2, $3, $4, $4)`, [
      agentId,
      deploymentId,
      day,
      realized,
    ]);
  await snapshot(alpha, a1, '2026-03-01', '10.12345678');
  await snapshot(alpha, a1, '2026-05-01', '20');
  await snapshot(alpha, a1, '2026-06-01', '100.5');
  await snapshot(alpha, a2, '2026-06-01', '0.25');
  await snapshot(alpha, a1, '2026-06-14', '-5.5');
  await snapshot(alpha, a1, '2026-06-16', '999');
  await snapshot(beta, b1, '2026-06-10', '-42.1');
  return { alpha, beta, gamma, delta };
}
