import { exec, PREPARED, rows, Sql } from './sql';

/**
 * Notifications (docs/NOTIFICATIONS.md): what a wallet or an operator may subscribe to, and the outbox the changes
 * write to. A change that reports an event inserts its `notifications` rows in its own transaction, in the statement
 * that makes the change where it can (notificationCtes), and only for the recipients whose settings chose the event:
 * nobody subscribed, no row. The notifier (apps/notifier) turns the rows into deliveries, one per enabled channel.
 */
export const NOTIFICATION_EVENTS = [
  'position.opened',
  'position.closed',
  'position.stop_loss',
  'position.take_profit',
  'position.trailing_stop',
  'position.liquidated',
  'bill.created',
  'bill.collected',
  'bill.failed',
  'deployment.kill_switch',
  'deployment.stopped',
  'venue.down',
  'venue.up',
  'agent.failing',
  'report.ready',
] as const;
export type NotificationEvent = (typeof NOTIFICATION_EVENTS)[number];

export const NOTIFICATION_CHANNELS = ['webhook', 'telegram', 'email'] as const;
export type NotificationChannel = (typeof NOTIFICATION_CHANNELS)[number];

/** A recipient: a wallet (lower-case address) or an operator (users.id as text). */
export type RecipientType = 'wallet' | 'user';
export type DeliveryStatus = 'pending' | 'sending' | 'sent' | 'failed';

/** An agent is failing once this many of its finished signals in a row failed (one notification per such streak). */
export const AGENT_FAILING_STREAK = 3;

/** The closing exit reasons that are events of their own; any other close is position.closed. */
export const EXIT_EVENTS: Record<string, NotificationEvent> = {
  STOP_LOSS: 'position.stop_loss',
  TAKE_PROFIT: 'position.take_profit',
  TRAILING_STOP: 'position.trailing_stop',
  LIQUIDATION: 'position.liquidated',
};

/** SQL: the event of a close by its exit reason (EXIT_EVENTS), over the expression `reason`. */
export const closeEventSql = (reason: string) =>
  `CASE ${reason} ${Object.entries(EXIT_EVENTS)
    .map(([r, e]) => `WHEN '${r}' THEN '${e}'`)
    .join(' ')} ELSE 'position.closed' END`;

/**
 * Two CTEs, `<name>_ev` and `<name>`, that insert the notifications of the events `source` selects, to put in the
 * WITH of the statement that makes the change (the same snapshot, no extra round trip). `source` selects, per event:
 * event_type text, event_key text (unique per event), matches text[] (a recipient subscribed to any of these gets it),
 * wallet text (the wallet it concerns, or null), broadcast boolean (every subscribed wallet gets it: venues),
 * deployment_id, position_id, billing_event_id, agent_id (uuids or null) and payload jsonb.
 * Operators (recipient 'user') subscribed to the event get every one. The wallet's rows are found by the settings'
 * primary key; a fan-out of ten thousand opens is one hash join against the settings.
 */
export function notificationCtes(name: string, source: string): string {
  const columns = 'e.event_type, e.event_key, s.subject_type, s.subject_id, e.deployment_id, e.position_id, e.billing_event_id, e.agent_id';
  return `${name}_ev AS (${source}),
     ${name} AS (
       INSERT INTO notifications (event_type, event_key, recipient_type, recipient_id, deployment_id, position_id, billing_event_id,
                                  agent_id,
                                  payload)
       SELECT ${columns}, e.payload FROM ${name}_ev e
         JOIN notification_settings s ON s.subject_type = 'wallet' AND s.subject_id = e.wallet AND s.events && e.matches
        WHERE NOT e.broadcast
       UNION ALL
       SELECT ${columns}, e.payload FROM ${name}_ev e
         JOIN notification_settings s ON s.events && e.matches AND (s.subject_type = 'user' OR (e.broadcast AND s.subject_type = 'wallet'))
       ON CONFLICT (event_key, recipient_type, recipient_id) DO NOTHING RETURNING id)`;
}

/** One event to record (recordNotification). */
export interface NotificationInput {
  event: NotificationEvent;
  /**
   * Unique per event: the same key never makes a second row for a recipient (a retried producer records once). Omitted:
   * `<event>:<the first subject id given>:<this transaction's id>`, for events a transaction makes once.
   */
  key?: string;
  /** The wallet it concerns (its settings decide whether it gets it). Operators subscribed to the event get it anyway. */
  wallet?: string | null;
  /** Every wallet subscribed to the event gets it (a platform-wide event: a venue, a report for everyone). */
  broadcast?: boolean;
  deploymentId?: string | null;
  positionId?: string | null;
  billingEventId?: string | null;
  agentId?: string | null;
  payload?: Record<string, unknown>;
}

/**
 * Records one event in the caller's transaction (the outbox): one row per subscribed recipient, none when nobody
 * subscribed; a repeat of the same key records nothing. For producers outside the lifecycle statements: the kill
 * switch, a stopped deployment, a report ready (reports engineer: `recordNotification(em, { event: 'report.ready',
 * key: 'report.ready:<report id>', broadcast: true, payload: { report_id, type, period_start, period_end } })`, or
 * `wallet:` for one wallet's report). Returns the number of notifications written.
 */
export async function recordNotification(q: Sql, n: NotificationInput): Promise<number> {
  const subject = n.positionId ?? n.billingEventId ?? n.deploymentId ?? n.agentId ?? n.wallet ?? 'platform';
  const inserted = await rows<{ id: string }>(
    q,
    `WITH ${notificationCtes(
      'n',
      `SELECT $1::text AS event_type, COALESCE($2::text, $1::text || ':' || $3::text || ':' || pg_current_xact_id()::text) AS event_key,
              ARRAY[$1::text] AS matches, lower($4::text) AS wallet, $5::boolean AS broadcast, $6::uuid AS deployment_id,
              $7::uuid AS position_id, $8::uuid AS billing_event_id, $9::uuid AS agent_id, $10::jsonb AS payload`,
    )} SELECT id FROM n`,
    [
      n.event,
      n.key ?? null,
      subject,
      n.wallet ?? null,
      n.broadcast ?? false,
      n.deploymentId ?? null,
      n.positionId ?? null,
      n.billingEventId ?? null,
      n.agentId ?? null,
      n.payload ?? {},
    ],
    PREPARED,
  );
  return inserted.length;
}

/**
 * agent.failing: after signals moved to FAILED (in the caller's transaction, a statement after the move so it sees
 * it), each agent whose last AGENT_FAILING_STREAK finished signals (EXECUTED or FAILED, by creation) all failed, and
 * whose one before them did not, is failing: one notification per streak (keyed by the streak's first signal), to
 * the agent's creator and the operators subscribed. Runs only when a signal failed, never on a success.
 */
export async function noteAgentFailures(q: Sql, failedSignalIds: readonly string[]): Promise<void> {
  if (!failedSignalIds.length) return;
  await exec(
    q,
    `WITH agents AS (SELECT DISTINCT agent_id FROM signals_v3 WHERE id = ANY($1::uuid[])),
     recent AS (
       SELECT a.agent_id, r.id, r.status, r.n FROM agents a CROSS JOIN LATERAL (
         SELECT s.id, s.status, row_number() OVER (ORDER BY s.created_at DESC, s.id DESC) AS n FROM signals_v3 s
          WHERE s.agent_id = a.agent_id AND s.status IN ('EXECUTED', 'FAILED') ORDER BY s.created_at DESC, s.id DESC LIMIT $2::int + 1) r),
     streaks AS (
       SELECT agent_id, (array_agg(id ORDER BY n DESC) FILTER (WHERE n <= $2))[1] AS first_failed FROM recent GROUP BY agent_id
       HAVING count(*) FILTER (WHERE n <= $2 AND status = 'FAILED') = $2 AND count(*) FILTER (WHERE n > $2 AND status = 'FAILED') = 0),
     ${notificationCtes(
       'n',
       `SELECT 'agent.failing'::text AS event_type, 'agent.failing:' || st.agent_id || ':' || st.first_failed AS event_key,
               ARRAY['agent.failing'] AS matches, a.creator_wallet AS wallet, false AS broadcast, NULL::uuid AS deployment_id,
               NULL::uuid AS position_id, NULL::uuid AS billing_event_id, st.agent_id,
               jsonb_build_object('agent_id', st.agent_id, 'agent_name', a.name, 'failed_signals', $2::int) AS payload
          FROM streaks st JOIN agents_v3 a ON a.id = st.agent_id`,
     )}
     SELECT count(*) FROM n`,
    [failedSignalIds, AGENT_FAILING_STREAK],
  );
}
