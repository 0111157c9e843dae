import { randomUUID } from 'crypto';
import { performance } from 'perf_hooks';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { CHANGES_CHANNEL, changeKey } from '@conduit/db';
import { insertAgent, insertDeployment, useServiceHarness, waitFor } from '@conduit/testing';
import { GatewayAppModule } from '../app.module';
import { ChangeFeed } from './change-feed';

/**
 * The change feed against a real Postgres: the migration's triggers notify the rows the gateway waits on, a waiter
 * wakes for its own key only, answers at its deadline, and re-reads when its LISTEN connection comes back after being
 * terminated (what was committed meanwhile was notified to nobody).
 */
describe('change feed: waiting on Postgres notifications', () => {
  const h = useServiceHarness((env) => GatewayAppModule.forRoot(env));
  const feed = () => h.app.get(ChangeFeed);
  let agent: string;

  beforeAll(async () => {
    agent = await insertAgent(h.pg);
  });

  const insertSignal = (id: string) =>
    h.pg.query(
      `INSERT INTO signals_v3 (id, agent_id, token_symbol, side, size_model, risk_model)
       VALUES ($1, $2, 'ETH', 'LONG', '{"type": "percentage", "value": 25}', '{"type": "trailing-stop", "stop": 0.03}')`,
      [id, agent],
    );
  /** A check that finds the signal once it exists; it counts its calls, and `checked` resolves after the first. */
  const signalCheck = (id: string) => {
    let firstDone: () => void;
    const checked = new Promise<void>((resolve) => (firstDone = resolve));
    const check = Object.assign(
      async () => {
        check.calls++;
        const [row] = await h.app.get(DataSource).query(`SELECT id FROM signals_v3 WHERE id = $1`, [id]);
        firstDone();
        return row as { id: string } | undefined;
      },
      { calls: 0, checked },
    );
    return check;
  };
  const listenerPids = async (): Promise<number[]> =>
    (
      await h.pg.query(`SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query ILIKE 'LISTEN%' || $1 || '%'`, [
        CHANGES_CHANNEL,
      ])
    ).rows.map((r) => r.pid);

  it('notifies signal inserts and status changes, position status changes but not their inserts, and bills', async () => {
    const probe = new Client({ connectionString: h.db.url });
    await probe.connect();
    const payloads: string[] = [];
    const ended = new Promise<void>((resolve) =>
      probe.on('notification', (n) => (n.payload === 'end' ? resolve() : payloads.push(n.payload ?? ''))),
    );
    await probe.query(`LISTEN ${CHANGES_CHANNEL}`);
    try {
      const deployment = await insertDeployment(h.pg, agent);
      const signal = randomUUID();
      await insertSignal(signal);
      await h.pg.query(`UPDATE signals_v3 SET status = 'ROUTED' WHERE id = $1`, [signal]);
      await h.pg.query(`UPDATE signals_v3 SET confidence = 0.5 WHERE id = $1`, [signal]); // not a status change
      const { rows } = await h.pg.query(
        `INSERT INTO positions_v3 (deployment_id, signal_id, venue, token_symbol, side, qty, entry_price)
         VALUES ($1, $2, 'HYPERLIQUID', 'ETH', 'LONG', 1, 2000) RETURNING id`,
        [deployment, signal],
      );
      const position = rows[0].id;
      await h.pg.query(`UPDATE positions_v3 SET current_price = 2100 WHERE id = $1`, [position]); // a mark: not notified
      await h.pg.query(`UPDATE positions_v3 SET status = 'CLOSED', pnl = 100 WHERE id = $1`, [position]);
      const bill = (
        await h.pg.query(
          `INSERT INTO billing_events_v3 (deployment_id, position_id, kind, amount, status) VALUES ($1, $2, 'PROFIT_SHARE', 10, 'PENDING')
           RETURNING id`,
          [deployment, position],
        )
      ).rows[0].id;
      // A subscription bill: nobody waits on its insert.
      await h.pg.query(
        `INSERT INTO billing_events_v3 (deployment_id, kind, amount, status, period_start)
         VALUES ($1, 'SUBSCRIPTION', 5, 'PENDING', now())`,
        [deployment],
      );
      await h.pg.query(`UPDATE billing_events_v3 SET metadata = '{"last_error": "x"}' WHERE id = $1`, [bill]);
      await h.pg.query(`UPDATE billing_events_v3 SET status = 'COLLECTED' WHERE id = $1`, [bill]);
      await h.pg.query(`SELECT pg_notify($1, 'end')`, [CHANGES_CHANNEL]);
      await ended;
      expect(payloads).toEqual([
        changeKey('signals_v3', signal),
        changeKey('signals_v3', signal),
        changeKey('positions_v3', position),
        changeKey('billing_events_v3', bill),
        changeKey('positions_v3', position),
        changeKey('billing_events_v3', bill),
        changeKey('billing_events_v3', bill),
      ]);
    } finally {
      await probe.end();
    }
  });

  it('wakes a waiter when its own row changes, not when another one does', async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    const [checkA, checkB] = [signalCheck(a), signalCheck(b)];
    const waitingA = feed().waitFor([changeKey('signals_v3', a)], checkA, 30_000);
    const waitingB = feed().waitFor([changeKey('signals_v3', b)], checkB, 30_000);
    await Promise.all([checkA.checked, checkB.checked]);
    await insertSignal(a);
    expect(await waitingA).toEqual({ id: a });
    expect(checkA.calls).toBe(2); // at the start, then on its notification
    expect(checkB.calls).toBe(1); // a's notification did not wake b
    await insertSignal(b);
    expect(await waitingB).toEqual({ id: b });
    expect(checkB.calls).toBe(2);
  });

  it('answers at the deadline with what it has', async () => {
    const started = performance.now();
    const check = signalCheck(randomUUID());
    expect(await feed().waitFor([changeKey('signals_v3', randomUUID())], check, 200)).toBeNull();
    expect(performance.now() - started).toBeGreaterThanOrEqual(199);
    expect(check.calls).toBe(2); // at the start and at the deadline
    expect(await feed().waitFor([changeKey('signals_v3', randomUUID())], check, 0)).toBeNull(); // GATEWAY_WAIT_MS 0: one look
    expect(check.calls).toBe(3);
  });

  it('re-establishes a terminated LISTEN connection, and pending waiters read again what changed meanwhile', async () => {
    const [before] = await listenerPids();
    expect(before).toEqual(expect.any(Number));
    const id = randomUUID();
    const check = signalCheck(id);
    const waiting = feed().waitFor([changeKey('signals_v3', id)], check, 30_000);
    await check.checked;
    await h.pg.query(`SELECT pg_terminate_backend($1)`, [before]);
    // Committed once the old connection is gone and before the new one listens: its notification reaches nobody.
    await waitFor('the terminated LISTEN connection to end', async () => !(await listenerPids()).includes(before));
    await insertSignal(id);
    expect(await waiting).toEqual({ id }); // only the re-read on reconnection can have found it
    expect(check.calls).toBe(2);
    const [after] = await listenerPids();
    expect(after).not.toBe(before);

    // The new connection receives notifications.
    const next = randomUUID();
    const nextCheck = signalCheck(next);
    const waitingNext = feed().waitFor([changeKey('signals_v3', next)], nextCheck, 30_000);
    await nextCheck.checked;
    await insertSignal(next);
    expect(await waitingNext).toEqual({ id: next });
    expect(nextCheck.calls).toBe(2);
  });
});
