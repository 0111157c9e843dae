import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Env } from '@conduit/config';
import { EventAnalysisRow, first, rows, WalletEventRow } from '@conduit/db';
import { AnalysedEvent, analyseByRules, dec, Side, unrealizedPnlBefore } from '@conduit/domain';
import { JobName, jobId, JobProducer, UnknownSubjectError } from '@conduit/queue';
import { ENV } from '@conduit/runtime';
import { EventAnalysisInput, EventAnalystRun, OpenAiCompatibleEventAnalyst, WalletEventAnalysis } from '@conduit/signals';

/** The event as the analysis reads it: numbers as text, the fill's price, the wallet and its latest score then. */
type EventFacts = Pick<WalletEventRow, 'id' | 'timestamp' | 'wallet_id' | 'event_type' | 'asset' | 'is_first_since_watch'> & {
  amount: string | null;
  notional_usd: string | null;
  size_fraction: string | null;
  position_before: string | null;
  position_after: string | null;
  realized_pnl: string | null;
  price: string | null;
  address: string;
  label: string | null;
  credibility_4h: string | null;
  archetype: string | null;
};

/** Earlier fills of the wallet on the asset looked at for the position's entry (the newest ones). */
const HISTORY_LIMIT = 500;
/** Fills in the order they happened: by time, then by the venue's fill id (numeric text, so shorter first). */
const FILL_ORDER = `timestamp, length(fill_id), fill_id`;

type StoredAnalysis = WalletEventAnalysis &
  Pick<EventAnalysisRow, 'analyser' | 'model' | 'prompt' | 'raw_response' | 'latency_ms' | 'error'>;

/**
 * Analyses each wallet event once (signal.wallet-analyse): the LLM when LLM_BASE_URL is set, the rules
 * (analyseByRules) when it is not or when the LLM fails, times out or answers something invalid. A failed LLM attempt
 * is kept on the rules' row (model, prompt, raw answer, latency, error) and logged. The row is written with ON
 * CONFLICT (event_id) DO NOTHING, so a job run twice, even concurrently, stores one analysis (the first written wins;
 * a concurrent duplicate may have asked the LLM too). Then the asset's bias is recomputed (one signal.wallet-bias job
 * per asset and event, see docs/WALLETS.md).
 */
@Injectable()
export class WalletAnalysis {
  private readonly log = new Logger(WalletAnalysis.name);
  private readonly analyst: OpenAiCompatibleEventAnalyst | null;

  constructor(
    private readonly ds: DataSource,
    private readonly producer: JobProducer,
    @Inject(ENV) env: Env,
  ) {
    this.analyst = env.LLM_BASE_URL
      ? new OpenAiCompatibleEventAnalyst(
          { baseUrl: env.LLM_BASE_URL, apiKey: env.LLM_API_KEY ?? '', timeoutMs: env.LLM_TIMEOUT_MS },
          env.LLM_MODEL,
        )
      : null;
  }

  async analyse(eventId: string, traceId?: string): Promise<{ analyser: string; stored: boolean; asset: string | null }> {
    const e = await first<EventFacts>(
      this.ds,
      `SELECT e.id, e.timestamp, e.wallet_id, e.event_type, e.asset, e.is_first_since_watch, e.amount::text,
              e.notional_usd::text, e.size_fraction::text, e.position_before::text, e.position_after::text,
              e.realized_pnl::text, e.raw_data->>'px' AS price, w.address, w.label, s.credibility_4h::text, s.archetype
         FROM events e JOIN wallets w ON w.id = e.wallet_id
         LEFT JOIN LATERAL (SELECT credibility_4h, archetype FROM wallet_scores
                             WHERE wallet_id = e.wallet_id AND timestamp <= e.timestamp ORDER BY timestamp DESC LIMIT 1) s ON TRUE
        WHERE e.id = $1`,
      [eventId],
    );
    if (!e) throw new UnknownSubjectError(`unknown event ${eventId}`);
    const done = await first<Pick<EventAnalysisRow, 'analyser'>>(this.ds, `SELECT analyser FROM event_analysis WHERE event_id = $1`, [
      eventId,
    ]);
    if (done) {
      // Analysed already: nothing to do but make sure its bias job exists (the same id: a no-op unless a crash came
      // between the analysis and the job).
      await this.emitBias(e, traceId);
      return { analyser: done.analyser, stored: false, asset: e.asset };
    }

    const input = await this.inputOf(e);
    const rules = analyseByRules(input.event, input);
    const run = this.analyst ? await this.analyst.analyse(input) : null;
    if (run && run.status !== 'success')
      this.log.warn(`event ${eventId}: LLM analysis ${run.status} (${run.error}) after ${run.latencyMs} ms; analysed by the rules`);
    const analysis = stored(rules, run);
    const inserted = await rows<{ event_id: string }>(
      this.ds,
      `INSERT INTO event_analysis (event_id, llm_classification, llm_confidence, llm_narrative, pattern_matched, bias_impact,
                                   proposed_action, analyser, model, prompt, raw_response, latency_ms, error)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
       ON CONFLICT (event_id) DO NOTHING RETURNING event_id`,
      [
        eventId,
        analysis.classification,
        analysis.confidence,
        analysis.narrative,
        analysis.patternMatched,
        analysis.biasImpact,
        analysis.proposedAction,
        analysis.analyser,
        analysis.model,
        analysis.prompt,
        analysis.raw_response,
        analysis.latency_ms,
        analysis.error,
      ],
    );
    await this.emitBias(e, traceId);
    return { analyser: analysis.analyser, stored: inserted.length > 0, asset: e.asset };
  }

  /** One bias recompute per asset and event: every analysed event is in a bias row soon after (docs/WALLETS.md). */
  private async emitBias(e: EventFacts, traceId: string | undefined): Promise<void> {
    if (!e.asset) return;
    await this.producer.emit({
      name: JobName.SignalWalletBias,
      data: { asset: e.asset, traceId },
      jobId: jobId(JobName.SignalWalletBias, e.asset, 'event', e.id),
    });
  }

  private async inputOf(e: EventFacts): Promise<EventAnalysisInput> {
    const history = (
      await rows<{ position_before: string | null; position_after: string | null; price: string | null }>(
        this.ds,
        `SELECT position_before::text, position_after::text, price FROM (
           SELECT position_before, position_after, raw_data->>'px' AS price, timestamp, fill_id FROM events
            WHERE wallet_id = $1 AND asset = $2 AND id <> $3
              AND (timestamp, length(fill_id), fill_id) < (SELECT timestamp, length(fill_id), fill_id FROM events WHERE id = $3)
            ORDER BY timestamp DESC, length(fill_id) DESC, fill_id DESC LIMIT ${HISTORY_LIMIT}) h
          ORDER BY ${FILL_ORDER}`,
        [e.wallet_id, e.asset, e.id],
      )
    ).map((h) => ({ positionBefore: h.position_before ?? '0', positionAfter: h.position_after ?? '0', price: h.price }));
    const before = e.position_before ?? '0';
    const after = e.position_after ?? '0';
    const adds = e.event_type === 'open' || e.event_type === 'add' || e.event_type === 'flip';
    const side: Side = dec(adds ? after : before).isNegative() ? 'SHORT' : 'LONG';
    const event: AnalysedEvent & { time: Date } = {
      time: new Date(e.timestamp),
      eventType: e.event_type,
      asset: e.asset ?? '',
      side,
      amount: e.amount ?? '0',
      notionalUsd: e.notional_usd ?? '0',
      sizeFraction: e.size_fraction,
      positionBefore: before,
      positionAfter: after,
      realizedPnl: e.realized_pnl ?? '0',
    };
    return {
      event,
      wallet: { address: e.address, label: e.label, credibility4h: e.credibility_4h, archetype: e.archetype },
      firstSinceWatch: !!e.is_first_since_watch,
      unrealizedPnlBefore: unrealizedPnlBefore(history, before, e.price),
    };
  }
}

/** The row: the LLM's analysis when it answered, else the rules' with the failed attempt beside it (or nothing tried). */
function stored(rules: WalletEventAnalysis, run: EventAnalystRun | null): StoredAnalysis {
  const attempt = run
    ? { model: run.model, prompt: run.prompt, raw_response: run.rawResponse, latency_ms: run.latencyMs }
    : { model: null, prompt: null, raw_response: null, latency_ms: null };
  if (run?.status === 'success') return { ...run.analysis!, analyser: 'llm', ...attempt, error: null };
  return { ...rules, analyser: 'rules', ...attempt, error: run ? `${run.status}: ${run.error}` : null };
}
