import { randomBytes } from 'crypto';
import { DataSource } from 'typeorm';
import { KeyVault, webhookSecretContext } from '@conduit/custody';
import { recordNotification } from '@conduit/db';
import { ManualClock, TEST_MASTER_KEY, useServiceHarness, waitFor, WebhookReceiver } from '@conduit/testing';
import { NotifierAppModule } from './app.module';
import { Deliveries } from './deliveries';
import { NotifierProcessor } from './notifier.processor';

const SECRET = 'webhook-secret-0123456789abcdef';
const BACKOFF_MS = 600_000; // longer than the test: the retry's delayed BullMQ job never fires on its own here
const SENDING_TIMEOUT_MS = 120_000;

/**
 * The delivery lifecycle on the injected clock (a ManualClock, never the database's now()): when a retry is due and
 * when a send in flight counts as interrupted are decided by moving the clock, without waiting.
 */
describe('notifier deliveries on the injected clock', () => {
  const clock = new ManualClock('2026-06-15T09:30:00.000Z');
  const h = useServiceHarness(
    (env) => NotifierAppModule.forRoot(env),
    { NOTIFY_BACKOFF_MS: String(BACKOFF_MS), NOTIFY_SENDING_TIMEOUT_MS: String(SENDING_TIMEOUT_MS), NOTIFY_MAX_ATTEMPTS: '3' },
    { clock },
  );
  const hook = new WebhookReceiver(SECRET);
  const wallet = `0x${randomBytes(20).toString('hex')}`;
  let ds: DataSource;
  let deliveries: Deliveries;
  let processor: NotifierProcessor;

  /** A report.ready for the wallet; answers its notification's id. */
  const notify = async (marker: string) => {
    await ds.transaction((em) =>
      recordNotification(em, { event: 'report.ready', key: `report.ready:${marker}`, wallet, payload: { marker } }),
    );
    return (await h.pg.query(`SELECT id FROM notifications WHERE payload->>'marker' = $1`, [marker])).rows[0].id as string;
  };
  const delivery = async (notificationId: string) =>
    (
      await h.pg.query(
        `SELECT d.id, d.status, d.attempts, d.last_error, d.next_attempt_at, d.claimed_at, d.sent_at, n.fanned_out_at
           FROM notification_deliveries d JOIN notifications n ON n.id = d.notification_id WHERE d.notification_id = $1`,
        [notificationId],
      )
    ).rows;
  const received = (marker: string) => hook.received.filter((r) => r.body.payload.marker === marker).length;

  beforeAll(async () => {
    await hook.start();
    ds = h.app.get(DataSource);
    deliveries = h.app.get(Deliveries);
    processor = h.app.get(NotifierProcessor);
    const sealed = new KeyVault(TEST_MASTER_KEY).seal(SECRET, webhookSecretContext('wallet', wallet));
    await h.pg.query(
      `INSERT INTO notification_settings (subject_type, subject_id, events, channels, webhook_url, webhook_secret_encrypted,
                                          webhook_secret_iv, webhook_secret_tag)
       VALUES ('wallet', $1, '{report.ready}', '{webhook}', $2, $3, $4, $5)`,
      [wallet, `${hook.url}/hook`, sealed.encrypted, sealed.iv, sealed.tag],
    );
  });
  afterAll(async () => {
    await hook.close();
  });

  it('a retried delivery is not due before its backoff by the clock, and is due (and delivered once) at it', async () => {
    hook.failNext(1);
    const id = await notify('retried');
    const failedAt = clock.now();
    expect(await processor.sweep()).toEqual({ fannedOut: 1, interrupted: 0, queued: 1 });
    // the queued attempt is answered 500 (a definite failure): back to pending, due BACKOFF_MS after the clock's now
    const [retried] = await waitFor('the first attempt failed and is pending again', async () => {
      const d = await delivery(id);
      return d[0]?.status === 'pending' && d[0].attempts === 1 ? d : null;
    });
    expect(retried).toMatchObject({ last_error: expect.stringMatching(/^HTTP 500/), fanned_out_at: failedAt, claimed_at: failedAt });
    expect(retried.next_attempt_at).toEqual(new Date(failedAt.getTime() + BACKOFF_MS));
    expect(received('retried')).toBe(0);

    clock.advance(BACKOFF_MS - 1);
    expect(await deliveries.due()).toEqual([]);
    expect(await processor.sweep()).toEqual({ fannedOut: 0, interrupted: 0, queued: 0 });

    clock.advance(1);
    expect(await deliveries.due()).toEqual([{ id: retried.id, attempts: 1 }]);
    expect(await processor.sweep()).toEqual({ fannedOut: 0, interrupted: 0, queued: 1 });
    // what the due job does (its own BullMQ delay is the wall clock's, so it is run here rather than awaited)
    expect(await processor.deliver(retried.id)).toEqual({ status: 'sent' });
    const [sent] = await delivery(id);
    expect(sent).toMatchObject({ status: 'sent', attempts: 2, last_error: null, sent_at: clock.now(), claimed_at: clock.now() });
    expect(received('retried')).toBe(1);
  });

  it('a send claimed longer ago than NOTIFY_SENDING_TIMEOUT_MS by the clock is failed as interrupted, and not before', async () => {
    const id = await notify('in-flight');
    expect(await deliveries.fanOut()).toBe(1);
    const [pending] = await delivery(id);
    // claimed by a notifier that then died: it stays sending, nothing was sent
    const claimedAt = clock.now();
    expect(await deliveries.claim(pending.id)).toMatchObject({ id: pending.id, attempts: 1, channel: 'webhook' });
    expect((await delivery(id))[0]).toMatchObject({ status: 'sending', claimed_at: claimedAt });

    clock.advance(SENDING_TIMEOUT_MS);
    expect(await deliveries.failInterrupted()).toBe(0);
    expect((await delivery(id))[0].status).toBe('sending');

    clock.advance(1);
    expect(await deliveries.failInterrupted()).toBe(1);
    const [failed] = await delivery(id);
    expect(failed).toMatchObject({ status: 'failed', attempts: 1, sent_at: null, last_error: expect.stringMatching(/^interrupted: /) });
    // failed is final: no later sweep claims or sends it
    clock.advance(BACKOFF_MS);
    expect(await processor.sweep()).toEqual({ fannedOut: 0, interrupted: 0, queued: 0 });
    expect(await processor.deliver(pending.id)).toEqual({ status: 'not pending' });
    expect(received('in-flight')).toBe(0);
  });

  it('fans a notification out to an active operator, and to none once the operator is deactivated', async () => {
    const operator = async (email: string) => {
      const [{ id }] = (
        await h.pg.query(`INSERT INTO users (email, password_hash, role) VALUES ($1, 'unused', 'operator') RETURNING id`, [email])
      ).rows;
      await h.pg.query(
        `INSERT INTO notification_settings (subject_type, subject_id, events, channels, telegram_chat_id)
         VALUES ('user', $1, '{venue.down}', '{telegram}', '42')`,
        [id],
      );
      return id as string;
    };
    const [active, leaving] = [await operator('active@conduit.test'), await operator('leaving@conduit.test')];
    await h.pg.query(`UPDATE users SET is_active = false WHERE id = $1`, [leaving]);
    await ds.transaction((em) => recordNotification(em, { event: 'venue.down', key: 'venue.down:OSTIUM:1', broadcast: true }));
    expect(await deliveries.fanOut()).toBe(2); // both notifications fanned out (fanned_out_at), a delivery only for one
    const byRecipient = await h.pg.query(
      `SELECT n.recipient_id, count(d.id)::int AS deliveries, n.fanned_out_at IS NOT NULL AS fanned_out FROM notifications n
         LEFT JOIN notification_deliveries d ON d.notification_id = n.id WHERE n.event_type = 'venue.down' GROUP BY n.id ORDER BY 2 DESC`,
    );
    expect(byRecipient.rows).toEqual([
      { recipient_id: active, deliveries: 1, fanned_out: true },
      { recipient_id: leaving, deliveries: 0, fanned_out: true },
    ]);
  });
});
