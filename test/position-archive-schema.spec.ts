import { useTestDatabase } from '@conduit/testing';

/**
 * positions_archive and positions_history stay in step with positions_v3 (the PositionArchive migration). CREATE TABLE
 * ... LIKE copied positions_v3's columns once, and a view pins its columns when it is created: a migration that adds a
 * column to positions_v3 must add it to positions_archive and re-create positions_history, or this fails.
 */
describe('position archive schema', () => {
  const t = useTestDatabase();
  const rows = t.rows;
  const columns = (relation: string) =>
    rows(
      `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS not_null,
              pg_get_expr(d.adbin, d.adrelid) AS default
         FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`,
      [relation],
    );

  it('gives positions_archive the columns of positions_v3, in order, with their types, nulls and defaults', async () => {
    const live = await columns('positions_v3');
    expect(live.map((c) => c.name)).toEqual(expect.arrayContaining(['id', 'status', 'closed_at', 'pnl', 'leverage', 'signal_wallet_id']));
    expect(await columns('positions_archive')).toEqual(live);
  });

  it('gives positions_history the same columns, so it reads both tables whole', async () => {
    const live = (await columns('positions_v3')).map((c) => ({ name: c.name, type: c.type }));
    expect((await columns('positions_history')).map((c) => ({ name: c.name, type: c.type }))).toEqual(live);
  });

  it('has no foreign key to positions_v3: what names a position is checked against both tables', async () => {
    const fks = await rows(
      `SELECT conrelid::regclass::text AS t FROM pg_constraint WHERE contype = 'f' AND confrelid = 'positions_v3'::regclass`,
    );
    expect(fks).toEqual([]);
    // the tables whose foreign key it replaced (impact_factor_history.position_id, a shared table's, never had one)
    const checked = await rows(
      `SELECT tgrelid::regclass::text AS t FROM pg_trigger WHERE tgname LIKE 'trg_%_position_exists' AND tgconstraint <> 0 ORDER BY 1`,
    );
    expect(checked.map((r) => r.t)).toEqual(['billing_events_v3', 'signal_outcomes', 'venue_orders']);
  });

  it('keeps only closed positions in the archive', async () => {
    const [{ id: agent }] = await rows(
      `INSERT INTO agents_v3 (creator_wallet, name, profit_receiver_address) VALUES ('0xa', 'A', '0xa') RETURNING id`,
    );
    const [{ id: deployment }] = await rows(`INSERT INTO agent_deployments_v3 (agent_id, user_wallet) VALUES ($1, '0xu') RETURNING id`, [
      agent,
    ]);
    const archived = (status: string) =>
      t.pg.query(
        `INSERT INTO positions_archive (deployment_id, venue, token_symbol, side, qty, entry_price, status, closed_at, pnl)
         VALUES ($1, 'HYPERLIQUID', 'ETH', 'LONG', 1, 100, $2, now(), 1)`,
        [deployment, status],
      );
    await expect(archived('OPEN')).rejects.toThrow(/ck_positions_archive_closed/);
    await expect(archived('CLOSED')).resolves.toBeDefined();
    expect(await rows(`SELECT status FROM positions_history`)).toEqual([{ status: 'CLOSED' }]);
  });
});
