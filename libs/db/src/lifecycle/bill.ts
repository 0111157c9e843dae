import { BILL_LIFECYCLE, BillStatus, movesInto } from '@conduit/domain';
import { audit, auditMany } from '../audit';
import { notificationCtes } from '../notifications';
import { BillRow } from '../rows';
import { first, PREPARED, rows, Sql } from '../sql';

/**
 * The bill's lifecycle (billing_events_v3.status), and the only code that changes it: created PENDING (a profit share
 * once per position, a subscription once per deployment and period) → COLLECTED, or FAILED after the last collection
 * attempt; its user may retry a FAILED bill, back to PENDING (retryBill). Every move is conditional on the statuses
 * BILL_LIFECYCLE allows it from; metadata notes never change the status.
 */
const from = (to: BillStatus) => movesInto(BILL_LIFECYCLE, to);

/**
 * The bill.<event> notifications (notificationCtes' source) of the bills of CTE `bills` (columns id, deployment_id,
 * kind, amount, status, metadata): to the deployment's wallet. A bill is created and collected once, but fails once per
 * collection round: `bill.failed:<id>`, then `bill.failed:<id>:retry:<n>` after its user's n-th retry (FAILURE_ROUND).
 */
const FAILURE_ROUND = ` || COALESCE(':retry:' || (b.metadata->>'retries'), '')`;
const billNotifications = (event: 'created' | 'collected' | 'failed', bills: string) =>
  `SELECT 'bill.${event}'::text AS event_type, 'bill.${event}:' || b.id${event === 'failed' ? FAILURE_ROUND : ''} AS event_key,
          ARRAY['bill.${event}'] AS matches,
          d.user_wallet AS wallet, false AS broadcast, b.deployment_id, b.position_id, b.id AS billing_event_id, d.agent_id,
          jsonb_build_object('billing_event_id', b.id, 'deployment_id', b.deployment_id, 'kind', b.kind, 'amount', b.amount::text,
                             'asset', b.asset, 'status', b.status, 'failure_reason', b.metadata->'failure_reason') AS payload
     FROM ${bills} b JOIN agent_deployments_v3 d ON d.id = b.deployment_id`;
const BILL_COLUMNS = 'id, deployment_id, position_id, kind, amount, asset, status, metadata';

export interface ProfitShare {
  positionId: string;
  deploymentId: string;
  amount: string;
  metadata: Record<string, unknown>;
}

/** The profit-share bill of a closed position, once (uq_billing_v3_profit_share_position); returns its id. */
export async function createProfitShare(q: Sql, bill: ProfitShare, traceId?: string | null): Promise<string> {
  const inserted = await rows<{ id: string }>(
    q,
    `WITH ins AS (
       INSERT INTO billing_events_v3 (position_id, deployment_id, kind, amount, asset, status, metadata)
       VALUES ($1, $2, 'PROFIT_SHARE', $3, 'USDC', 'PENDING', $4)
       ON CONFLICT (position_id) WHERE kind = 'PROFIT_SHARE' DO NOTHING RETURNING ${BILL_COLUMNS}),
     ${notificationCtes('notified', billNotifications('created', 'ins'))}
     SELECT id FROM ins`,
    [bill.positionId, bill.deploymentId, bill.amount, bill.metadata],
    PREPARED,
  );
  if (inserted.length) {
    const payload = { kind: 'PROFIT_SHARE', position_id: bill.positionId, amount: bill.amount };
    await audit(q, 'v3.bill.created', 'billing_event', inserted[0].id, payload, traceId);
    return inserted[0].id;
  }
  const existing = await first<{ id: string }>(
    q,
    `SELECT id FROM billing_events_v3 WHERE position_id = $1 AND kind = 'PROFIT_SHARE'`,
    [bill.positionId],
    PREPARED,
  );
  return existing!.id;
}

export interface SubscriptionBill {
  id: string;
  deployment_id: string;
  amount: string;
  period_start: Date;
}

/**
 * One SUBSCRIPTION bill for each due deployment (not STOPPED, next_billing_at passed as of `asOf`), at most `limit`,
 * with next_billing_at one period later in the same statement; the rows are locked, not skipped, and the unique index
 * on (deployment, period_start) is the backstop against a concurrent run. Audited. Returns the bills created.
 */
export async function createSubscriptionBills(
  q: Sql,
  price: string,
  period: string,
  asOf: Date,
  limit: number,
  traceId?: string | null,
): Promise<SubscriptionBill[]> {
  const created = await rows<SubscriptionBill>(
    q,
    `WITH due AS (
       SELECT id, next_billing_at FROM agent_deployments_v3
        WHERE status <> 'STOPPED' AND NOT book AND next_billing_at IS NOT NULL AND next_billing_at <= $3
        ORDER BY next_billing_at LIMIT $4 FOR UPDATE),
     advanced AS (
       UPDATE agent_deployments_v3 d SET next_billing_at = due.next_billing_at + $2::interval FROM due WHERE d.id = due.id RETURNING d.id),
     ins AS (
       INSERT INTO billing_events_v3 (deployment_id, kind, amount, asset, status, period_start, metadata)
       SELECT due.id, 'SUBSCRIPTION', $1::numeric, 'USDC', 'PENDING', due.next_billing_at,
              jsonb_build_object('period', $2::text, 'period_end', due.next_billing_at + $2::interval)
         FROM due JOIN advanced ON advanced.id = due.id
       ON CONFLICT (deployment_id, period_start) WHERE kind = 'SUBSCRIPTION' DO NOTHING
       RETURNING ${BILL_COLUMNS}, period_start),
     ${notificationCtes('notified', billNotifications('created', 'ins'))}
     SELECT id, deployment_id, amount::text, period_start FROM ins`,
    [price, period, asOf, limit],
  );
  await auditMany(
    q,
    created.map((b) => ({
      event: 'v3.bill.created',
      subjectType: 'billing_event',
      subjectId: b.id,
      payload: { kind: 'SUBSCRIPTION', deployment_id: b.deployment_id, amount: b.amount, period_start: b.period_start },
      traceId,
    })),
  );
  return created;
}

/** A bill with what its collection needs, its deployment row locked (FOR UPDATE) for the caller's transaction. */
export type BillToCollectRow = Pick<BillRow, 'id' | 'deployment_id' | 'amount' | 'status' | 'kind' | 'metadata'> & {
  trading_mode: 'paper' | 'live';
  user_wallet: string;
};

export async function lockBillForCollection(q: Sql, billId: string): Promise<BillToCollectRow | undefined> {
  return first<BillToCollectRow>(
    q,
    `SELECT b.id, b.deployment_id, b.amount::text AS amount, b.status, b.kind, b.metadata, d.trading_mode, d.user_wallet
       FROM billing_events_v3 b JOIN agent_deployments_v3 d ON d.id = b.deployment_id
      WHERE b.id = $1 FOR UPDATE OF d, b`,
    [billId],
    PREPARED,
  );
}

/** Adds to a PENDING bill's metadata (a collector's note, the payload to sign, the last refusal); never its status. */
export async function noteBill(q: Sql, billId: string, note: Record<string, unknown>): Promise<void> {
  await rows(
    q,
    `UPDATE billing_events_v3 SET metadata = COALESCE(metadata, '{}'::jsonb) || $2 WHERE id = $1 AND status = 'PENDING'`,
    [billId, note],
    PREPARED,
  );
}

/** PENDING → COLLECTED with the collector's reference; audited when this call moved it. */
export async function collectBill(
  q: Sql,
  bill: Pick<BillRow, 'id' | 'kind' | 'amount'>,
  receipt: { collector: string; reference: string; collectedAt: Date },
  traceId?: string | null,
): Promise<boolean> {
  const moved = await rows<{ id: string; deployment_id: string }>(
    q,
    `WITH u AS (UPDATE billing_events_v3 SET status = 'COLLECTED', metadata = COALESCE(metadata, '{}'::jsonb) || $2
                 WHERE id = $1 AND status = ANY($3) RETURNING ${BILL_COLUMNS}),
          ${notificationCtes('notified', billNotifications('collected', 'u'))}
     SELECT id, deployment_id FROM u`,
    [
      bill.id,
      { collector: receipt.collector, reference: receipt.reference, collected_at: receipt.collectedAt.toISOString() },
      from('COLLECTED'),
    ],
    PREPARED,
  );
  if (moved.length)
    await audit(
      q,
      'v3.bill.collected',
      'billing_event',
      bill.id,
      { kind: bill.kind, amount: bill.amount, collector: receipt.collector },
      traceId,
      { old: { status: 'PENDING' }, new: { status: 'COLLECTED' } },
    );
  if (moved.length && bill.kind === 'SUBSCRIPTION') await restoreSubscription(q, moved[0].deployment_id, bill.id, traceId);
  return moved.length > 0;
}

/**
 * A collected subscription bill turns a lapsed subscription back on once none of the deployment's subscription bills
 * is FAILED any more (a retried one collected, and no other period left unpaid). Audited when this call turned it on.
 */
async function restoreSubscription(q: Sql, deploymentId: string, billId: string, traceId?: string | null): Promise<void> {
  const restored = await rows<{ id: string }>(
    q,
    `UPDATE agent_deployments_v3 d SET sub_active = TRUE
      WHERE d.id = $1 AND d.sub_active IS NOT TRUE
        AND NOT EXISTS (SELECT 1 FROM billing_events_v3 b WHERE b.deployment_id = d.id AND b.kind = 'SUBSCRIPTION' AND b.status = 'FAILED')
      RETURNING d.id`,
    [deploymentId],
    PREPARED,
  );
  if (restored.length)
    await audit(q, 'v3.deployment.subscription_restored', 'deployment', deploymentId, { billing_event_id: billId }, traceId, {
      old: { sub_active: false },
      new: { sub_active: true },
    });
}

/** What retryBill did: the bill's retry number when this call moved it, else its status (nothing written). */
export type BillRetry = { retried: true; retry: number } | { retried: false; status: BillStatus };

/**
 * FAILED → PENDING at its user's request, with the retry number (metadata.retries), the failure kept as
 * metadata.last_failure, and `note` (a live bill's fresh usdSend) added; audited. A live bill's failed attempt is kept
 * in metadata.usd_send_attempts (its nonce, whether it was signed, its failure) and its signature dropped: the earlier
 * signature cannot pay the new usdSend. The caller queues the
 * collection again under a job id with the retry number. A bill that is not FAILED is left as it is.
 */
export async function retryBill(
  q: Sql,
  billId: string,
  note: Record<string, unknown>,
  traceId?: string | null,
): Promise<BillRetry | undefined> {
  const [moved] = await rows<{ retry: number; kind: string; reason: string | null }>(
    q,
    `WITH old AS (SELECT id, metadata FROM billing_events_v3 WHERE id = $1 FOR UPDATE),
          u AS (UPDATE billing_events_v3 b
                   SET status = 'PENDING',
                       metadata = (COALESCE(b.metadata, '{}'::jsonb) - 'failure_reason' - 'attempts' - 'last_error' - 'last_attempt_at'
                                   - 'user_signature')
                                  || jsonb_build_object('retries', COALESCE((b.metadata->>'retries')::int, 0) + 1,
                                                        'last_failure', b.metadata->>'failure_reason')
                                  || CASE WHEN b.metadata ? 'usd_send' THEN jsonb_build_object('usd_send_attempts',
                                       COALESCE(b.metadata->'usd_send_attempts', '[]'::jsonb)
                                       || jsonb_build_array(jsonb_build_object('nonce', b.metadata->'usd_send'->'nonce',
                                                                               'signed', b.metadata ? 'user_signature',
                                                                               'failure', b.metadata->>'failure_reason')))
                                     ELSE '{}'::jsonb END
                                  || $2::jsonb
                  FROM old WHERE b.id = old.id AND b.status = ANY($3)
                RETURNING (b.metadata->>'retries')::int AS retry, b.kind, old.metadata->>'failure_reason' AS reason)
     SELECT * FROM u`,
    [billId, note, from('PENDING')],
    PREPARED,
  );
  if (moved) {
    const payload = { kind: moved.kind, retry: moved.retry, last_failure: moved.reason };
    await audit(q, 'v3.bill.retried', 'billing_event', billId, payload, traceId, { old: { status: 'FAILED' }, new: { status: 'PENDING' } });
    return { retried: true, retry: moved.retry };
  }
  const current = await first<{ status: BillStatus }>(q, `SELECT status FROM billing_events_v3 WHERE id = $1`, [billId], PREPARED);
  return current && { retried: false, status: current.status };
}

/**
 * PENDING → FAILED after the last collection attempt, with the reason; a failed subscription ends the deployment's
 * subscription (sub_active off, so Agent How stops new entries after the trial). Audited when this call moved it.
 */
export async function failBill(q: Sql, billId: string, reason: string, attempts: number, traceId?: string | null): Promise<boolean> {
  const [failed] = await rows<{ id: string; kind: string; deployment_id: string }>(
    q,
    `WITH u AS (UPDATE billing_events_v3 SET status = 'FAILED',
                       metadata = COALESCE(metadata, '{}'::jsonb) || jsonb_build_object('failure_reason', $2::text, 'attempts', $3::int)
                 WHERE id = $1 AND status = ANY($4) RETURNING ${BILL_COLUMNS}),
          ${notificationCtes('notified', billNotifications('failed', 'u'))}
     SELECT id, kind, deployment_id FROM u`,
    [billId, reason, attempts, from('FAILED')],
    PREPARED,
  );
  if (!failed) return false;
  await audit(q, 'v3.bill.failed', 'billing_event', failed.id, { kind: failed.kind, reason }, traceId, {
    old: { status: 'PENDING' },
    new: { status: 'FAILED' },
  });
  if (failed.kind === 'SUBSCRIPTION') {
    await rows(q, `UPDATE agent_deployments_v3 SET sub_active = FALSE WHERE id = $1`, [failed.deployment_id], PREPARED);
    await audit(q, 'v3.deployment.subscription_lapsed', 'deployment', failed.deployment_id, { billing_event_id: failed.id }, traceId);
  }
  return true;
}
