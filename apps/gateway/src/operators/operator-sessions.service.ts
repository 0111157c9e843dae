import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { auditChange, auditMany, first, OperatorSessionRow, rows, Sql } from '@conduit/db';
import type { Clock } from '@conduit/domain';
import { CLOCK } from '@conduit/runtime';
import type { OperatorPrincipal } from '../auth/auth.decorators';
import { notFound } from '../common/errors';

/** Why a session was ended, in its audit row. */
export type RevokeReason = 'revoked' | 'revoke_others' | 'two_fa_reset';

/** What an operator sees of a session: its id, never the token nor its hash; `current` is the one asking. */
export const sessionView = (s: OperatorSessionRow, currentId: string | null) => ({
  id: s.id,
  created_at: s.created_at,
  last_seen_at: s.last_seen_at,
  expires_at: s.expires_at,
  revoked_at: s.revoked_at,
  ip_address: s.ip_address,
  user_agent: s.user_agent,
  current: s.id === currentId,
});

/** The session an operator's request came with (API keys have none). */
const currentOf = (op: OperatorPrincipal): string | null => (op.via === 'session' ? op.credentialId : null);

/** The audit row of a session ended now: revoked_at from null to now, by whoever the request is. */
const revokedEntry = (userId: string, sessionId: string, now: Date, reason: RevokeReason, by: string, traceId: string) => ({
  event: 'v3.operator.session_revoked',
  subjectType: 'operator_session',
  subjectId: sessionId,
  payload: { user_id: userId, reason, by },
  traceId,
  change: auditChange({ revoked_at: null }, { revoked_at: now.toISOString() }),
});

/**
 * Ends every live session of a user but `except` (the caller's own, or none), each audited as session_revoked with
 * its reason when `audited` says who and why; answers the ids ended.
 */
export async function revokeSessions(
  q: Sql,
  userId: string,
  now: Date,
  opts: { except?: string | null; audited?: { reason: RevokeReason; by: string; traceId: string } } = {},
): Promise<string[]> {
  const ended = await rows<{ id: string }>(
    q,
    `UPDATE operator_sessions SET revoked_at = $2
      WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > $2 AND id IS DISTINCT FROM $3::uuid
      RETURNING id`,
    [userId, now, opts.except ?? null],
  );
  const ids = ended.map((s) => s.id).sort();
  const a = opts.audited;
  if (a)
    await auditMany(
      q,
      ids.map((id) => revokedEntry(userId, id, now, a.reason, a.by, a.traceId)),
    );
  return ids;
}

/**
 * An operator's sessions: their own (list, end one, end all the others) and, for admins, another operator's. A live
 * session is one neither revoked nor expired by the injected clock. Ending a session is audited as
 * v3.operator.session_revoked (entity operator_session, revoked_at before and after).
 */
@Injectable()
export class OperatorSessionsService {
  constructor(
    private readonly ds: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** The live sessions of a user, newest first; 404 for an unknown user. */
  async list(op: OperatorPrincipal, userId: string) {
    await this.assertUser(this.ds, userId);
    const sessions = await rows<OperatorSessionRow>(
      this.ds,
      `SELECT * FROM operator_sessions WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > $2 ORDER BY created_at DESC, id`,
      [userId, this.clock.now()],
    );
    const current = currentOf(op);
    return { success: true, count: sessions.length, sessions: sessions.map((s) => sessionView(s, current)) };
  }

  /**
   * Ends one session of a user: 404 for an unknown user, and for a session of someone else or none. A session already
   * ended (revoked or expired) is answered as it is. `signed_out`: it was the session of the request.
   */
  async revoke(op: OperatorPrincipal, userId: string, sessionId: string, traceId: string) {
    const current = currentOf(op);
    return this.ds.transaction(async (em) => {
      await this.assertUser(em, userId);
      const session = await first<OperatorSessionRow>(em, `SELECT * FROM operator_sessions WHERE id = $1 AND user_id = $2 FOR UPDATE`, [
        sessionId,
        userId,
      ]);
      if (!session) throw notFound('session', sessionId);
      const now = this.clock.now();
      if (session.revoked_at || session.expires_at <= now)
        return { success: true, session: sessionView(session, current), signed_out: false };
      const revoked = await first<OperatorSessionRow>(em, `UPDATE operator_sessions SET revoked_at = $2 WHERE id = $1 RETURNING *`, [
        sessionId,
        now,
      ]);
      await auditMany(em, [revokedEntry(userId, sessionId, now, 'revoked', op.id, traceId)]);
      return { success: true, session: sessionView(revoked!, current), signed_out: sessionId === current };
    });
  }

  /** Ends every live session of the operator but the one of this request. */
  async revokeOthers(op: OperatorPrincipal, traceId: string) {
    const ids = await this.ds.transaction((em) =>
      revokeSessions(em, op.id, this.clock.now(), { except: currentOf(op), audited: { reason: 'revoke_others', by: op.id, traceId } }),
    );
    return { success: true, sessions_revoked: ids.length, revoked_ids: ids };
  }

  private async assertUser(q: Sql, userId: string): Promise<void> {
    if (!(await first(q, `SELECT 1 FROM users WHERE id = $1`, [userId]))) throw notFound('operator', userId);
  }
}
