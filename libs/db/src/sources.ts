import { EntityManager } from 'typeorm';
import { CtAccountRow, CtPostRow, ResearchInstituteRow, ResearchNoteRow } from './rows';
import { rows } from './sql';

// Agent What's inputs, written the same way by the gateway (POST endpoints) and the X poller. Idempotent: a post
// is keyed by its tweet id, a note by (institute, source id), an indicator window by (token, window start).

export interface PostInput {
  tweetId: string;
  /** The author's X handle without '@' (stored lower case). */
  username: string;
  /** The author's X user id, when known (agents follow accounts by it). */
  userId?: string | null;
  text: string;
  createdAt?: string | null;
}

export interface StoredPost {
  id: string;
  tweetId: string;
  accountId: string;
  /** false when the tweet id was already stored (nothing changed). */
  inserted: boolean;
}

/** Stores posts, creating their authors' ct_accounts rows on first sight. One transaction, two statements per batch. */
export async function storePosts(em: EntityManager, posts: PostInput[]): Promise<StoredPost[]> {
  if (!posts.length) return [];
  const authors = new Map<string, string | null>();
  for (const p of posts) if (!authors.has(p.username.toLowerCase()) || p.userId) authors.set(p.username.toLowerCase(), p.userId ?? null);
  const accounts = await rows<Pick<CtAccountRow, 'id' | 'x_username'>>(
    em,
    `INSERT INTO ct_accounts (x_username, x_user_id, last_seen_at)
     SELECT u, i, now() FROM unnest($1::text[], $2::text[]) AS t(u, i)
     ON CONFLICT (x_username) DO UPDATE SET x_user_id = COALESCE(ct_accounts.x_user_id, EXCLUDED.x_user_id), last_seen_at = now()
     RETURNING id, x_username`,
    [[...authors.keys()], [...authors.values()]],
  );
  const accountOf = new Map(accounts.map((a) => [a.x_username, a.id]));
  const inserted = await rows<Pick<CtPostRow, 'id' | 'tweet_id'>>(
    em,
    `INSERT INTO ct_posts (ct_account_id, tweet_id, tweet_text, tweet_created_at)
     SELECT a, t, x, c FROM unnest($1::uuid[], $2::text[], $3::text[], $4::timestamptz[]) AS v(a, t, x, c)
     ON CONFLICT (tweet_id) DO NOTHING RETURNING id, tweet_id`,
    [
      posts.map((p) => accountOf.get(p.username.toLowerCase())),
      posts.map((p) => p.tweetId),
      posts.map((p) => p.text),
      posts.map((p) => p.createdAt ?? null),
    ],
  );
  const fresh = new Set(inserted.map((r) => r.tweet_id));
  const stored = await rows<Pick<CtPostRow, 'id' | 'tweet_id' | 'ct_account_id'>>(
    em,
    `SELECT id, tweet_id, ct_account_id FROM ct_posts WHERE tweet_id = ANY($1::text[])`,
    [posts.map((p) => p.tweetId)],
  );
  const byTweet = new Map(stored.map((r) => [r.tweet_id, r]));
  return posts.map((p) => {
    const r = byTweet.get(p.tweetId)!;
    return { id: r.id, tweetId: p.tweetId, accountId: r.ct_account_id, inserted: fresh.has(p.tweetId) };
  });
}

export interface ResearchNoteInput {
  /** The institute's name; created on first sight. */
  institute: string;
  sourceId: string;
  tokenSymbol: string;
  side: 'LONG' | 'SHORT';
  leverage?: number | null;
  confidence?: number | null;
  text?: string | null;
  signalTime?: string | null;
}

export interface StoredNote {
  id: string;
  instituteId: string;
  sourceId: string;
  inserted: boolean;
}

export async function storeResearchNotes(em: EntityManager, notes: ResearchNoteInput[]): Promise<StoredNote[]> {
  if (!notes.length) return [];
  const names = [...new Set(notes.map((n) => n.institute))];
  const institutes = await rows<Pick<ResearchInstituteRow, 'id' | 'name'>>(
    em,
    `INSERT INTO research_institutes (name) SELECT unnest($1::text[])
     ON CONFLICT (name) DO UPDATE SET name = EXCLUDED.name RETURNING id, name`,
    [names],
  );
  const idOf = new Map(institutes.map((i) => [i.name, i.id]));
  const inserted = await rows<Pick<ResearchNoteRow, 'id' | 'institute_id' | 'source_id'>>(
    em,
    `INSERT INTO research_signals (institute_id, source_id, token_symbol, side, leverage, confidence, raw_text, signal_time)
     SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::int[], $6::real[], $7::text[], $8::timestamptz[])
     ON CONFLICT (institute_id, source_id) DO NOTHING RETURNING id, institute_id, source_id`,
    [
      notes.map((n) => idOf.get(n.institute)),
      notes.map((n) => n.sourceId),
      notes.map((n) => n.tokenSymbol),
      notes.map((n) => n.side),
      notes.map((n) => n.leverage ?? null),
      notes.map((n) => n.confidence ?? null),
      notes.map((n) => n.text ?? null),
      notes.map((n) => n.signalTime ?? null),
    ],
  );
  const fresh = new Set(inserted.map((r) => `${r.institute_id}|${r.source_id}`));
  const stored = await rows<Pick<ResearchNoteRow, 'id' | 'institute_id' | 'source_id'>>(
    em,
    `SELECT r.id, r.institute_id, r.source_id FROM research_signals r
       JOIN unnest($1::uuid[], $2::text[]) AS k(i, s) ON r.institute_id = k.i AND r.source_id = k.s`,
    [notes.map((n) => idOf.get(n.institute)), notes.map((n) => n.sourceId)],
  );
  const byKey = new Map(stored.map((r) => [`${r.institute_id}|${r.source_id}`, r]));
  return notes.map((n) => {
    const key = `${idOf.get(n.institute)}|${n.sourceId}`;
    const r = byKey.get(key)!;
    return { id: r.id, instituteId: r.institute_id, sourceId: n.sourceId, inserted: fresh.has(key) };
  });
}

/**
 * SQL condition: the x_account_ids entry `entry` names the ct_accounts row `account` — by our id, the X user id, or
 * the handle (any case, '@' optional). The one definition of "follows", used wherever agents meet accounts.
 */
export const namesAccount = (entry: string, account: string) =>
  `(${entry} = ${account}.id::text OR ${entry} = ${account}.x_user_id OR lower(ltrim(${entry}, '@')) = ${account}.x_username)`;

/** Agents (ACTIVE) that follow any of these CT accounts: x_account_ids may hold the X user id, the handle (any case, '@' optional) or our
 * id. */
export async function agentsFollowingAccounts(
  em: EntityManager,
  accountIds: string[],
): Promise<{ agent_id: string; account_id: string }[]> {
  if (!accountIds.length) return [];
  return rows<{ agent_id: string; account_id: string }>(
    em,
    `SELECT DISTINCT ag.id AS agent_id, a.id AS account_id
       FROM ct_accounts a
       JOIN agents_v3 ag ON ag.status = 'ACTIVE'
        AND EXISTS (SELECT 1 FROM unnest(ag.x_account_ids) x WHERE ${namesAccount('x', 'a')})
      WHERE a.id = ANY($1::uuid[])`,
    [accountIds],
  );
}

/** Agents (ACTIVE) that follow any of these research institutes (by id or name). */
export async function agentsFollowingInstitutes(em: EntityManager, instituteIds: string[]): Promise<{ agent_id: string }[]> {
  if (!instituteIds.length) return [];
  return rows<{ agent_id: string }>(
    em,
    `SELECT DISTINCT ag.id AS agent_id
       FROM research_institutes i
       JOIN agents_v3 ag ON ag.status = 'ACTIVE' AND ag.research_institute_ids && ARRAY[i.id::text, i.name]
      WHERE i.id = ANY($1::uuid[])`,
    [instituteIds],
  );
}
