import { Client } from 'pg';
import { AgentTrade, createDataSource, ENTITIES, migrate } from '@conduit/db';
import { createTestDatabase, useTestDatabase } from '@conduit/testing';
import { MIGRATIONS } from '../migrations';

/** The schema contract of seeds 000/001, checked against a real Postgres. */
describe('schema (migrations)', () => {
  const t = useTestDatabase();
  const rows = t.rows;

  it("answers the seed's verification queries exactly", async () => {
    // 1. the eight v3 tables (seed 001, verbatim query)
    const tables = await rows(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename LIKE '%_v3' ORDER BY tablename`);
    expect(tables.map((r) => r.tablename)).toEqual([
      'agent_deployments_v3',
      'agents_v3',
      'billing_events_v3',
      'pnl_snapshots_v3',
      'positions_v3',
      'signals_v3',
      'venue_routing_config_v3',
      'venue_routing_history_v3',
    ]);
    // 2. venue_v3_t labels in order
    const labels = await rows(
      `SELECT enumlabel FROM pg_enum WHERE enumtypid = (SELECT oid FROM pg_type WHERE typname = 'venue_v3_t') ORDER BY enumsortorder`,
    );
    expect(labels.map((r) => r.enumlabel)).toEqual(['MULTI', 'HYPERLIQUID', 'OSTIUM', 'GMX', 'SPOT']);
    // 3. one global routing row
    const global = await rows(`SELECT * FROM venue_routing_config_v3 WHERE agent_id IS NULL`);
    expect(global).toHaveLength(1);
    expect(global[0]).toMatchObject({
      venue_priority: ['HYPERLIQUID', 'OSTIUM'],
      routing_strategy: 'FIRST_AVAILABLE',
      failover_enabled: true,
    });
  });

  it('has TypeORM entities that mirror the migrated tables column for column', async () => {
    // The migrations own keys and indexes; the entities must agree on every table, column, type, null and default.
    const ds = createDataSource(t.db.url, { entities: ENTITIES, extra: { max: 1 } });
    await ds.initialize();
    try {
      const { upQueries } = await ds.driver.createSchemaBuilder().log();
      const drift = upQueries.map((q) => q.query).filter((q) => !/(DROP|ADD) CONSTRAINT|(CREATE|DROP)( UNIQUE)? INDEX/.test(q));
      expect(drift).toEqual([]);
    } finally {
      await ds.destroy();
    }
  });

  it("mirrors the agent_trades view's columns, in order, in its view entity (views are not synchronised)", async () => {
    const ds = createDataSource(t.db.url, { entities: ENTITIES, extra: { max: 1 } });
    await ds.initialize();
    try {
      const mirrored = ds.getMetadata(AgentTrade).columns.map((c) => c.databaseName);
      const view = await rows(
        `SELECT column_name FROM information_schema.columns WHERE table_name = 'agent_trades' ORDER BY ordinal_position`,
      );
      expect(view.map((r) => r.column_name)).toEqual(mirrored);
      // seed 004's columns, in its order
      expect(mirrored).toEqual([
        'id',
        'agent_id',
        'decision_id',
        'coin',
        'side',
        'size',
        'entry_price',
        'entry_time',
        'exit_price',
        'exit_time',
        'realized_pnl',
        'unrealized_pnl',
        'fees',
        'status',
        'hyperliquid_order_id',
        'notes',
      ]);
    } finally {
      await ds.destroy();
    }
  });

  it("keeps bot_state's value a JSON object", async () => {
    await t.pg.query(`INSERT INTO bot_state (key, value) VALUES ('schema-test', '{"cycle_count": 1}')`);
    await expect(t.pg.query(`INSERT INTO bot_state (key, value) VALUES ('schema-array', '[1]')`)).rejects.toThrow(/ck_bot_state_value/);
    await expect(t.pg.query(`INSERT INTO bot_state (key, value) VALUES ('schema-text', 'not json')`)).rejects.toThrow(/json/);
  });

  it('has the other enums and their labels', async () => {
    const labels = async (t: string) =>
      (
        await rows(`SELECT enumlabel FROM pg_enum WHERE enumtypid = (SELECT oid FROM pg_type WHERE typname = $1) ORDER BY enumsortorder`, [
          t,
        ])
      ).map((r) => r.enumlabel);
    expect(await labels('agent_status_t')).toEqual(['DRAFT', 'ACTIVE', 'PAUSED', 'STOPPED']);
    expect(await labels('bill_kind_t')).toEqual(['SUBSCRIPTION', 'PROFIT_SHARE']);
    expect(await labels('bill_status_t')).toEqual(['PENDING', 'COLLECTED', 'FAILED']);
  });

  it('types money as DECIMAL(20,8), models as JSONB, lists as TEXT[], times as TIMESTAMPTZ', async () => {
    const col = async (table: string, column: string) =>
      (
        await rows(
          `SELECT data_type, udt_name, numeric_precision, numeric_scale, column_default, is_nullable FROM information_schema.columns
            WHERE table_name = $1 AND column_name = $2`,
          [table, column],
        )
      )[0];
    expect(await col('positions_v3', 'qty')).toMatchObject({
      data_type: 'numeric',
      numeric_precision: 20,
      numeric_scale: 8,
      is_nullable: 'NO',
    });
    expect(await col('billing_events_v3', 'amount')).toMatchObject({ numeric_precision: 20, numeric_scale: 8, is_nullable: 'NO' });
    expect(await col('pnl_snapshots_v3', 'pnl')).toMatchObject({ numeric_precision: 20, numeric_scale: 8 });
    expect(await col('signals_v3', 'size_model')).toMatchObject({ data_type: 'jsonb', is_nullable: 'NO' });
    expect(await col('agents_v3', 'x_account_ids')).toMatchObject({ data_type: 'ARRAY', udt_name: '_text' });
    expect(await col('signals_v3', 'routed_at')).toMatchObject({ data_type: 'timestamp with time zone' });
    expect((await col('agents_v3', 'status')).column_default).toBe("'DRAFT'::agent_status_t");
    expect((await col('agent_deployments_v3', 'status')).column_default).toBe("'ACTIVE'::agent_status_t");
    expect((await col('signals_v3', 'requested_venue')).column_default).toBe("'MULTI'::venue_v3_t");
    expect((await col('billing_events_v3', 'asset')).column_default).toBe("'USDC'::text");
  });

  it('has the indexes seed 000 names', async () => {
    const idx = await rows(`SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'`);
    const def = (name: string) => idx.find((i) => i.indexname === name)?.indexdef;
    expect(def('idx_billing_v3_deployment')).toMatch(/\(deployment_id, occurred_at\)/);
    expect(def('idx_billing_v3_kind')).toMatch(/\(kind, occurred_at\)/);
    expect(def('idx_pnl_v3_agent')).toMatch(/\(agent_id, day\)/);
    expect(def('idx_pnl_v3_deployment')).toMatch(/\(deployment_id, day\)/);
    expect(def('idx_audit_event')).toMatch(/\(action, occurred_at\)/);
  });

  it('allows one global routing row only', async () => {
    await expect(
      t.pg.query(`INSERT INTO venue_routing_config_v3 (agent_id, venue_priority) VALUES (NULL, ARRAY['OSTIUM'])`),
    ).rejects.toThrow(/uq_venue_routing_config_v3_global/);
  });

  it('enforces one position per (deployment, signal) and one profit share per position', async () => {
    const [a] = await rows(`INSERT INTO agents_v3 (creator_wallet, name, profit_receiver_address) VALUES ('0xa', 'A', '0xa') RETURNING id`);
    const [d] = await rows(`INSERT INTO agent_deployments_v3 (agent_id, user_wallet) VALUES ($1, '0xu') RETURNING id`, [a.id]);
    await expect(t.pg.query(`INSERT INTO agent_deployments_v3 (agent_id, user_wallet) VALUES ($1, '0xu')`, [a.id])).rejects.toThrow(
      /unique/,
    );
    const [s] = await rows(
      `INSERT INTO signals_v3 (agent_id, token_symbol, side, size_model, risk_model) VALUES ($1, 'ETH', 'LONG', '{}', '{}') RETURNING id`,
      [a.id],
    );
    const position = `INSERT INTO positions_v3 (deployment_id, signal_id, venue, token_symbol, side, qty, entry_price)
                      VALUES ($1, $2, 'HYPERLIQUID', 'ETH', 'LONG', 1, 2000) RETURNING id`;
    const [p] = await rows(position, [d.id, s.id]);
    await expect(t.pg.query(position, [d.id, s.id])).rejects.toThrow(/positions_v3_deployment_id_signal_id_key/);
    const bill = `INSERT INTO billing_events_v3 (position_id, deployment_id, kind, amount, status) VALUES ($1, $2, 'PROFIT_SHARE', 5.4,
                   'PENDING')`;
    await t.pg.query(bill, [p.id, d.id]);
    await expect(t.pg.query(bill, [p.id, d.id])).rejects.toThrow(/uq_billing_v3_profit_share_position/);
    // DECIMAL(20,8) round-trips exactly through the driver as text
    const [{ amount }] = await rows(`SELECT amount FROM billing_events_v3 WHERE position_id = $1`, [p.id]);
    expect(amount).toBe('5.40000000');
  });

  it('seeds venue markets from the recorded listings', async () => {
    const counts = await rows(`SELECT venue, count(*)::int AS n FROM venue_markets GROUP BY venue ORDER BY venue`);
    expect(counts).toEqual([
      { venue: 'HYPERLIQUID', n: 28 },
      { venue: 'OSTIUM', n: 56 },
      { venue: 'GMX', n: 12 },
      { venue: 'SPOT', n: 5 },
    ]);
    // the paper listings of GMX and SPOT take the Hyperliquid row's mark; SPOT trades at 1x
    const paper = await rows(
      `SELECT venue, market_name, max_leverage, current_price FROM venue_markets WHERE token_symbol = 'ETH' AND venue IN ('GMX', 'SPOT')
        ORDER BY venue`,
    );
    expect(paper).toEqual([
      { venue: 'GMX', market_name: 'ETH/USD', max_leverage: 100, current_price: '1903.95000000' },
      { venue: 'SPOT', market_name: 'ETH/USDC', max_leverage: 1, current_price: '1903.95000000' },
    ]);
    const [eth] = await rows(`SELECT current_price, metadata FROM venue_markets WHERE venue = 'HYPERLIQUID' AND token_symbol = 'ETH'`);
    expect(eth.current_price).toBe('1903.95000000');
    expect(eth.metadata.szDecimals).toBe(4);
  });

  it('migrates down to nothing and up again; a second up does nothing', async () => {
    const other = await createTestDatabase(false);
    try {
      const up = await migrate(other.url, MIGRATIONS, 'up');
      expect(up.applied).toHaveLength(MIGRATIONS.length);
      expect((await migrate(other.url, MIGRATIONS, 'up')).applied).toEqual([]);
      const down = await migrate(other.url, MIGRATIONS, 'down', MIGRATIONS.length);
      expect(down.reverted).toHaveLength(MIGRATIONS.length);
      const c = new Client({ connectionString: other.url });
      await c.connect();
      const left = await c.query(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'migrations'`);
      const types = await c.query(
        `SELECT typname FROM pg_type WHERE typname IN ('venue_v3_t', 'agent_status_t', 'bill_kind_t', 'bill_status_t')`,
      );
      await c.end();
      expect(left.rows).toEqual([]);
      expect(types.rows).toEqual([]);
      expect((await migrate(other.url, MIGRATIONS, 'up')).applied).toHaveLength(MIGRATIONS.length);
    } finally {
      await other.drop();
    }
  });

  it('lets only one of several concurrent migrators apply each migration', async () => {
    const other = await createTestDatabase(false);
    try {
      const results = await Promise.all([1, 2, 3].map(() => migrate(other.url, MIGRATIONS, 'up')));
      const applied = results.flatMap((r) => r.applied);
      expect(applied.sort()).toEqual(MIGRATIONS.map((m) => m.name).sort());
    } finally {
      await other.drop();
    }
  });
});
