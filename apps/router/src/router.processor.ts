import { Inject } from '@nestjs/common';
import { Processor } from '@nestjs/bullmq';
import { UnrecoverableError } from 'bullmq';
import { DataSource } from 'typeorm';
import { audit } from '@conduit/db';
import { Env } from '@conduit/config';
import { ExecutionQuote, intendedNotional, quoteExecution, RoutingDecision, routeByCost, routeFirstAvailable, VenueView } from '@conduit/domain';
import { JobHandlers, JobName, jobId, JobProducer, QueueName, QueueProcessor } from '@conduit/queue';
import { ENV } from '@conduit/runtime';
import { VenueRegistry } from '@conduit/venue';

interface RoutingConfig {
  venue_priority: string[];
  routing_strategy: string;
  failover_enabled: boolean;
}

/**
 * Agent Where: picks one venue per signal from the agent's routing config (or the global default), records
 * the decision in venue_routing_history_v3, then fans out one executor job per approved deployment.
 */
@Processor(QueueName.Router)
export class RouterProcessor extends QueueProcessor<QueueName.Router> {
  protected readonly queueName = QueueName.Router;

  constructor(
    private readonly ds: DataSource,
    private readonly producer: JobProducer,
    private readonly venues: VenueRegistry,
    @Inject(ENV) private readonly env: Env,
  ) {
    super();
  }

  protected handlers(): JobHandlers<QueueName.Router> {
    return { [JobName.RouterRoute]: (data) => this.route(data.signalId, data.traceId) };
  }

  async route(signalId: string, traceId?: string): Promise<{ venue: string | null; fannedOut: number }> {
    const [signal] = await this.ds.query(`SELECT agent_id, token_symbol, side, size_model, status, final_venue FROM signals_v3 WHERE id = $1`, [signalId]);
    if (!signal) throw new UnrecoverableError(`unknown signal ${signalId}`);
    if (signal.status === 'SKIPPED' || signal.status === 'FAILED') return { venue: null, fannedOut: 0 };

    let venue: string | null = signal.final_venue;
    if (!venue) {
      const started = process.hrtime.bigint();
      const config = await this.config(signal.agent_id);
      const views = await this.views(signal.token_symbol, config.venue_priority);
      const decision = await this.decide(signalId, signal, config, views);
      const durationMs = Math.round(Number(process.hrtime.bigint() - started) / 1e6);
      venue = await this.record(signalId, signal.token_symbol, decision, durationMs, traceId);
      if (!venue) return { venue: null, fannedOut: 0 };
    }

    const pending: { deployment_id: string }[] = await this.ds.query(
      `SELECT deployment_id FROM signal_outcomes WHERE signal_id = $1 AND outcome = 'PENDING'`,
      [signalId],
    );
    await this.producer.emitBulk(
      pending.map(({ deployment_id }) => ({
        name: JobName.ExecutorOpen,
        data: { signalId, deploymentId: deployment_id, traceId },
        jobId: jobId(JobName.ExecutorOpen, signalId, deployment_id),
      })),
    );
    return { venue, fannedOut: pending.length };
  }

  private async config(agentId: string): Promise<RoutingConfig> {
    const rows: RoutingConfig[] = await this.ds.query(
      `SELECT venue_priority, routing_strategy, failover_enabled FROM venue_routing_config_v3
        WHERE agent_id = $1 OR agent_id IS NULL ORDER BY agent_id NULLS LAST LIMIT 1`,
      [agentId],
    );
    return rows[0] ?? { venue_priority: ['HYPERLIQUID', 'OSTIUM'], routing_strategy: 'FIRST_AVAILABLE', failover_enabled: true };
  }

  /** What each venue of the priority list offers for the token: health, listing, market count. */
  private async views(token: string, priority: string[]): Promise<Map<string, VenueView>> {
    const rows: { venue: string; active_markets: number; market_name: string | null; listed: boolean; available: boolean | null }[] =
      await this.ds.query(
        `SELECT v.venue,
                (SELECT count(*)::int FROM venue_markets m WHERE m.venue::text = v.venue AND m.is_active) AS active_markets,
                (SELECT market_name FROM venue_markets m WHERE m.venue::text = v.venue AND m.token_symbol = $1 AND m.is_active) AS market_name,
                EXISTS (SELECT 1 FROM venue_markets m WHERE m.venue::text = v.venue AND m.token_symbol = $1 AND m.is_active) AS listed,
                (SELECT s.is_available FROM venues_status s WHERE s.venue::text = v.venue) AS available
           FROM unnest($2::text[]) AS v(venue)`,
        [token, priority],
      );
    return new Map(
      rows.map((r) => [
        r.venue,
        {
          venue: r.venue,
          // No status row yet counts as healthy; an adapter is required either way.
          healthy: r.available !== false && this.venues.has(r.venue),
          listed: r.listed,
          marketName: r.market_name,
          activeMarkets: r.active_markets,
        },
      ]),
    );
  }

  /**
   * FIRST_AVAILABLE walks the priority list. BEST_LIQUIDITY and LOWEST_FEES quote the signal's intended size
   * (all its pending deployments) against each candidate venue's book and fee schedule (paper adapters: a
   * synthetic book at the mark) and pick the cheapest; the math is pure (libs/domain/src/routing.ts).
   */
  private async decide(
    signalId: string,
    signal: { token_symbol: string; side: string; size_model: Record<string, unknown> },
    config: RoutingConfig,
    views: Map<string, VenueView>,
  ): Promise<RoutingDecision> {
    const token = signal.token_symbol;
    const strategy = config.routing_strategy;
    if (strategy !== 'BEST_LIQUIDITY' && strategy !== 'LOWEST_FEES') {
      return routeFirstAvailable(token, config.venue_priority, views, config.failover_enabled);
    }
    const [{ n }] = await this.ds.query(`SELECT count(*)::int AS n FROM signal_outcomes WHERE signal_id = $1 AND outcome = 'PENDING'`, [signalId]);
    const notional = intendedNotional(signal.size_model, this.env.PAPER_STARTING_EQUITY_USD, n);
    const quotes = new Map<string, ExecutionQuote>();
    for (const venue of config.venue_priority) {
      const v = views.get(venue);
      if (!v?.healthy || !v.listed || !this.venues.has(venue)) continue;
      const adapter = this.venues.get(venue);
      try {
        const book = await adapter.orderBook(token);
        quotes.set(venue, quoteExecution(signal.side === 'SHORT' ? book.bids : book.asks, notional, adapter.feeSchedule().takerBps));
      } catch {
        // No book: this venue cannot be quoted; routeByCost says so in the reason.
      }
    }
    return routeByCost(strategy, token, config.venue_priority, views, quotes, config.failover_enabled, notional);
  }

  /** Writes the decision once; returns the venue (an earlier attempt's, if it won) or null when skipped. */
  private async record(signalId: string, token: string, d: RoutingDecision, durationMs: number, traceId?: string): Promise<string | null> {
    return this.ds.transaction(async (em) => {
      if (!d.selected) {
        const updated = await em.query(
          `WITH u AS (UPDATE signals_v3 SET status = 'SKIPPED', skipped_reason = $2
                      WHERE id = $1 AND final_venue IS NULL AND status = 'PENDING' RETURNING id) SELECT id FROM u`,
          [signalId, d.reason],
        );
        await em.query(
          `UPDATE signal_outcomes SET outcome = 'SKIPPED', stage = 'router', reason = $2, updated_at = now()
            WHERE signal_id = $1 AND outcome = 'PENDING'`,
          [signalId, d.reason],
        );
        if (updated.length) await audit(em, 'v3.signal.skipped', 'signal', signalId, { reason: d.reason, checked: d.checked }, traceId);
        return null;
      }
      const [row] = await em.query(
        `WITH u AS (UPDATE signals_v3 SET final_venue = $2, routed_at = now(), status = 'ROUTED'
                     WHERE id = $1 AND final_venue IS NULL RETURNING final_venue) SELECT final_venue FROM u`,
        [signalId, d.selected],
      );
      if (!row) {
        const [current] = await em.query(`SELECT final_venue FROM signals_v3 WHERE id = $1`, [signalId]);
        return current.final_venue;
      }
      await em.query(
        `INSERT INTO venue_routing_history_v3 (signal_id, token_symbol, requested_venue, selected_venue, routing_reason,
                                               checked_venues, venue_availability, routing_duration_ms)
         VALUES ($1, $2, 'MULTI', $3, $4, $5, $6, $7) ON CONFLICT (signal_id) DO NOTHING`,
        [signalId, token, d.selected, d.reason, d.checked, d.availability, durationMs],
      );
      await audit(em, 'v3.signal.routed', 'signal', signalId, { venue: d.selected, reason: d.reason }, traceId);
      return d.selected;
    });
  }
}
