import { movesInto, OUTCOME_LIFECYCLE, OutcomeStage, OutcomeStatus, telemetry } from '@conduit/domain';
import { audit } from '../audit';
import { asJson, exec, first, PREPARED, rows, Sql } from '../sql';
import { failSignal } from './signal';

/**
 * The outcome of each signal × deployment (signal_outcomes), and the only code that changes it: Agent How creates it
 * PENDING (approved) or SKIPPED; Agent Where gives a PENDING one its venue and failover candidates, or SKIPS it; the
 * executor ends it OPENED or FAILED, moving it to the next candidate venue first when a venue refuses. Every signal
 * × deployment therefore ends OPENED, SKIPPED or FAILED with the stage and the reason. Each statement reports the outcomes
 * it moved (telemetry: conduit_outcomes_total{status}).
 */
const from = (to: OutcomeStatus) => movesInto(OUTCOME_LIFECYCLE, to);

/** Agent How's verdict on one deployment: approved (skipReason null) or skipped with the reason, and its log row. */
export interface PolicyVerdict {
  deploymentId: string;
  skipReason: string | null;
  /** The policy_decisions row: TRADE with the final size, leverage and venues, or SKIP with the code. */
  decision: {
    decision: 'TRADE' | 'SKIP';
    code: string;
    reason: string;
    sizeModel: Record<string, unknown> | null;
    leverage: number | null;
    venues: string[] | null;
    effectivePolicy: Record<string, unknown>;
    inputs: Record<string, unknown>;
  };
}

/**
 * Agent How's verdicts, once per signal × deployment, in one statement whatever their number: each decision in
 * policy_decisions and the outcome it creates, PENDING (approved) or SKIPPED with the reason. A retry changes nothing.
 * Returns how many outcomes this call created PENDING.
 */
export async function recordVerdicts(q: Sql, signalId: string, agentId: string, verdicts: readonly PolicyVerdict[]): Promise<number> {
  if (!verdicts.length) return 0;
  const [{ pending, skipped }] = await rows<{ pending: number; skipped: number }>(
    q,
    `WITH t AS (SELECT * FROM jsonb_to_recordset($3::jsonb) AS t(d uuid, skip text, decision text, code text, reason text, size_model jsonb,
                                                                 leverage int, venues text[], effective jsonb, inputs jsonb)),
          decided AS (
            INSERT INTO policy_decisions (signal_id, deployment_id, agent_id, decision, code, reason, size_model, leverage, venues,
                                          effective_policy, inputs)
            SELECT $1, t.d, $2, t.decision, t.code, t.reason, t.size_model, t.leverage, t.venues, t.effective, t.inputs FROM t
            ON CONFLICT (signal_id, deployment_id) DO NOTHING),
          created AS (
            INSERT INTO signal_outcomes (signal_id, deployment_id, outcome, stage, reason)
            SELECT $1, t.d, CASE WHEN t.skip IS NULL THEN 'PENDING' ELSE 'SKIPPED' END, 'policy', t.skip FROM t
            ON CONFLICT (signal_id, deployment_id) DO NOTHING RETURNING outcome)
     SELECT count(*) FILTER (WHERE outcome = 'PENDING')::int AS pending, count(*) FILTER (WHERE outcome = 'SKIPPED')::int AS skipped
       FROM created`,
    [
      signalId,
      agentId,
      asJson(
        verdicts.map(({ deploymentId, skipReason, decision: d }) => ({
          d: deploymentId,
          skip: skipReason,
          decision: d.decision,
          code: d.code,
          reason: d.reason,
          size_model: d.sizeModel,
          leverage: d.leverage,
          venues: d.venues,
          effective: d.effectivePolicy,
          inputs: d.inputs,
        })),
      ),
    ],
    PREPARED,
  );
  telemetry.outcome('PENDING', pending);
  telemetry.outcome('SKIPPED', skipped);
  return pending;
}

/** How many deployments of the signal still wait for their outcome. */
export async function countPending(q: Sql, signalId: string): Promise<number> {
  const row = await first<{ n: number }>(q, `SELECT count(*)::int AS n FROM signal_outcomes WHERE signal_id = $1 AND outcome = 'PENDING'`, [
    signalId,
  ]);
  return row?.n ?? 0;
}

/** Agent Where's assignment of one deployment: its venue and the ranked venues left for failover, or skipped (venue null). */
export interface VenueAssignment {
  deploymentId: string;
  venue: string | null;
  candidates: string[];
  skipReason: string | null;
}

/** Gives each PENDING outcome its venue and candidates; one without a venue becomes SKIPPED at the router. */
export async function assignVenues(q: Sql, signalId: string, assignments: readonly VenueAssignment[]): Promise<void> {
  if (!assignments.length) return;
  await exec(
    q,
    `UPDATE signal_outcomes o
        SET venue = t.venue::venue_v3_t, venue_candidates = t.rest,
            outcome = CASE WHEN t.venue IS NULL THEN 'SKIPPED' ELSE o.outcome END,
            stage = CASE WHEN t.venue IS NULL THEN 'router' ELSE o.stage END,
            reason = COALESCE(t.reason, o.reason), updated_at = now()
       FROM jsonb_to_recordset($2::jsonb) AS t(d uuid, venue text, rest text[], reason text)
      WHERE o.signal_id = $1 AND o.deployment_id = t.d AND o.outcome = ANY($3)`,
    [
      signalId,
      asJson(assignments.map((a) => ({ d: a.deploymentId, venue: a.venue, rest: a.candidates, reason: a.skipReason }))),
      from('SKIPPED'),
    ],
    PREPARED,
  );
}

/** A signal routed by an older attempt that recorded no assignment: its PENDING outcomes take the signal's venue. */
export async function assignSignalVenue(q: Sql, signalId: string, venue: string): Promise<void> {
  await exec(q, `UPDATE signal_outcomes SET venue = $2 WHERE signal_id = $1 AND outcome = 'PENDING' AND venue IS NULL`, [signalId, venue]);
}

/**
 * The deployments of a signal's fan-out: every outcome Agent Where gave a venue, in a stable order, so a retried
 * route chunks them the same way; `pending` counts those still waiting for their open.
 */
export async function assignedDeployments(q: Sql, signalId: string): Promise<{ deployments: string[]; pending: number }> {
  const found = await rows<{ deployment_id: string; pending: boolean }>(
    q,
    `SELECT deployment_id, outcome = 'PENDING' AS pending FROM signal_outcomes WHERE signal_id = $1 AND venue IS NOT NULL ORDER BY
      deployment_id`,
    [signalId],
  );
  return { deployments: found.map((r) => r.deployment_id), pending: found.filter((r) => r.pending).length };
}

/** Every PENDING outcome of the signal → SKIPPED at `stage` with the reason. */
export async function skipPendingOutcomes(q: Sql, signalId: string, stage: OutcomeStage, reason: string): Promise<void> {
  const skipped = await rows(
    q,
    `UPDATE signal_outcomes SET outcome = 'SKIPPED', stage = $2, reason = $3, updated_at = now() WHERE signal_id = $1 AND outcome =
      ANY($4) RETURNING 1`,
    [signalId, stage, reason, from('SKIPPED')],
  );
  telemetry.outcome('SKIPPED', skipped.length);
}

/**
 * A venue refused the open: the PENDING outcome moves to its next candidate venue, the trail kept in the reason.
 * Returns the move, or null when no candidate is left (the caller then fails it).
 */
export async function failOver(
  q: Sql,
  signalId: string,
  deploymentId: string,
  why: string,
): Promise<{ from: string | null; to: string } | null> {
  const [moved] = await rows<{ from: string | null; to: string }>(
    q,
    `WITH u AS (UPDATE signal_outcomes o
        SET venue = o.venue_candidates[1]::venue_v3_t, venue_candidates = o.venue_candidates[2:],
            reason = concat_ws('; ', o.reason, concat(o.venue, ' refused: ', $3::text, ' -> ', o.venue_candidates[1])), updated_at = now()
       FROM (SELECT venue::text AS venue FROM signal_outcomes WHERE signal_id = $1 AND deployment_id = $2) old
      WHERE o.signal_id = $1 AND o.deployment_id = $2 AND o.outcome = 'PENDING' AND cardinality(o.venue_candidates) > 0
      RETURNING old.venue AS "from", o.venue::text AS "to") SELECT * FROM u`,
    [signalId, deploymentId, why.slice(0, 300)],
    PREPARED,
  );
  return moved ?? null;
}

export interface Opened {
  signalId: string;
  deploymentId: string;
  positionId: string;
}

/** PENDING → OPENED with the position, for a batch of opens (one statement). */
export async function markOpened(q: Sql, opened: readonly Opened[]): Promise<void> {
  if (!opened.length) return;
  const moved = await rows(
    q,
    `UPDATE signal_outcomes o SET outcome = 'OPENED', stage = 'executor', position_id = t.position_id, updated_at = now()
       FROM unnest($1::uuid[], $2::uuid[], $3::uuid[]) AS t(signal_id, deployment_id, position_id)
      WHERE o.signal_id = t.signal_id AND o.deployment_id = t.deployment_id AND o.outcome = ANY($4) RETURNING 1`,
    [opened.map((o) => o.signalId), opened.map((o) => o.deploymentId), opened.map((o) => o.positionId), from('OPENED')],
    PREPARED,
  );
  telemetry.outcome('OPENED', moved.length);
}

/** PENDING → FAILED at the executor with the reason. */
export async function failOutcome(q: Sql, signalId: string, deploymentId: string, reason: string): Promise<void> {
  const failed = await rows(
    q,
    `UPDATE signal_outcomes SET outcome = 'FAILED', stage = 'executor', reason = $3, updated_at = now()
      WHERE signal_id = $1 AND deployment_id = $2 AND outcome = ANY($4) RETURNING 1`,
    [signalId, deploymentId, reason.slice(0, 1000), from('FAILED')],
    PREPARED,
  );
  telemetry.outcome('FAILED', failed.length);
}

/**
 * A pipeline stage gave up on a signal (its job failed after the last attempt): every deployment still waiting on
 * it ends FAILED at that stage with the reason, and so does the signal. At the policy stage the deployments it never
 * reached (the agent's) get their FAILED outcome too. Idempotent; audited once.
 */
export async function failSignalAtStage(q: Sql, signalId: string, stage: 'policy' | 'router', reason: string, traceId?: string | null) {
  const text = reason.slice(0, 1000);
  const [{ failed }] = await rows<{ failed: number }>(
    q,
    `WITH pending AS (
       UPDATE signal_outcomes SET outcome = 'FAILED', stage = $2, reason = $3, updated_at = now()
        WHERE signal_id = $1 AND outcome = ANY($4) RETURNING deployment_id),
     unreached AS (
       INSERT INTO signal_outcomes (signal_id, deployment_id, outcome, stage, reason)
       SELECT s.id, d.id, 'FAILED', $2, $3 FROM signals_v3 s JOIN agent_deployments_v3 d ON d.agent_id = s.agent_id
        WHERE s.id = $1 AND $2 = 'policy'
       ON CONFLICT (signal_id, deployment_id) DO NOTHING RETURNING deployment_id)
     SELECT (SELECT count(*) FROM pending)::int + (SELECT count(*) FROM unreached)::int AS failed`,
    [signalId, stage, text, from('FAILED')],
  );
  await failSignal(q, signalId, text);
  telemetry.outcome('FAILED', failed);
  if (failed) await audit(q, 'v3.signal.failed', 'signal', signalId, { stage, reason: text, deployments: failed }, traceId);
  return failed;
}
