import { insertAgent, insertDeployment, useTestDatabase } from '@conduit/testing';

/** Seed 003's wallet tables and views on a migrated Postgres: the identities that make each effect happen once. */
describe('wallet intelligence schema (seed 003)', () => {
  const h = useTestDatabase();
  const rows = h.rows;
  const code = (p: Promise<unknown>) => p.then(() => 'ok').catch((e: { code: string }) => e.code);
  const wallet = async (address: string) =>
    (await rows(`INSERT INTO wallets (address, label, tags) VALUES ($1, 'whale', '{smart}') RETURNING id`, [address]))[0].id as string;
  const event = (walletId: string, hash: string, fillId: string) =>
    h.pg.query(
      `INSERT INTO events (timestamp, wallet_id, tx_hash, fill_id, event_type, asset, amount, notional_usd, size_fraction)
       VALUES (now(), $1, $2, $3, 'open', 'ETH', 1.5, 3000, 0.25)`,
      [walletId, hash, fillId],
    );

  it('keeps one wallet per address, lower-case hex only', async () => {
    await wallet(`0x${'a1'.repeat(20)}`);
    expect(await code(wallet(`0x${'a1'.repeat(20)}`))).toBe('23505');
    expect(await code(wallet(`0x${'A1'.repeat(20)}`))).toBe('23514');
    expect(await code(wallet('0x1234'))).toBe('23514');
  });

  it('stores every fill of one transaction, each once: the identity is the hash with the fill id', async () => {
    const w = await wallet(`0x${'b2'.repeat(20)}`);
    const hash = `0x${'c3'.repeat(32)}`;
    expect(await code(event(w, hash, '1001'))).toBe('ok');
    expect(await code(event(w, hash, '1002'))).toBe('ok');
    expect(await code(event(w, hash, '1001'))).toBe('23505');
    expect(await rows(`SELECT fill_id FROM events WHERE tx_hash = $1 ORDER BY fill_id`, [hash])).toEqual([
      { fill_id: '1001' },
      { fill_id: '1002' },
    ]);
  });

  it("holds scores, bias and analysis to seed 003's ranges, one row per key", async () => {
    const w = await wallet(`0x${'d4'.repeat(20)}`);
    const t = '2026-12-05T10:00:00Z';
    const score = (c: string) =>
      h.pg.query(
        `INSERT INTO wallet_scores (wallet_id, timestamp, credibility_1h, credibility_4h, credibility_24h) VALUES ($1, $2, $3, 5, 5)`,
        [w, t, c],
      );
    expect(await code(score('10.5'))).toBe('23514');
    expect(await code(score('7.5'))).toBe('ok');
    expect(await code(score('7.5'))).toBe('23505');
    const bias = (tf: string, v: string) =>
      h.pg.query(`INSERT INTO bias (timestamp, asset, timeframe, value) VALUES ($1, 'ETH', $2, $3)`, [t, tf, v]);
    expect(await code(bias('2h', '0.5'))).toBe('23514');
    expect(await code(bias('4h', '1.5'))).toBe('23514');
    expect(await code(bias('4h', '-0.25'))).toBe('ok');
    expect(await code(bias('4h', '0.5'))).toBe('23505');
    await event(w, `0x${'f6'.repeat(32)}`, '7');
    const [{ id: eventId }] = await rows(`SELECT id FROM events WHERE fill_id = '7'`);
    const analysis = (impact: string) =>
      h.pg.query(`INSERT INTO event_analysis (event_id, pattern_matched, bias_impact) VALUES ($1, 'first_trade', $2)`, [eventId, impact]);
    expect(await code(analysis('1.2'))).toBe('23514');
    expect(await code(analysis('0.6'))).toBe('ok');
    expect(await code(analysis('0.6'))).toBe('23505'); // one analysis per event
  });

  it('shows an open position with the wallet that signalled it, its latest 4h credibility and the asset bias', async () => {
    const w = await wallet(`0x${'e5'.repeat(20)}`);
    await h.pg.query(`INSERT INTO wallet_scores (wallet_id, timestamp, credibility_4h) VALUES ($1, '2026-12-05T09:00:00Z', 6.0)`, [w]);
    await h.pg.query(`INSERT INTO wallet_scores (wallet_id, timestamp, credibility_4h) VALUES ($1, '2026-12-05T11:00:00Z', 8.5)`, [w]);
    await h.pg.query(`INSERT INTO bias (timestamp, asset, timeframe, value) VALUES ('2026-12-05T11:00:00Z', 'BTC', '4h', 0.42)`);
    const agent = await insertAgent(h.pg);
    const deployment = await insertDeployment(h.pg, agent);
    const [{ id: signalId }] = await rows(
      `INSERT INTO signals_v3 (agent_id, token_symbol, side, size_model, risk_model) VALUES ($1, 'BTC', 'LONG', '{}', '{}') RETURNING id`,
      [agent],
    );
    await h.pg.query(
      `INSERT INTO positions_v3 (deployment_id, signal_id, venue, token_symbol, side, qty, entry_price, signal_wallet_id)
       VALUES ($1, $2, 'HYPERLIQUID', 'BTC', 'LONG', 0.1, 60000, $3)`,
      [deployment, signalId, w],
    );
    const [view] = await rows(`SELECT signal_wallet, wallet_credibility::text, current_bias::text FROM active_positions_view`);
    expect(view).toEqual({ signal_wallet: `0x${'e5'.repeat(20)}`, wallet_credibility: '8.5', current_bias: '0.420' });
    await h.pg.query(`REFRESH MATERIALIZED VIEW CONCURRENTLY daily_performance`);
    expect(await rows(`SELECT count(*)::int AS n FROM daily_performance`)).toEqual([{ n: 0 }]); // nothing closed yet
  });
});
