import { randomBytes } from 'crypto';
import { TEST_WALLET } from './auth';

/** What the fixtures need of a pg client. */
interface Pg {
  query(sql: string, params?: unknown[]): Promise<{ rows: any[] }>;
}

/**
 * An llm_trader as the agents API makes one (direct SQL: fixtures, not the API under test): its agents_v3 row, its
 * trading_agents row and its own book, a paper deployment starting from the initial balance.
 */
export async function insertTrader(
  pg: Pg,
  fields: { initialBalance?: string; status?: string; name?: string } = {},
): Promise<{ agentId: string; bookId: string }> {
  const balance = fields.initialBalance ?? '1000';
  const {
    rows: [a],
  } = await pg.query(
    `INSERT INTO agents_v3 (creator_wallet, name, profit_receiver_address, status, kind)
     VALUES ($1, $2, $1, $3, 'llm_trader') RETURNING id`,
    [TEST_WALLET.address.toLowerCase(), fields.name ?? `Trader ${randomBytes(4).toString('hex')}`, fields.status ?? 'ACTIVE'],
  );
  await pg.query(
    `INSERT INTO trading_agents (id, llm_model, exchange_account, initial_balance) VALUES ($1, 'deepseek-chat', 'paper', $2)`,
    [a.id, balance],
  );
  const {
    rows: [d],
  } = await pg.query(
    `INSERT INTO agent_deployments_v3 (agent_id, user_wallet, book, paper_equity_usd) VALUES ($1, $2, true, $3) RETURNING id`,
    [a.id, `0x${randomBytes(20).toString('hex')}`, balance],
  );
  return { agentId: a.id, bookId: d.id };
}

export interface BookPositionFixture {
  coin?: string;
  side?: 'LONG' | 'SHORT';
  qty: string;
  entry: string;
  status?: 'PENDING' | 'OPEN' | 'CLOSED' | 'FAILED';
  mark?: string | null;
  exit?: string | null;
  pnl?: string | null;
  exitReason?: string | null;
  closedAt?: Date | null;
  openedAt?: Date;
  /** Fees of the filled open and close orders (a close order only when given). */
  openFee?: string;
  closeFee?: string;
  /** The llm_cycle decision behind the signal (none when false). */
  decision?: boolean;
}

/**
 * A position of a deployment with what the pipeline leaves beside it: its signal, the llm_cycle decision that made
 * the signal (optional) and its filled orders with their fees. Returns the ids.
 */
export async function insertBookPosition(
  pg: Pg,
  agentId: string,
  deploymentId: string,
  p: BookPositionFixture,
): Promise<{ positionId: string; signalId: string; decisionId: string | null; openOrderId: string }> {
  const coin = p.coin ?? 'ETH';
  const side = p.side ?? 'LONG';
  const {
    rows: [s],
  } = await pg.query(
    `INSERT INTO signals_v3 (agent_id, token_symbol, side, size_model, risk_model) VALUES ($1, $2, $3, '{}', '{}') RETURNING id`,
    [agentId, coin, side],
  );
  let decisionId: string | null = null;
  if (p.decision !== false) {
    const {
      rows: [dec],
    } = await pg.query(
      `INSERT INTO agent_decisions (agent_id, action, coin, size_usd, leverage, stop_loss_price, take_profit_price, confidence, reasoning,
                                    source_type, signal_id)
       VALUES ($1, $2, $3, 100, 1, 0, 0, 0.8, 'fixture', 'llm_cycle', $4) RETURNING id`,
      [agentId, side === 'LONG' ? 'OPEN_LONG' : 'OPEN_SHORT', coin, s.id],
    );
    decisionId = dec.id;
  }
  const {
    rows: [pos],
  } = await pg.query(
    `INSERT INTO positions_v3 (deployment_id, signal_id, venue, token_symbol, side, qty, entry_price, current_price, status, exit_price,
                               pnl, exit_reason, closed_at, opened_at)
     VALUES ($1, $2, 'HYPERLIQUID', $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
    [
      deploymentId,
      s.id,
      coin,
      side,
      p.qty,
      p.entry,
      p.mark ?? null,
      p.status ?? 'OPEN',
      p.exit ?? null,
      p.pnl ?? null,
      p.exitReason ?? null,
      p.closedAt ?? (p.status === 'CLOSED' ? new Date() : null),
      p.openedAt ?? new Date(),
    ],
  );
  const openOrderId = `0x${randomBytes(8).toString('hex')}`;
  const order = (leg: string, reduceOnly: boolean, fee: string, venueOrderId: string) =>
    pg.query(
      `INSERT INTO venue_orders (client_order_id, deployment_id, signal_id, position_id, venue, token_symbol, side, reduce_only, qty,
                                 status, filled_qty, fee, venue_order_id)
       VALUES ($1, $2, $3, $4, 'HYPERLIQUID', $5, $6, $7, $8, 'FILLED', $8, $9, $10)`,
      [
        `0x${randomBytes(16).toString('hex')}-${leg}`,
        deploymentId,
        s.id,
        pos.id,
        coin,
        (side === 'LONG') !== reduceOnly ? 'BUY' : 'SELL',
        reduceOnly,
        p.qty,
        fee,
        venueOrderId,
      ],
    );
  await order('open', false, p.openFee ?? '0', openOrderId);
  if (p.closeFee !== undefined) await order('close', true, p.closeFee, `0x${randomBytes(8).toString('hex')}`);
  return { positionId: pos.id, signalId: s.id, decisionId, openOrderId };
}
