import { Inject } from '@nestjs/common';
import { Processor } from '@nestjs/bullmq';
import { Job } from 'bullmq';
import { DataSource } from 'typeorm';
import {
  assignedDeployments,
  assignSignalVenue,
  assignVenues,
  audit,
  failSignalAtStage,
  first,
  PREPARED,
  routeSignal,
  rows,
  skipPendingOutcomes,
  skipSignal,
  Sql,
  VenueAssignment,
} from '@conduit/db';
import { Env } from '@conduit/config';
import {
  Dec,
  ExecutionQuote,
  SignalStatus,
  intendedNotional,
  quoteExecution,
  RoutingDecision,
  routeByCost,
  routeFirstAvailable,
  VenueView,
  viewForSignal,
} from '@conduit/domain';
import {
  JobHandlers,
  JobName,
  jobId,
  JobProducer,
  OPEN_CHUNK,
  QueueName,
  QueueProcessor,
  UnknownSubjectError,
  WORKER_OPTIONS,
} from '@conduit/queue';
import { ENV } from '@conduit/runtime';
import { OrderBook, VenueRegistry } from '@conduit/venue';
import { RoutingCache, RoutingConfig } from './routing-cache';

interface SignalToRoute {
  agent_id: string;
  token_symbol: string;
  side: string;
  size_model: Record<string, unknown>;
  status: SignalStatus;
  final_venue: string | null;
}

export interface PendingDeployment {
  deployment_id: string;
  /** The venue already assigned (a retry after the decision was recorded). */
  venue: string | null;
  /** Venues the deployment's effective policy enables; null = any. */
  venues: string[] | null;
  size_model: Record<string, unknown> | null;
}

/** A routing decision and what it was made of: the config, the venues considered, what each offers and costs. */
export interface Routing {
  decision: RoutingDecision;
  config: RoutingConfig;
  priority: string[];
  views: Map<string, VenueView>;
  quotes: Map<string, ExecutionQuote>;
}

/**
 * Agent Where: picks one venue per signal from the agent's routing config (or the global default), among the
 * venues the approved deployments enable, records the decision in venue_routing_history_v3, gives each
 * deployment its venue and the ranked venues it may fail over to, then fans out one executor job per deployment.
 * The decision reads only the in-memory RoutingCache; the strategies are pure (libs/domain/src/routing.ts).
 */
@Processor(QueueName.Router, WORKER_OPTIONS)
export class RouterProcessor extends QueueProcessor<QueueName.Router> {
  protected readonly queueName = QueueName.Router;

  constructor(
    private readonly ds: DataSource,
    private readonly producer: JobProducer,
    private readonly venues: VenueRegistry,
    private readonly cache: RoutingCache,
    @Inject(ENV) private readonly env: Env,
  ) {
    super();
  }

  protected handlers(): JobHandlers<QueueName.Router> {
    return { [JobName.RouterRoute]: (data) => this.route(data.signalId, data.traceId) };
  }

  async route(signalId: string, traceId?: string): Promise<{ venue: string | null; fannedOut: number }> {
    const signal = await first<SignalToRoute>(
      this.ds,
      `SELECT agent_id, token_symbol, side, size_model, status, final_venue::text AS final_venue FROM signals_v3 WHERE id = $1`,
      [signalId],
      PREPARED,
    );
    if (!signal) throw new UnknownSubjectError(`unknown signal ${signalId}`);
    if (signal.status === 'SKIPPED' || signal.status === 'FAILED') return { venue: null, fannedOut: 0 };
    const pending = await rows<PendingDeployment>(
      this.ds,
      `SELECT o.deployment_id, o.venue::text AS venue, pd.venues, pd.size_model
         FROM signal_outcomes o
         LEFT JOIN policy_decisions pd ON pd.signal_id = o.signal_id AND pd.deployment_id = o.deployment_id
        WHERE o.signal_id = $1 AND o.outcome = 'PENDING'`,
      [signalId],
    );

    let venue: string | null = signal.final_venue;
    if (!venue) {
      const started = process.hrtime.bigint();
      await this.cache.settled();
      const decision = await this.decide(signal, pending);
      const durationMs = Math.round(Number(process.hrtime.bigint() - started) / 1e6);
      venue = await this.record(signalId, signal.token_symbol, decision, pending, durationMs, traceId);
      if (!venue) return { venue: null, fannedOut: 0 };
    } else if (pending.some((p) => !p.venue)) {
      // Routed by an older attempt that recorded no assignment: the signal's venue, without failover.
      await assignSignalVenue(this.ds, signalId, venue);
    }

    // One executor job per OPEN_CHUNK deployments (each opened as one batch), under ids that a retry repeats.
    const { deployments, pending: fannedOut } = await assignedDeployments(this.ds, signalId);
    const chunks = Array.from({ length: Math.ceil(deployments.length / OPEN_CHUNK) }, (_, i) =>
      deployments.slice(i * OPEN_CHUNK, (i + 1) * OPEN_CHUNK),
    );
    if (fannedOut > 0) {
      await this.producer.emitBulk(
        chunks.map((deploymentIds, i) => ({
          name: JobName.ExecutorOpenMany,
          data: { signalId, deploymentIds, traceId },
          jobId: jobId(JobName.ExecutorOpenMany, signalId, String(i)),
        })),
      );
    }
    return { venue, fannedOut };
  }

  /** The routing decision from memory (see evaluate). */
  decide(
    signal: { agent_id: string; token_symbol: string; side: string; size_model: Record<string, unknown> },
    pending: PendingDeployment[],
  ): RoutingDecision | Promise<RoutingDecision> {
    const routing = this.evaluate(signal, pending);
    return routing instanceof Promise ? routing.then((r) => r.decision) : routing.decision;
  }

  /**
   * The routing decision from memory, with what it was made of. Only venues some approved deployment enables are
   * considered. FIRST_AVAILABLE walks the priority list; BEST_LIQUIDITY and LOWEST_FEES quote the intended size (every
   * approved deployment's final size, or `notional` when given: the preview's) against each candidate's cached book
   * and fee schedule and rank by cost. The preview (RoutingPreviewController) calls this very function.
   */
  evaluate(
    signal: { agent_id: string; token_symbol: string; side: string; size_model: Record<string, unknown> },
    pending: PendingDeployment[],
    notional?: Dec,
  ): Routing | Promise<Routing> {
    const token = signal.token_symbol;
    const config = this.cache.config(signal.agent_id);
    const anyVenue = pending.length === 0 || pending.some((p) => !p.venues);
    const enabled = new Set(pending.flatMap((p) => p.venues ?? []));
    const priority = anyVenue ? config.venue_priority : config.venue_priority.filter((v) => enabled.has(v));
    const leverage = Number(signal.size_model?.leverage);
    const views = new Map(
      [...this.cache.views(token, priority)].map(([venue, view]) => [
        venue,
        viewForSignal(view, { side: signal.side, leverage: Number.isFinite(leverage) ? leverage : null }),
      ]),
    );
    const strategy = config.routing_strategy;
    const quotes = new Map<string, ExecutionQuote>();
    const routing = (decision: RoutingDecision): Routing => ({ decision, config, priority, views, quotes });
    // Costs only matter between two or more usable venues; with one (or none) the priority walk says the same.
    const usable = priority.filter((v) => views.get(v)?.healthy && views.get(v)?.listed && !views.get(v)?.refused).length;
    if ((strategy !== 'BEST_LIQUIDITY' && strategy !== 'LOWEST_FEES') || usable < 2 || !config.failover_enabled) {
      return routing(routeFirstAvailable(token, priority, views, config.failover_enabled));
    }
    const equity = this.env.PAPER_STARTING_EQUITY_USD;
    const size =
      notional ??
      (pending.length
        ? pending.reduce((sum, p) => sum.plus(intendedNotional(p.size_model ?? signal.size_model, equity, 1)), new Dec(0))
        : intendedNotional(signal.size_model, equity, 1));
    const missing: string[] = [];
    for (const venue of priority) {
      const v = views.get(venue);
      if (!v?.healthy || !v.listed || v.refused) continue;
      const book = this.cache.book(venue, token);
      if (book) quotes.set(venue, this.quote(venue, book, signal.side, size));
      else missing.push(venue);
    }
    if (!missing.length) return routing(routeByCost(strategy, token, priority, views, quotes, config.failover_enabled, size));
    // A book the background refresh has not reached yet: fetched once, then cached like the others.
    return (async () => {
      for (const venue of missing) {
        const book = await this.cache.fetchBook(venue, token);
        if (book) quotes.set(venue, this.quote(venue, book, signal.side, size));
      }
      return routing(routeByCost(strategy, token, priority, views, quotes, config.failover_enabled, size));
    })();
  }

  private quote(venue: string, book: OrderBook, side: string, notional: Dec): ExecutionQuote {
    return quoteExecution(side === 'SHORT' ? book.bids : book.asks, notional, this.venues.get(venue).feeSchedule().takerBps);
  }

  /** Writes the decision once; returns the venue (an earlier attempt's, if it won) or null when skipped. */
  private async record(
    signalId: string,
    token: string,
    d: RoutingDecision,
    pending: PendingDeployment[],
    durationMs: number,
    traceId?: string,
  ): Promise<string | null> {
    return this.ds.transaction(async (em) => {
      if (!d.selected) {
        const skipped = await skipSignal(em, signalId, d.reason);
        await skipPendingOutcomes(em, signalId, 'router', d.reason);
        if (skipped) await audit(em, 'v3.signal.skipped', 'signal', signalId, { reason: d.reason, checked: d.checked }, traceId);
        return null;
      }
      const routed = await routeSignal(em, signalId, d.selected);
      if (!routed.routedNow) return routed.venue;
      await this.history(em, signalId, token, d, durationMs);
      await assignVenues(em, signalId, assignments(token, d, pending));
      await audit(em, 'v3.signal.routed', 'signal', signalId, { venue: d.selected, reason: d.reason, ranked: d.ranked }, traceId);
      return d.selected;
    });
  }

  /** The routing decision, once per signal (venue_routing_history_v3 UNIQUE signal_id). */
  private async history(q: Sql, signalId: string, token: string, d: RoutingDecision, durationMs: number) {
    await rows(
      q,
      `INSERT INTO venue_routing_history_v3 (signal_id, token_symbol, requested_venue, selected_venue, routing_reason,
                                             checked_venues, venue_availability, routing_duration_ms)
       VALUES ($1, $2, 'MULTI', $3, $4, $5, $6, $7) ON CONFLICT (signal_id) DO NOTHING`,
      [signalId, token, d.selected, d.reason, d.checked, d.availability, durationMs],
      PREPARED,
    );
  }

  /** After the last attempt: the deployments waiting on the route end FAILED at the router stage, with the reason. */
  protected override async onFinalFailure(job: Job, err: Error): Promise<void> {
    if (job.name !== JobName.RouterRoute) return;
    const { signalId, traceId } = job.data;
    await this.ds.transaction((em) =>
      failSignalAtStage(em, signalId, 'router', `router gave up after ${job.attemptsMade + 1} attempt(s): ${err.message}`, traceId),
    );
  }
}

/**
 * Each pending deployment trades on the best ranked venue its policy enables and keeps the rest of the ranking for
 * failover; a deployment that enables none of them is skipped with the reason.
 */
function assignments(token: string, d: RoutingDecision, pending: readonly PendingDeployment[]): VenueAssignment[] {
  return pending.map((p) => {
    const candidates = d.ranked.filter((v) => !p.venues || p.venues.includes(v));
    return {
      deploymentId: p.deployment_id,
      venue: candidates[0] ?? null,
      candidates: candidates.slice(1),
      skipReason: candidates.length
        ? null
        : `none of the deployment's enabled venues (${(p.venues ?? []).join(', ')}) can take ${token}: ${d.reason}`,
    };
  });
}
