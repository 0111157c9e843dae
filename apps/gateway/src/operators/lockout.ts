import { exec, first, rows, Sql } from '@conduit/db';

/**
 * Failed logins slow down, then lock (issue 15). Counted per account (the email tried, known or not, so an unknown
 * email behaves like a known one) and per client address; the count starts afresh after 15 minutes without a failure
 * (a sliding window, so waiting out each slow-down does not reset it). From `slowAfter` failures on,
 * each failure makes the next attempt wait (30 s, doubling); at `lockAfter` the account or address is locked for
 * `lockMs`. An attempt while locked answers 429 with Retry-After and is not counted. A successful login clears its
 * account's count (not its address's).
 */
export interface LockoutPolicy {
  slowAfter: number;
  lockAfter: number;
  lockMs: number;
}

export const WINDOW_MS = 15 * 60_000;
export const FIRST_DELAY_MS = 30_000;
export const LOCKOUT: Record<'account' | 'address', LockoutPolicy> = {
  account: { slowAfter: 5, lockAfter: 10, lockMs: 30 * 60_000 },
  address: { slowAfter: 20, lockAfter: 50, lockMs: 30 * 60_000 },
};

export type Scope = keyof typeof LOCKOUT;

/** How long the attempt's account or address must still wait (ms), the longer of the two; 0 when neither is locked. */
export async function lockedFor(q: Sql, account: string, address: string, now: Date): Promise<number> {
  const locked = await rows<{ locked_until: Date }>(
    q,
    `SELECT locked_until FROM operator_lockouts
      WHERE ((scope = 'account' AND key = $1) OR (scope = 'address' AND key = $2)) AND locked_until > $3`,
    [account, address, now],
  );
  return Math.max(0, ...locked.map((l) => l.locked_until.getTime() - now.getTime()));
}

/** Counts one failure of the account and of the address; answers their counts after it. */
export async function recordFailure(q: Sql, account: string, address: string, now: Date): Promise<Record<Scope, number>> {
  const out = {} as Record<Scope, number>;
  for (const [scope, key] of [
    ['account', account],
    ['address', address],
  ] as const) {
    const policy = LOCKOUT[scope];
    const row = await first<{ failures: number }>(
      q,
      `INSERT INTO operator_lockouts AS l (scope, key, failures, last_failure_at) VALUES ($1, $2, 1, $3)
       ON CONFLICT (scope, key) DO UPDATE SET
         failures = CASE WHEN l.last_failure_at <= $3::timestamptz - make_interval(secs => $4) THEN 1 ELSE l.failures + 1 END,
         last_failure_at = $3
       RETURNING failures`,
      [scope, key, now, WINDOW_MS / 1000],
    );
    const failures = row!.failures;
    out[scope] = failures;
    const wait =
      failures >= policy.lockAfter ? policy.lockMs : failures >= policy.slowAfter ? FIRST_DELAY_MS * 2 ** (failures - policy.slowAfter) : 0;
    if (wait)
      await exec(q, `UPDATE operator_lockouts SET locked_until = $3 WHERE scope = $1 AND key = $2`, [
        scope,
        key,
        new Date(now.getTime() + wait),
      ]);
  }
  return out;
}

/** A successful login or an admin's unlock: the account starts afresh. */
export async function clearAccount(q: Sql, account: string): Promise<void> {
  await exec(q, `DELETE FROM operator_lockouts WHERE scope = 'account' AND key = $1`, [account]);
}
