import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  AgentDecisionRow,
  agentsFollowingInstitutes,
  audit,
  CtAccountRow,
  first,
  ImpactHistoryRow,
  rows,
  storePosts,
  storeResearchNotes,
} from '@conduit/db';
import { JobName, jobId, JobProducer } from '@conduit/queue';
import { notFound } from '../common/errors';
import { ReadModels } from '../common/read-models';
import { DecisionLogQuery, IngestIndicatorsDto, IngestPostsDto, IngestResearchDto } from './sources.dto';

/**
 * Agent What's inputs and its decision log. Posts and notes are stored once (tweet id; institute + source id);
 * only new ones are queued: a post for classification, a note for the generation of every agent following its
 * institute. Indicator windows are upserted and read by the next generation.
 */
@Injectable()
export class SourcesService {
  constructor(
    private readonly ds: DataSource,
    private readonly read: ReadModels,
    private readonly producer: JobProducer,
  ) {}

  async posts(dto: IngestPostsDto, traceId: string) {
    const stored = await this.ds.transaction(async (em) => {
      const posts = await storePosts(
        em,
        dto.posts.map((p) => ({
          tweetId: p.tweet_id,
          username: p.x_username,
          userId: p.x_user_id ?? null,
          text: p.text,
          createdAt: p.created_at ?? null,
        })),
      );
      const fresh = posts.filter((r) => r.inserted);
      if (fresh.length) await audit(em, 'v3.ct_posts.ingested', 'ct_posts', null, { tweet_ids: fresh.map((r) => r.tweetId) }, traceId);
      return posts;
    });
    await this.producer.emitBulk(
      stored
        .filter((r) => r.inserted)
        .map((r) => ({
          name: JobName.SignalClassifyPost,
          data: { postId: r.id, traceId },
          jobId: jobId(JobName.SignalClassifyPost, r.id),
        })),
    );
    const inserted = stored.filter((r) => r.inserted).length;
    return {
      success: true,
      inserted,
      duplicates: stored.length - inserted,
      posts: stored.map((r) => ({ tweet_id: r.tweetId, id: r.id, status: r.inserted ? 'QUEUED' : 'DUPLICATE' })),
    };
  }

  async accounts() {
    const accounts = await rows<CtAccountRow & { posts: number }>(
      this.ds,
      `SELECT a.*, (SELECT count(*)::int FROM ct_posts p WHERE p.ct_account_id = a.id) AS posts FROM ct_accounts a ORDER BY a.impact_factor
        DESC, a.x_username`,
    );
    return { success: true, count: accounts.length, accounts };
  }

  async impactHistory(id: string) {
    const account = await first<Pick<CtAccountRow, 'id'>>(this.ds, `SELECT id FROM ct_accounts WHERE id = $1`, [id]);
    if (!account) throw notFound('ct account', id);
    const history = await rows<ImpactHistoryRow>(
      this.ds,
      `SELECT * FROM impact_factor_history WHERE ct_account_id = $1 ORDER BY created_at DESC, id LIMIT 500`,
      [id],
    );
    return { success: true, count: history.length, history };
  }

  async research(dto: IngestResearchDto, traceId: string) {
    const stored = await this.ds.transaction(async (em) => {
      const notes = await storeResearchNotes(
        em,
        dto.notes.map((n) => ({
          institute: n.institute,
          sourceId: n.source_id,
          tokenSymbol: n.token_symbol.toUpperCase(),
          side: n.side,
          leverage: n.leverage ?? null,
          confidence: n.confidence ?? null,
          text: n.text ?? null,
          signalTime: n.signal_time ?? null,
        })),
      );
      if (notes.some((r) => r.inserted))
        await audit(
          em,
          'v3.research.ingested',
          'research_signals',
          null,
          { ids: notes.filter((r) => r.inserted).map((r) => r.id) },
          traceId,
        );
      return notes;
    });
    const fresh = stored.filter((r) => r.inserted);
    const agents = await agentsFollowingInstitutes(this.ds.manager, [...new Set(fresh.map((r) => r.instituteId))]);
    await this.producer.emitBulk(
      agents.map(({ agent_id }) => ({
        name: JobName.SignalGenerate,
        data: { agentId: agent_id, traceId },
        jobId: jobId(JobName.SignalGenerate, agent_id, 'notes', fresh.map((r) => r.id).sort()[0]),
      })),
    );
    return {
      success: true,
      inserted: fresh.length,
      duplicates: stored.length - fresh.length,
      notes: stored.map((r) => ({ source_id: r.sourceId, id: r.id, status: r.inserted ? 'QUEUED' : 'DUPLICATE' })),
    };
  }

  async indicators(dto: IngestIndicatorsDto, traceId: string) {
    return this.ds.transaction(async (em) => {
      // A window sent again with the same indicators is left as it is (and not audited again).
      // windows: how many were sent; changed: the ids of those inserted or changed.
      const [{ windows, changed }] = await rows<{ windows: number; changed: string[] }>(
        em,
        `WITH input AS (SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::jsonb[]) AS t(token_symbol, window_start, indicators)),
              up AS (INSERT INTO market_indicators_6h (token_symbol, window_start, indicators) SELECT * FROM input
                     ON CONFLICT (token_symbol, window_start) DO UPDATE SET indicators = EXCLUDED.indicators
                     WHERE market_indicators_6h.indicators IS DISTINCT FROM EXCLUDED.indicators RETURNING id)
         SELECT (SELECT count(*) FROM input)::int AS windows, ARRAY(SELECT id FROM up) AS changed`,
        [
          dto.windows.map((w) => w.token_symbol.toUpperCase()),
          dto.windows.map((w) => w.window_start),
          dto.windows.map((w) => JSON.stringify(w.indicators)),
        ],
      );
      if (changed.length) await audit(em, 'v3.market_indicators.upserted', 'market_indicators_6h', null, { ids: changed }, traceId);
      return { success: true, upserted: windows, changed: changed.length };
    });
  }

  async decisions(agentId: string, q: DecisionLogQuery) {
    await this.read.agent(agentId);
    const decisions = await rows<AgentDecisionRow>(
      this.ds,
      `SELECT * FROM agent_decisions
        WHERE agent_id = $1 AND ($2::text IS NULL OR status = $2) AND ($3::text IS NULL OR action = $3)
          AND ($4::text IS NULL OR coin = $4) AND ($5::text IS NULL OR source_type = $5)
        ORDER BY timestamp DESC, id LIMIT $6 OFFSET $7`,
      [agentId, q.status ?? null, q.action ?? null, q.coin ?? null, q.source_type ?? null, q.limit ?? 50, q.offset ?? 0],
    );
    return { success: true, count: decisions.length, decisions };
  }
}
