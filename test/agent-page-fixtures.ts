import { Client } from 'pg';
import { insertBookPosition, insertDeployment, insertTrader } from '@conduit/testing';

/** The day the agent page's fixtures end on (the gateway's clock in the tests that read them). */
export const AGENT_AS_OF = new Date('2026-06-15T12:00:00Z');
const at = (iso: string) => new Date(iso);

/** The trades of the fixture, oldest first, as the page shows them (New York time, en-US). */
export const TRADES = [
  {
    opened: at('2026-06-10T14:00:00Z'),
    closed: at('2026-06-10T18:30:00Z'),
    side: 'LONG' as const,
    qty: '0.5',
    entry: '2000',
    exit: '2100',
    pnl: '49.1',
    fees: ['0.45', '0.45'],
    sl: '1950',
    tp: '2100',
    reason: 'TAKE_PROFIT',
  },
  {
    opened: at('2026-06-11T09:15:00Z'),
    closed: at('2026-06-11T11:45:00Z'),
    side: 'SHORT' as const,
    qty: '0.25',
    entry: '2080',
    exit: '2120',
    pnl: '-10.45',
    fees: ['0.2', '0.25'],
    sl: '2120',
    tp: '1980',
    reason: 'STOP_LOSS',
  },
  {
    opened: at('2026-06-12T15:00:00Z'),
    closed: at('2026-06-13T01:00:00Z'),
    side: 'LONG' as const,
    qty: '1.2',
    entry: '2050.5',
    exit: '2060.75',
    pnl: '10.3',
    fees: ['1', '0.9'],
    sl: '2000',
    tp: '2150',
    reason: 'AGENT_CLOSE',
  },
];

/** Daily PnL of the book (pnl_snapshots_v3): cumulative 49.10, 38.65, 38.65, 48.95; drawdown 0, -10.45, -10.45, -0.15. */
export const DAYS = [
  ['2026-06-10', '49.1'],
  ['2026-06-11', '-10.45'],
  ['2026-06-12', '0'],
  ['2026-06-13', '10.3'],
] as const;

export interface AgentPageSeed {
  agentId: string;
  bookId: string;
  positionIds: string[];
  signalIds: string[];
}

/**
 * An llm_trader "Orion" with three closed ETH trades of known PnL and fees, its daily PnL, ETH marks every 30 minutes
 * over the trades' days, a decision log (the three opening decisions, a HOLD and an unparsable answer), Agent Where's
 * routing of each signal (two on HYPERLIQUID, one on OSTIUM), its own routing config, and a subscriber beside its book.
 */
export async function seedAgentPage(pg: Client): Promise<AgentPageSeed> {
  const { agentId, bookId } = await insertTrader(pg, { name: 'Orion', initialBalance: '1000' });
  await insertDeployment(pg, agentId);
  const positionIds: string[] = [];
  const signalIds: string[] = [];
  for (const [i, t] of TRADES.entries()) {
    const p = await insertBookPosition(pg, agentId, bookId, {
      side: t.side,
      qty: t.qty,
      entry: t.entry,
      status: 'CLOSED',
      exit: t.exit,
      pnl: t.pnl,
      exitReason: t.reason,
      openFee: t.fees[0],
      closeFee: t.fees[1],
      openedAt: t.opened,
      closedAt: t.closed,
    });
    positionIds.push(p.positionId);
    signalIds.push(p.signalId);
    await pg.query(`UPDATE positions_v3 SET stop_loss = $2, take_profit = $3 WHERE id = $1`, [p.positionId, t.sl, t.tp]);
    await pg.query(
      `UPDATE agent_decisions SET timestamp = $2, reasoning = $3, prompt_content = $4, llm_response = $5, model = 'deepseek-chat',
              stop_loss_price = $6, take_profit_price = $7, size_usd = $8
        WHERE id = $1`,
      [
        p.decisionId,
        new Date(t.opened.getTime() - 60_000),
        `Trade ${i + 1}: ETH momentum`,
        `PROMPT ${i + 1}: account and market state`,
        `{"action": "${t.side === 'LONG' ? 'OPEN_LONG' : 'OPEN_SHORT'}", "coin": "ETH"}`,
        t.sl,
        t.tp,
        '1000',
      ],
    );
    const venue = i === 1 ? 'OSTIUM' : 'HYPERLIQUID';
    await pg.query(
      `INSERT INTO venue_routing_history_v3 (signal_id, token_symbol, requested_venue, selected_venue, routing_reason, checked_venues,
                                             venue_availability, routing_duration_ms, created_at)
       VALUES ($1, 'ETH', 'MULTI', $2, $3, ARRAY['HYPERLIQUID', 'OSTIUM'], $4, $5, $6)`,
      [
        p.signalId,
        venue,
        `${venue} first available`,
        JSON.stringify({ HYPERLIQUID: venue === 'HYPERLIQUID', OSTIUM: true }),
        10 + i,
        new Date(t.opened.getTime() - 30_000),
      ],
    );
  }
  await pg.query(
    `INSERT INTO agent_decisions (agent_id, timestamp, action, coin, size_usd, leverage, stop_loss_price, take_profit_price, confidence,
                                  reasoning, prompt_content, llm_response, status, error_message, source_type)
     VALUES ($1, $2, 'HOLD', 'ETH', 0, 1, 0, 0, 0.4, 'No edge: waiting', 'PROMPT hold', '{"action": "HOLD"}', 'success', NULL, 'llm_cycle'),
            ($1, $3, 'HOLD', 'ETH', 0, 1, 0, 0, 0, 'unparsable answer', 'PROMPT bad', 'I think ETH goes up', 'parsing_error',
             'no JSON object in the answer', 'llm_cycle')`,
    [agentId, at('2026-06-14T10:00:00Z'), at('2026-06-14T11:00:00Z')],
  );
  for (const [day, pnl] of DAYS)
    await pg.query(
      `INSERT INTO pnl_snapshots_v3 (agent_id, deployment_id, day, pnl, realized_pnl, start_equity) VALUES ($1, $2, $3, $4, $4, 1000)`,
      [agentId, bookId, day, pnl],
    );
  // ETH marks on HYPERLIQUID every 30 minutes from June 10 12:00 to June 13 03:00 UTC: a zigzag between 2000 and 2120.
  const start = at('2026-06-10T12:00:00Z').getTime();
  const values: string[] = [];
  for (let k = 0; k <= 126; k++)
    values.push(`('HYPERLIQUID', 'ETH', to_timestamp(${(start + k * 1_800_000) / 1000}), ${2000 + ((k * 7) % 120)})`);
  await pg.query(`INSERT INTO market_marks (venue, token_symbol, minute, mark) VALUES ${values.join(', ')}`);
  await pg.query(
    `INSERT INTO venue_routing_config_v3 (agent_id, venue_priority, routing_strategy)
     VALUES ($1, ARRAY['OSTIUM', 'HYPERLIQUID'], 'FIRST_AVAILABLE')`,
    [agentId],
  );
  return { agentId, bookId, positionIds, signalIds };
}
