import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Env } from '@conduit/config';
import { agentsFollowingAccounts, CtAccountRow, CtPostRow, first, rows } from '@conduit/db';
import { deterministicId } from '@conduit/domain';
import { JobName, jobId, JobProducer, UnknownSubjectError } from '@conduit/queue';
import { ENV } from '@conduit/runtime';
import {
  ClassifierRun,
  classifyWithFallback,
  extractTokens,
  OpenAiCompatibleClassifier,
  PostClassifier,
  TrainedClassifier,
} from '@conduit/signals';
import { DecisionRow, logDecisions } from './decision-log';
import { KnownSymbols, marketContext } from './market-context';

/**
 * Classifies each ingested post once: the LLM when one is configured, the trained model (libs/signals/src/trained)
 * when it is not or when the LLM fails, times out or answers something unparsable. The result is kept on the post (ct_posts), and every
 * classifier run is logged in agent_decisions for each ACTIVE agent following the author (the prompt and raw
 * answer of an LLM run included), in the same transaction. Then each of those agents re-reads its sources.
 */
@Injectable()
export class PostClassification {
  private readonly primary: PostClassifier | null;
  private readonly fallback: PostClassifier = new TrainedClassifier();
  private readonly symbols: KnownSymbols;

  constructor(
    private readonly ds: DataSource,
    private readonly producer: JobProducer,
    @Inject(ENV) env: Env,
  ) {
    this.primary = env.LLM_BASE_URL
      ? new OpenAiCompatibleClassifier({
          baseUrl: env.LLM_BASE_URL,
          apiKey: env.LLM_API_KEY ?? '',
          model: env.LLM_MODEL,
          timeoutMs: env.LLM_TIMEOUT_MS,
        })
      : null;
    this.symbols = new KnownSymbols(ds);
  }

  async classify(postId: string, traceId?: string): Promise<{ classifier: string; status: string; isSignal: boolean; agents: number }> {
    const post = await first<
      Pick<CtPostRow, 'id' | 'tweet_id' | 'tweet_text' | 'ct_account_id' | 'processed_at' | 'classification'> &
        Pick<CtAccountRow, 'x_username'>
    >(
      this.ds,
      `SELECT p.id, p.tweet_id, p.tweet_text, p.ct_account_id, p.processed_at, p.classification, a.x_username
         FROM ct_posts p JOIN ct_accounts a ON a.id = p.ct_account_id WHERE p.id = $1`,
      [postId],
    );
    if (!post) throw new UnknownSubjectError(`unknown post ${postId}`);
    const followers = await agentsFollowingAccounts(this.ds.manager, [post.ct_account_id]);
    const agents = [...new Set(followers.map((f) => f.agent_id))];

    let summary = post.classification as PostSummary | null;
    if (!post.processed_at) {
      const known = await this.symbols.get();
      const mentioned = extractTokens(post.tweet_text, known);
      const context = Object.fromEntries(await marketContext(this.ds, mentioned, new Date()));
      const { runs, final } = await classifyWithFallback(this.primary, this.fallback, {
        text: post.tweet_text,
        author: post.x_username,
        knownSymbols: known,
        context,
      });
      const r = final.result;
      summary = {
        classifier: final.classifier,
        model: final.model,
        status: final.status,
        is_signal: !!r?.isSignal,
        tokens: r?.tokens ?? [],
        side: r?.side ?? null,
        confidence: r?.confidence ?? 0,
        reasoning: r?.reasoning ?? final.error,
        runs: runs.map((run) => ({
          classifier: run.classifier,
          model: run.model,
          status: run.status,
          latency_ms: run.latencyMs,
          error: run.error,
        })),
      };
      await this.ds.transaction(async (em) => {
        const updated = await rows<Pick<CtPostRow, 'id'>>(
          em,
          `WITH u AS (UPDATE ct_posts SET is_signal_candidate = $2, extracted_tokens = $3, signal_type = $4, confidence = $5,
                                          classification = $6, processed_at = now()
                       WHERE id = $1 AND processed_at IS NULL RETURNING id) SELECT id FROM u`,
          [postId, !!r?.isSignal, r?.tokens ?? [], r?.side ?? null, r?.confidence ?? 0, summary],
        );
        if (updated.length)
          await logDecisions(
            em,
            agents.flatMap((agentId) => runs.map((run, i) => decisionOf(agentId, post.id, post.tweet_id, run, i))),
          );
      });
    }
    await this.producer.emitBulk(
      agents.map((agentId) => ({
        name: JobName.SignalGenerate,
        data: { agentId, traceId },
        jobId: jobId(JobName.SignalGenerate, agentId, 'post', postId),
      })),
    );
    return { classifier: summary!.classifier, status: summary!.status, isSignal: summary!.is_signal, agents: agents.length };
  }
}

/** What ct_posts.classification keeps: the answer that counted and a summary of every run. */
interface PostSummary {
  classifier: string;
  model: string;
  status: string;
  is_signal: boolean;
  tokens: string[];
  side: string | null;
  confidence: number;
  reasoning: string | null;
  runs: { classifier: string; model: string; status: string; latency_ms: number; error: string | null }[];
}

/** A classifier run as the agent's decision about the post: OPEN_LONG/OPEN_SHORT when it reads a signal, else HOLD. */
function decisionOf(agentId: string, postId: string, tweetId: string, run: ClassifierRun, index: number): DecisionRow {
  const r = run.result;
  const action = r?.isSignal && r.side ? (r.side === 'LONG' ? 'OPEN_LONG' : 'OPEN_SHORT') : 'HOLD';
  return {
    id: deterministicId('agent-decision', agentId, 'ct_post', postId, String(index)),
    agentId,
    status: run.status,
    action,
    coin: r?.tokens[0] ?? 'NONE',
    sizeUsd: '0',
    leverage: 1,
    stopLossPrice: '0',
    takeProfitPrice: '0',
    confidence: r?.confidence ?? 0,
    reasoning: r?.reasoning ?? `${run.classifier} ${run.status}: ${run.error ?? 'no answer'}`,
    prompt: run.prompt,
    response: run.rawResponse,
    latencyMs: run.latencyMs,
    error: run.error,
    model: run.model,
    parsed: r,
    sourceType: 'ct_post',
    sourceId: tweetId,
    signalId: null,
  };
}
