import { AgentTradeRow } from '@conduit/db';
import { insertBookPosition, insertDeployment, insertTrader, useTestDatabase } from '@conduit/testing';

/** Seed 004's agent_trades, a view over the positions of an agent's own book, on a real Postgres. */
describe('agent_trades (view over the book)', () => {
  const t = useTestDatabase();

  const trades = async (agentId: string) =>
    (await t.pg.query<AgentTradeRow>(`SELECT * FROM agent_trades WHERE agent_id = $1 ORDER BY entry_time, id`, [agentId])).rows;

  it('shows open, closed and liquidated trades with their fees, decision and opening order; never pending or failed ones', async () => {
    const { agentId, bookId } = await insertTrader(t.pg);
    const t0 = Date.parse('2026-06-01T00:00:00Z');
    const at = (minutes: number) => new Date(t0 + minutes * 60_000);
    const open = await insertBookPosition(t.pg, agentId, bookId, {
      side: 'SHORT',
      qty: '0.5',
      entry: '2000',
      mark: '1990.5',
      openFee: '0.45',
      openedAt: at(3),
    });
    const closed = await insertBookPosition(t.pg, agentId, bookId, {
      coin: 'BTC',
      qty: '0.01',
      entry: '60000',
      status: 'CLOSED',
      exit: '61000',
      pnl: '9.46',
      exitReason: 'TAKE_PROFIT',
      openFee: '0.27',
      closeFee: '0.27',
      openedAt: at(1),
    });
    const liquidated = await insertBookPosition(t.pg, agentId, bookId, {
      coin: 'SOL',
      qty: '10',
      entry: '150',
      status: 'CLOSED',
      exit: '136',
      pnl: '-140.5',
      exitReason: 'LIQUIDATION',
      openFee: '0.25',
      closeFee: '0.25',
      decision: false,
      openedAt: at(2),
    });
    await insertBookPosition(t.pg, agentId, bookId, { qty: '1', entry: '2000', status: 'PENDING', openedAt: at(4) });
    await insertBookPosition(t.pg, agentId, bookId, { qty: '1', entry: '2000', status: 'FAILED', openedAt: at(5) });
    // a subscriber's deployment of the same agent is not the agent's book
    const subscriber = await insertDeployment(t.pg, agentId);
    await insertBookPosition(t.pg, agentId, subscriber, { qty: '1', entry: '2000', openedAt: at(6) });

    const rows = await trades(agentId);
    expect(rows.map((r) => [r.id, r.status])).toEqual([
      [closed.positionId, 'closed'],
      [liquidated.positionId, 'liquidated'],
      [open.positionId, 'open'],
    ]);
    const [c, l, o] = rows;
    expect(c).toMatchObject({
      agent_id: agentId,
      decision_id: closed.decisionId,
      coin: 'BTC',
      side: 'long',
      unrealized_pnl: null,
      hyperliquid_order_id: closed.openOrderId,
      notes: 'TAKE_PROFIT',
    });
    expect(c.size).toEqualDecimal('0.01');
    expect(c.entry_price).toEqualDecimal('60000');
    expect(c.exit_price).toEqualDecimal('61000');
    expect(c.realized_pnl).toEqualDecimal('9.46');
    expect(c.fees).toEqualDecimal('0.54'); // both legs
    expect(c.entry_time.getTime()).toBe(at(1).getTime());
    expect(c.exit_time).not.toBeNull();

    expect(l).toMatchObject({ decision_id: null, notes: 'LIQUIDATION', side: 'long' });
    expect(l.realized_pnl).toEqualDecimal('-140.5');
    expect(l.fees).toEqualDecimal('0.5');

    expect(o).toMatchObject({ side: 'short', realized_pnl: null, exit_price: null, exit_time: null, notes: null });
    expect(o.unrealized_pnl).toEqualDecimal('4.75'); // (1990.5 − 2000) × 0.5 × −1, no fee taken out
    expect(o.fees).toEqualDecimal('0.45');
  });

  it('follows the position: a close moves the trade to closed; retention of the decision leaves the trade', async () => {
    const { agentId, bookId } = await insertTrader(t.pg);
    const p = await insertBookPosition(t.pg, agentId, bookId, { qty: '2', entry: '100', mark: '110' });
    expect((await trades(agentId))[0].unrealized_pnl).toEqualDecimal('20');
    await t.pg.query(
      `UPDATE positions_v3 SET status = 'CLOSED', exit_price = 90, pnl = -20, exit_reason = 'STOP_LOSS', closed_at = now()
                     WHERE id = $1`,
      [p.positionId],
    );
    await t.pg.query(`DELETE FROM agent_decisions WHERE id = $1`, [p.decisionId]);
    const [trade] = await trades(agentId);
    expect(trade).toMatchObject({ status: 'closed', decision_id: null, unrealized_pnl: null, notes: 'STOP_LOSS' });
    expect(trade.realized_pnl).toEqualDecimal('-20');
  });
});
