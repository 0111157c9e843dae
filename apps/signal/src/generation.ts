import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Env } from '@conduit/config';
import {
  aggregateEvidence,
  Clock,
  BUCKET_MS,
  dec,
  deterministicId,
  Evidence,
  marketAdjustedConfidence,
  riskLevels,
  Side,
  signalParameters,
  signalGate,
  sixHourBucket,
  TokenView,
  walletEvidence,
  WalletView,
} from '@conduit/domain';
import { AgentRow, CtAccountRow, CtPostRow, first, MarketRow, namesAccount, ResearchNoteRow, rows, SignalRow } from '@conduit/db';
import { UnknownSubjectError } from '@conduit/queue';
import { CLOCK, ENV } from '@conduit/runtime';
import { DecisionRow, logDecisions } from './decision-log';
import { marketContext } from './market-context';
import { SignalStore } from './signal-store';
import { describeWallets, readWalletViews, walletParsed } from './wallet-evidence';

/** What a generation reads of its agent: its status and what it follows, with the weights of each kind of source. */
type AgentToGenerate = Pick<
  AgentRow,
  'status' | 'x_account_ids' | 'research_institute_ids' | 'weights' | 'wallet_ids' | 'wallet_top_n' | 'wallet_bias_threshold'
>;

/** A classified post as evidence: its tokens and side, the classifier's confidence (set with the side), its author's impact. */
type PostEvidence = Pick<CtPostRow, 'tweet_id'> & {
  tokens: CtPostRow['extracted_tokens'];
  side: Side;
  confidence: number;
  impact: CtAccountRow['impact_factor'];
};

/** The signal id of an agent's token in a bucket: one signal per agent, token and 6-hour bucket. */
export function bucketSignalId(agentId: string, token: string, bucket: Date): string {
  return deterministicId('signal-bucket', agentId, token, bucket.toISOString());
}

/**
 * Agent What for one agent: reads the classified posts of the accounts it follows and the notes of the institutes
 * it follows within the current 6-hour UTC bucket, and its own bias per token over the wallets it follows (at the
 * clock's now; wallet-evidence.ts), weighs them (agent weights × account impact factor × confidence), adjusts for
 * the market context, and emits a signal per token above the confidence threshold, or carried by a wallet bias
 * crossing the agent's wallet threshold (size and exits from confidence and volatility), unless the bucket already
 * has one. Every token considered is a logged decision: OPEN_LONG/OPEN_SHORT with its signal, or HOLD with the reason.
 */
@Injectable()
export class SignalGeneration {
  constructor(
    private readonly ds: DataSource,
    private readonly store: SignalStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ENV) private readonly env: Env,
  ) {}

  async generate(agentId: string, bucketIso?: string, traceId?: string): Promise<{ signals: string[]; holds: number }> {
    const agent = await first<AgentToGenerate>(
      this.ds,
      `SELECT status, x_account_ids, research_institute_ids, weights, wallet_ids, wallet_top_n,
              wallet_bias_threshold::text AS wallet_bias_threshold
         FROM agents_v3 WHERE id = $1`,
      [agentId],
    );
    if (!agent) throw new UnknownSubjectError(`unknown agent ${agentId}`);
    if (agent.status !== 'ACTIVE') return { signals: [], holds: 0 };
    const bucket = sixHourBucket(bucketIso ? new Date(bucketIso) : this.clock.now());
    const end = new Date(bucket.getTime() + BUCKET_MS);
    const evidence = await this.evidence(agent, bucket, end);
    // The wallets are read at the clock's now (within the bucket: a past bucket is read at its last instant).
    const ww = agent.weights?.wallets ?? 1;
    const at = new Date(Math.min(this.clock.now().getTime(), end.getTime() - 1));
    const wallets =
      ww > 0 ? await readWalletViews(this.ds, agent, at, this.env) : { views: new Map<string, WalletView>(), addresses: new Map() };
    for (const w of wallets.views.values()) {
      const e = walletEvidence(w, ww);
      if (e) evidence.push(e);
    }
    const aggregated = aggregateEvidence(evidence);
    // A bias below the threshold is no evidence; alone on its token, it is still a considered (HOLD) token.
    const views = [
      ...aggregated,
      ...[...wallets.views.keys()]
        .filter((t) => !aggregated.some((v) => v.token === t))
        .map((token): TokenView => ({ token, side: null, confidence: 0, support: { LONG: 0, SHORT: 0 }, sources: [] })),
    ];
    if (!views.length) return { signals: [], holds: 0 };

    const threshold = Number(this.env.SIGNAL_CONFIDENCE_THRESHOLD);
    const tokens = views.map((v) => v.token);
    const context = await marketContext(this.ds, tokens, end);
    const marks = await this.marks(tokens);
    const existing = new Set<string>(
      (
        await rows<Pick<SignalRow, 'id'>>(this.ds, `SELECT id FROM signals_v3 WHERE id = ANY($1::uuid[])`, [
          views.map((v) => bucketSignalId(agentId, v.token, bucket)),
        ])
      ).map((r) => r.id),
    );

    const decisions: DecisionRow[] = [];
    const signals: string[] = [];
    for (const view of views) {
      const signalId = bucketSignalId(agentId, view.token, bucket);
      if (existing.has(signalId)) continue; // this bucket's signal for the token is out; its decision is logged
      const wallet = wallets.views.get(view.token);
      const walletWords = wallet ? describeWallets(wallet, wallets.addresses) : null;
      const cites = [describe(view), walletWords].filter(Boolean).join(' and ');
      const decisionId = deterministicId(
        'agent-decision',
        agentId,
        'aggregate',
        view.token,
        bucket.toISOString(),
        evidenceKey(view, evidence, wallet),
      );
      if (!view.side) {
        const why = [`no side: LONG support ${view.support.LONG} vs SHORT ${view.support.SHORT}`, walletWords].filter(Boolean).join('; ');
        decisions.push(withWallet(hold(decisionId, agentId, view, why), wallet, wallets.addresses));
        continue;
      }
      const market = context.get(view.token) ?? null;
      const adjusted = marketAdjustedConfidence(view.confidence, view.side, market);
      const why = [`${view.side} ${view.token} ${adjusted.confidence.toFixed(2)} from ${cites}`, adjusted.note].filter(Boolean).join('; ');
      const gate = signalGate(view, adjusted.confidence, threshold);
      if (!gate.emit) {
        const held = hold(decisionId, agentId, { ...view, confidence: adjusted.confidence }, `${why}: below the threshold ${threshold}`);
        decisions.push(withWallet(held, wallet, wallets.addresses, gate.gate));
        continue;
      }
      // The wallets count when their bias carried the side (it is among the winning side's evidence).
      const byWallets = wallet && view.sources.some((e) => e.kind === 'wallet') ? wallet : null;
      const { sizeModel, riskModel } = signalParameters(adjusted.confidence, threshold, market);
      await this.store.ingest({
        signalId,
        agentId,
        tokenSymbol: view.token,
        side: view.side,
        sizeModel: { ...sizeModel },
        riskModel: { ...riskModel },
        confidence: Math.round(adjusted.confidence * 100) / 100,
        sourceTweets: sourcesOf(view, 'ct_post'),
        sourceResearch: sourcesOf(view, 'research'),
        sourceWallets: byWallets?.wallets.length ? byWallets.wallets : undefined,
        sourceEvents: byWallets?.events.length ? byWallets.events : undefined,
        signalWalletId: byWallets?.signalWallet ?? undefined,
        traceId,
      });
      signals.push(signalId);
      const mark = marks.get(view.token);
      const levels = mark ? riskLevels(view.side, mark, riskModel) : null;
      const reference = dec(this.env.PAPER_STARTING_EQUITY_USD)
        .mul(sizeModel.value)
        .div(100)
        .mul(sizeModel.leverage ?? 1);
      decisions.push({
        ...hold(
          decisionId,
          agentId,
          { ...view, confidence: adjusted.confidence },
          `${why}: ${gate.gate === 'wallet' ? 'wallet gate, ' : ''}signal ${sizeModel.value}% at ${sizeModel.leverage}x, ` +
            `stop ${riskModel.stop}, take profit ${riskModel.take_profit}`,
        ),
        action: view.side === 'LONG' ? 'OPEN_LONG' : 'OPEN_SHORT',
        sizeUsd: reference.toFixed(2),
        leverage: sizeModel.leverage ?? 1,
        stopLossPrice: levels?.stopLoss ? levels.stopLoss.toFixed(2) : '0',
        takeProfitPrice: levels?.takeProfit ? levels.takeProfit.toFixed(2) : '0',
        parsed: {
          size_model: sizeModel,
          risk_model: riskModel,
          support: view.support,
          market,
          ...(wallet ? { wallet_bias: walletParsed(wallet, wallets.addresses, gate.gate) } : {}),
        },
        signalId,
      });
    }
    await this.ds.transaction((em) => logDecisions(em, decisions));
    return { signals, holds: decisions.filter((d) => d.action === 'HOLD').length };
  }

  /** Classified posts of followed accounts and notes of followed institutes in [bucket, end). */
  private async evidence(agent: AgentToGenerate, bucket: Date, end: Date): Promise<Evidence[]> {
    const wx = agent.weights?.x ?? 1;
    const wr = agent.weights?.research ?? 1;
    const out: Evidence[] = [];
    if (agent.x_account_ids?.length && wx > 0) {
      const posts = await rows<PostEvidence>(
        this.ds,
        `SELECT p.tweet_id, p.extracted_tokens AS tokens, p.signal_type AS side, p.confidence, a.impact_factor AS impact
           FROM ct_posts p JOIN ct_accounts a ON a.id = p.ct_account_id
          WHERE a.is_active AND p.is_signal_candidate AND p.signal_type IN ('LONG', 'SHORT')
            AND EXISTS (SELECT 1 FROM unnest($1::text[]) x WHERE ${namesAccount('x', 'a')})
            AND COALESCE(p.tweet_created_at, p.created_at) >= $2 AND COALESCE(p.tweet_created_at, p.created_at) < $3`,
        [agent.x_account_ids, bucket, end],
      );
      for (const p of posts) {
        for (const token of p.tokens ?? []) {
          out.push({ kind: 'ct_post', sourceId: p.tweet_id, token, side: p.side, confidence: p.confidence, quality: p.impact, weight: wx });
        }
      }
    }
    if (agent.research_institute_ids?.length && wr > 0) {
      const notes = await rows<Pick<ResearchNoteRow, 'id' | 'token_symbol' | 'side' | 'confidence'>>(
        this.ds,
        `SELECT r.id, r.token_symbol, r.side, r.confidence
           FROM research_signals r JOIN research_institutes i ON i.id = r.institute_id
          WHERE i.is_active AND (i.id::text = ANY($1::text[]) OR i.name = ANY($1::text[]))
            AND COALESCE(r.signal_time, r.created_at) >= $2 AND COALESCE(r.signal_time, r.created_at) < $3`,
        [agent.research_institute_ids, bucket, end],
      );
      for (const n of notes) {
        const side = n.side.toUpperCase();
        if (side !== 'LONG' && side !== 'SHORT') continue;
        // A note without a confidence counts as a firm call of medium strength.
        out.push({
          kind: 'research',
          sourceId: n.id,
          token: n.token_symbol,
          side,
          confidence: n.confidence ?? 0.7,
          quality: 1,
          weight: wr,
        });
      }
    }
    return out;
  }

  private async marks(tokens: string[]): Promise<Map<string, string>> {
    const priced = await rows<Pick<MarketRow, 'token_symbol'> & { current_price: string }>(
      this.ds,
      `SELECT DISTINCT ON (token_symbol) token_symbol, current_price FROM venue_markets
        WHERE token_symbol = ANY($1::text[]) AND current_price IS NOT NULL ORDER BY token_symbol, is_active DESC, venue`,
      [tokens],
    );
    return new Map(priced.map((r) => [r.token_symbol, r.current_price]));
  }
}

/** The ids a signal cites, of one kind; absent (NULL) rather than empty. */
function sourcesOf(view: TokenView, kind: Evidence['kind']): string[] | undefined {
  const ids = [...new Set(view.sources.filter((e) => e.kind === kind).map((e) => e.sourceId))];
  return ids.length ? ids : undefined;
}

function describe(view: TokenView): string {
  const posts = view.sources.filter((e) => e.kind === 'ct_post').length;
  const notes = view.sources.filter((e) => e.kind === 'research').length;
  return `${posts} post(s) and ${notes} note(s)`;
}

/**
 * The evidence a decision saw, so the same evidence re-read is the same (already logged) decision. A wallet bias is
 * its events and whether it crossed (the same events read later decay, and may cross or fall back).
 */
function evidenceKey(view: TokenView, all: Evidence[], wallet?: WalletView): string {
  const keys = all.filter((e) => e.token === view.token && e.kind !== 'wallet').map((e) => `${e.kind}:${e.sourceId}`);
  if (wallet) keys.push(`wallet:${wallet.asset}@${wallet.timeframe}:${wallet.side ?? 'below'}:${[...wallet.events].sort().join('|')}`);
  return keys.sort().join(',');
}

/** A decision with the wallet evidence it saw in parsed_result (wallet_bias). */
function withWallet(
  d: DecisionRow,
  wallet: WalletView | undefined,
  addresses: Map<string, string>,
  gate?: 'wallet' | 'confidence',
): DecisionRow {
  if (!wallet) return d;
  return { ...d, parsed: { ...(d.parsed as object), wallet_bias: walletParsed(wallet, addresses, gate) } };
}

function hold(id: string, agentId: string, view: TokenView, reasoning: string): DecisionRow {
  return {
    id,
    agentId,
    status: 'success',
    action: 'HOLD',
    coin: view.token,
    sizeUsd: '0',
    leverage: 1,
    stopLossPrice: '0',
    takeProfitPrice: '0',
    confidence: view.confidence,
    reasoning,
    prompt: null,
    response: null,
    latencyMs: null,
    error: null,
    model: 'aggregate-v1',
    parsed: { support: view.support },
    sourceType: 'aggregate',
    sourceId: null,
    signalId: null,
  };
}
