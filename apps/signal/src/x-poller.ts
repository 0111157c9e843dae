import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Env } from '@conduit/config';
import { CtAccountRow, namesAccount, rows, storePosts } from '@conduit/db';
import { JobName, jobId, JobProducer } from '@conduit/queue';
import { ENV } from '@conduit/runtime';
import { PostSource, XApiSource, XRateLimitedError } from '@conduit/signals';

/**
 * Polls X (API v2 user timelines) for new posts of the accounts ACTIVE agents follow, stores them like the
 * gateway's ingest endpoint does and queues their classification. Off without X_BEARER_TOKEN. Each account
 * resumes after the newest tweet id stored for it; a rate limit ends the round (the next one resumes).
 */
@Injectable()
export class XPoller {
  private readonly log = new Logger(XPoller.name);
  readonly source: PostSource | null;

  constructor(
    private readonly ds: DataSource,
    private readonly producer: JobProducer,
    @Inject(ENV) env: Env,
  ) {
    this.source = env.X_BEARER_TOKEN ? new XApiSource({ bearerToken: env.X_BEARER_TOKEN, baseUrl: env.X_API_URL }) : null;
  }

  async poll(traceId?: string): Promise<{ accounts: number; posts: number; rateLimited: boolean }> {
    if (!this.source) return { accounts: 0, posts: 0, rateLimited: false };
    // x_user_id IS NOT NULL; since: the newest numeric tweet id stored for the account.
    const accounts = await rows<Pick<CtAccountRow, 'id' | 'x_username'> & { x_user_id: string; since: string | null }>(
      this.ds,
      `SELECT a.id, a.x_user_id, a.x_username,
              (SELECT max(tweet_id::numeric)::text FROM ct_posts p WHERE p.ct_account_id = a.id AND tweet_id ~ '^[0-9]+$') AS since
         FROM ct_accounts a
        WHERE a.is_active AND a.x_user_id IS NOT NULL
          AND EXISTS (SELECT 1 FROM agents_v3 ag, unnest(ag.x_account_ids) x
                       WHERE ag.status = 'ACTIVE' AND ${namesAccount('x', 'a')})`,
    );
    let posts = 0;
    for (const a of accounts) {
      try {
        const page = await this.source.fetchUserPosts(a.x_user_id, a.since);
        if (!page.posts.length) continue;
        const stored = await this.ds.transaction((em) =>
          storePosts(
            em,
            page.posts.map((p) => ({
              tweetId: p.tweetId,
              username: p.username ?? a.x_username,
              userId: p.authorId,
              text: p.text,
              createdAt: p.createdAt,
            })),
          ),
        );
        const fresh = stored.filter((s) => s.inserted);
        posts += fresh.length;
        await this.producer.emitBulk(
          fresh.map((s) => ({
            name: JobName.SignalClassifyPost,
            data: { postId: s.id, traceId },
            jobId: jobId(JobName.SignalClassifyPost, s.id),
          })),
        );
      } catch (e) {
        if (e instanceof XRateLimitedError) {
          this.log.warn(`X rate limit reached; resuming after ${e.resetAt.toISOString()}`);
          return { accounts: accounts.length, posts, rateLimited: true };
        }
        this.log.warn(`X poll of @${a.x_username} failed: ${(e as Error).message}`);
      }
    }
    return { accounts: accounts.length, posts, rateLimited: false };
  }
}
