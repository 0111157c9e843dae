import { EntityManager } from 'typeorm';
import { agentMetrics, DailyPoint } from '@conduit/domain';

/** An agent's daily PnL across its deployments: Σ pnl, and that over Σ start-of-day equity (pnl_snapshots_v3). */
export async function agentDailySeries(em: EntityManager, agentId: string): Promise<(DailyPoint & { pnl_text: string })[]> {
  const rows: { day: string; pnl: string; equity: string | null }[] = await em.query(
    `SELECT day::text AS day, sum(pnl)::text AS pnl, sum(start_equity)::text AS equity
       FROM pnl_snapshots_v3 WHERE agent_id = $1 GROUP BY day ORDER BY day`,
    [agentId],
  );
  return rows.map((r) => ({ day: r.day, pnl: Number(r.pnl), pnl_text: r.pnl, ret: r.equity && Number(r.equity) > 0 ? Number(r.pnl) / Number(r.equity) : 0 }));
}

/** Recomputes agents_v3.apr_30d, apr_90d, apr_si and sharpe_30d from the snapshots (docs/MONEY.md). */
export async function refreshAgentMetrics(em: EntityManager, agentIds: string[], asOf: string): Promise<void> {
  for (const id of agentIds) {
    const m = agentMetrics(await agentDailySeries(em, id), asOf);
    await em.query(`UPDATE agents_v3 SET apr_30d = $2, apr_90d = $3, apr_si = $4, sharpe_30d = $5, updated_at = now() WHERE id = $1`, [
      id,
      m.apr_30d,
      m.apr_90d,
      m.apr_si,
      m.sharpe_30d,
    ]);
  }
}
