import { DataSource } from 'typeorm';
import { movesInto, SIGNAL_LIFECYCLE, SignalStatus } from '@conduit/domain';
import { auditActor, auditActorParams } from '../audit-context';
import { noteAgentFailures } from '../notifications';
import { exec, first, PREPARED, rows, Sql } from '../sql';

/**
 * The signal's lifecycle (signals_v3.status), and the only code that changes it:
 * created PENDING (or SKIPPED for an agent that takes no signals) → ROUTED by Agent Where → EXECUTED or FAILED once
 * every deployment has its outcome; PENDING → SKIPPED when no deployment or no venue can take it; PENDING or ROUTED →
 * FAILED when a stage gives up. Each move is a conditional update guarded by SIGNAL_LIFECYCLE, so a repeat changes
 * nothing. A skip's reason goes to skipped_reason, a failure's to failure_reason.
 */
const from = (to: SignalStatus) => movesInto(SIGNAL_LIFECYCLE, to);

export interface NewSignal {
  id: string;
  agentId: string;
  tokenSymbol: string;
  side: string;
  sizeModel: Record<string, unknown>;
  riskModel: Record<string, unknown>;
  confidence: number | null;
  sourceTweets: string[] | null;
  sourceResearch: string[] | null;
  /** A wallet signal's contributing wallets and events, and the wallet with the largest share (issue 14). */
  sourceWallets?: string[] | null;
  sourceEvents?: string[] | null;
  signalWalletId?: string | null;
}

/**
 * Stores a venue-agnostic signal once under its id: PENDING, or SKIPPED with `skippedReason`. Audited when created.
 * Returns the stored status (an earlier attempt's when the row was there).
 */
export async function createSignal(q: Sql, s: NewSignal, skippedReason: string | null, traceId?: string | null): Promise<SignalStatus> {
  const status: SignalStatus = skippedReason === null ? 'PENDING' : 'SKIPPED';
  // One statement (atomic on its own): the row, and its audit row only when this call created it.
  const created = { agent_id: s.agentId, token: s.tokenSymbol, side: s.side, status };
  const inserted = await rows<{ status: SignalStatus }>(
    q,
    `WITH ins AS (
       INSERT INTO signals_v3 (id, agent_id, token_symbol, side, size_model, risk_model, confidence, requested_venue,
                               source_tweets, source_research, status, skipped_reason, source_wallets, source_events, signal_wallet_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 'MULTI', $8, $9, $10, $11, $14, $15, $16)
       ON CONFLICT (id) DO NOTHING RETURNING id, status),
     logged AS (
       INSERT INTO audit_logs (action, entity_type, entity_id, payload, trace_id, user_id, wallet, actor, ip_address, user_agent)
       SELECT 'v3.signal.created', 'signal', ins.id, $12, $13, $17::uuid, $18::text, $19::text, $20::inet, $21::text FROM ins)
     SELECT status FROM ins`,
    [
      s.id,
      s.agentId,
      s.tokenSymbol,
      s.side,
      s.sizeModel,
      s.riskModel,
      s.confidence,
      s.sourceTweets,
      s.sourceResearch,
      status,
      skippedReason,
      created,
      traceId ?? auditActor().traceId ?? null,
      s.sourceWallets ?? null,
      s.sourceEvents ?? null,
      s.signalWalletId ?? null,
      ...auditActorParams(),
    ],
    PREPARED,
  );
  if (inserted.length) return status;
  const existing = await first<{ status: SignalStatus }>(q, `SELECT status FROM signals_v3 WHERE id = $1`, [s.id], PREPARED);
  return existing!.status;
}

/**
 * PENDING → ROUTED on `venue`. Returns the signal's venue: this one, or the one an earlier attempt routed it to
 * (null when the signal left PENDING some other way).
 */
export async function routeSignal(q: Sql, signalId: string, venue: string): Promise<{ venue: string | null; routedNow: boolean }> {
  const [row] = await rows<{ final_venue: string }>(
    q,
    `WITH u AS (UPDATE signals_v3 SET final_venue = $2, routed_at = now(), status = 'ROUTED'
                 WHERE id = $1 AND status = ANY($3) RETURNING final_venue) SELECT final_venue FROM u`,
    [signalId, venue, from('ROUTED')],
    PREPARED,
  );
  if (row) return { venue: row.final_venue, routedNow: true };
  const current = await first<{ final_venue: string | null }>(
    q,
    `SELECT final_venue::text AS final_venue FROM signals_v3 WHERE id = $1`,
    [signalId],
    PREPARED,
  );
  return { venue: current?.final_venue ?? null, routedNow: false };
}

/** PENDING → SKIPPED with the reason; true when this call moved it. */
export async function skipSignal(q: Sql, signalId: string, reason: string): Promise<boolean> {
  const moved = await rows<{ id: string }>(
    q,
    `WITH u AS (UPDATE signals_v3 SET status = 'SKIPPED', skipped_reason = $2 WHERE id = $1 AND status = ANY($3) RETURNING id) SELECT id
      FROM u`,
    [signalId, reason, from('SKIPPED')],
    PREPARED,
  );
  return moved.length > 0;
}

/** PENDING or ROUTED → FAILED with the reason (a stage gave up on it); true when this call moved it (agent.failing checked then). */
export async function failSignal(q: Sql, signalId: string, reason: string): Promise<boolean> {
  const moved = await rows<{ id: string }>(
    q,
    `WITH u AS (UPDATE signals_v3 SET status = 'FAILED', failure_reason = $2 WHERE id = $1 AND status = ANY($3) RETURNING id) SELECT id
      FROM u`,
    [signalId, reason.slice(0, 1000), from('FAILED')],
    PREPARED,
  );
  if (moved.length) await noteAgentFailures(q, [signalId]);
  return moved.length > 0;
}

/** The first position of a signal stamps executed_at (only the first writes, so a fan-out's opens do not queue on the row). */
export async function stampExecuted(q: Sql, signalIds: readonly string[]): Promise<void> {
  if (!signalIds.length) return;
  await exec(q, `UPDATE signals_v3 SET executed_at = now() WHERE id = ANY($1::uuid[]) AND executed_at IS NULL`, [signalIds], PREPARED);
}

/**
 * ROUTED → EXECUTED (some deployment opened) or FAILED (none did), once no deployment of the signal is PENDING;
 * returns the signals this call settled. Inside the transaction that ended the outcomes it settles a signal whose
 * outcomes all ended there; the others are settled after the commit, when concurrent opens of the signal see each
 * other's outcomes. A signal settled FAILED may make its agent failing (noteAgentFailures), in the same transaction:
 * given the DataSource (after a commit), it opens one, so no reader sees the FAILED signal without its notification
 * and a crash between the two statements cannot lose it (a retried job finds the signal settled and settles nothing).
 */
export async function settleSignals(q: Sql, signalIds: readonly string[]): Promise<string[]> {
  if (!signalIds.length) return [];
  if (q instanceof DataSource) return q.transaction((em) => settleSignals(em, signalIds));
  const settled = await rows<{ id: string; status: string }>(
    q,
    `WITH done AS (
       SELECT s.id, EXISTS (SELECT 1 FROM signal_outcomes o WHERE o.signal_id = s.id AND o.outcome = 'OPENED') AS opened
         FROM signals_v3 s
        WHERE s.id = ANY($1::uuid[]) AND s.status = 'ROUTED'
          AND NOT EXISTS (SELECT 1 FROM signal_outcomes o WHERE o.signal_id = s.id AND o.outcome = 'PENDING'))
     UPDATE signals_v3 s
        SET status = CASE WHEN done.opened THEN 'EXECUTED' ELSE 'FAILED' END,
            failure_reason = CASE WHEN done.opened THEN s.failure_reason ELSE 'no position opened: see signal_outcomes' END
       FROM done
      WHERE s.id = done.id AND s.status = ANY($2)
      RETURNING s.id, s.status`,
    [signalIds, from('EXECUTED')],
    PREPARED,
  );
  // A signal no deployment opened is a failure of its agent: agent.failing is checked then (never on a success).
  await noteAgentFailures(
    q,
    settled.filter((s) => s.status === 'FAILED').map((s) => s.id),
  );
  return settled.map((s) => s.id);
}
