import type { BookInput, Side } from '@conduit/domain';
import { dailyPoints, DailyRow } from './performance';
import { Sql, rows } from './sql';

/** One LLM trader's book as read: its ids, and what bookFigures() (libs/domain) takes. */
export interface BookRead extends BookInput {
  agentId: string;
  /** The book deployment. */
  deploymentId: string;
}

interface BookRow {
  agent_id: string;
  deployment_id: string;
  initial_balance: string;
  closed: string[];
  open: { side: Side; qty: string; entry_price: string; mark: string | null; leverage: number | null }[] | null;
  days: DailyRow[] | null;
}

/**
 * The books of the LLM traders that are not STOPPED (or of the given agents), in one statement: the initial balance
 * (trading_agents), the net PnL of each closed position oldest first (archived ones too: positions_history), the open
 * positions at their last mark, and the book's daily PnL (pnl_snapshots_v3, billing.pnl-snapshot). A position opened
 * before the Liquidation migration has no leverage: 1x.
 */
export async function readBooks(q: Sql, agentIds?: readonly string[]): Promise<BookRead[]> {
  const books = await rows<BookRow>(
    q,
    `SELECT a.id AS agent_id, d.id AS deployment_id, t.initial_balance::text AS initial_balance,
            ARRAY(SELECT p.pnl::text FROM positions_history p WHERE p.deployment_id = d.id AND p.status = 'CLOSED' AND p.pnl IS NOT NULL
                   ORDER BY p.closed_at, p.id) AS closed,
            (SELECT json_agg(json_build_object('side', p.side, 'qty', p.qty::text, 'entry_price', p.entry_price::text,
                                               'mark', p.current_price::text, 'leverage', p.leverage))
               FROM positions_v3 p WHERE p.deployment_id = d.id AND p.status = 'OPEN') AS open,
            (SELECT json_agg(json_build_object('day', s.day::text, 'pnl', s.pnl::text, 'equity', s.start_equity::text) ORDER BY s.day)
               FROM pnl_snapshots_v3 s WHERE s.deployment_id = d.id AND s.pnl IS NOT NULL) AS days
       FROM agents_v3 a
       JOIN trading_agents t ON t.id = a.id
       JOIN agent_deployments_v3 d ON d.agent_id = a.id AND d.book
      WHERE a.kind = 'llm_trader' AND ($1::uuid[] IS NULL AND a.status <> 'STOPPED' OR a.id = ANY($1::uuid[]))
      ORDER BY a.id`,
    [agentIds ?? null],
  );
  return books.map((b) => ({
    agentId: b.agent_id,
    deploymentId: b.deployment_id,
    initialBalance: b.initial_balance,
    closedPnls: b.closed,
    open: (b.open ?? []).map((p) => ({ side: p.side, qty: p.qty, entryPrice: p.entry_price, mark: p.mark, leverage: p.leverage })),
    series: dailyPoints(b.days ?? []),
  }));
}
