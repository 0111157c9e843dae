import { EntityManager } from 'typeorm';
import { audit } from './audit';

/**
 * A pipeline stage gave up on a signal (its job failed after the last attempt): every deployment still waiting on
 * it ends FAILED at that stage with the reason, so each signal × deployment keeps exactly one final outcome. At the
 * policy stage the deployments it never reached (the agent's) get their FAILED outcome too. Idempotent.
 */
export async function failSignalAtStage(
  em: EntityManager,
  signalId: string,
  stage: 'policy' | 'router',
  reason: string,
  traceId?: string | null,
): Promise<number> {
  const text = reason.slice(0, 1000);
  const [{ failed }] = await em.query(
    `WITH pending AS (
       UPDATE signal_outcomes SET outcome = 'FAILED', stage = $2, reason = $3, updated_at = now()
        WHERE signal_id = $1 AND outcome = 'PENDING' RETURNING deployment_id),
     unreached AS (
       INSERT INTO signal_outcomes (signal_id, deployment_id, outcome, stage, reason)
       SELECT s.id, d.id, 'FAILED', $2, $3 FROM signals_v3 s JOIN agent_deployments_v3 d ON d.agent_id = s.agent_id
        WHERE s.id = $1 AND $2 = 'policy'
       ON CONFLICT (signal_id, deployment_id) DO NOTHING RETURNING deployment_id),
     signal AS (
       UPDATE signals_v3 SET status = 'FAILED', skipped_reason = $3 WHERE id = $1 AND status IN ('PENDING', 'ROUTED') RETURNING id)
     SELECT (SELECT count(*) FROM pending)::int + (SELECT count(*) FROM unreached)::int AS failed`,
    [signalId, stage, text],
  );
  if (failed) await audit(em, 'v3.signal.failed', 'signal', signalId, { stage, reason: text, deployments: failed }, traceId);
  return failed;
}
