import { isDeepStrictEqual } from 'util';
import { Body, ConflictException, Controller, Get, HttpCode, Inject, NotFoundException, Param, Post, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { Env } from '@conduit/config';
import { agentPerformance, audit } from '@conduit/db';
import { toMoney } from '@conduit/domain';
import { collectJobOptions, JobName, jobId, JobProducer } from '@conduit/queue';
import { ENV } from '@conduit/runtime';
import { uuidParam } from '../http/validation';
import { TraceId } from '../http/trace';
import { assertOwner, SignedIn, WalletAuth } from '../auth/auth.guard';
import { BillingQuery, RoutingHistoryQuery, UserSignatureDto } from './dto';
import { waitFor } from './views';

const ROUTING_FILTER = `($1::venue_v3_t IS NULL OR h.selected_venue = $1) AND ($2::text IS NULL OR h.token_symbol = $2)
  AND ($3::uuid IS NULL OR s.agent_id = $3) AND ($4::timestamptz IS NULL OR h.created_at >= $4)
  AND ($5::timestamptz IS NULL OR h.created_at < $5)`;

@ApiTags('stats')
@Controller('api/v3')
export class StatsController {
  constructor(
    private readonly ds: DataSource,
    private readonly producer: JobProducer,
    @Inject(ENV) private readonly env: Env,
  ) {}

  @Get('stats/overview')
  @ApiOperation({ summary: 'System statistics across the v3 pipeline' })
  async overview() {
    const [counts] = await this.ds.query(`
      SELECT (SELECT count(*)::int FROM agents_v3) AS agents,
             (SELECT count(*)::int FROM agents_v3 WHERE status = 'ACTIVE') AS active_agents,
             (SELECT count(*)::int FROM agent_deployments_v3) AS deployments,
             (SELECT count(*)::int FROM agent_deployments_v3 WHERE status = 'ACTIVE') AS active_deployments,
             (SELECT count(*)::int FROM signals_v3) AS signals,
             (SELECT count(*)::int FROM positions_v3) AS positions,
             (SELECT count(*)::int FROM positions_v3 WHERE status = 'OPEN') AS open_positions,
             (SELECT COALESCE(sum(pnl), 0)::text FROM positions_v3 WHERE status = 'CLOSED') AS realized_pnl,
             (SELECT count(*)::int FROM venue_markets WHERE is_active) AS markets`);
    const signalsByStatus = await this.ds.query(`SELECT status, count(*)::int AS count FROM signals_v3 GROUP BY status ORDER BY status`);
    const routing = await this.ds.query(
      `SELECT selected_venue AS venue, count(*)::int AS signals, round(avg(routing_duration_ms)::numeric, 2)::text AS avg_ms
         FROM venue_routing_history_v3 GROUP BY selected_venue ORDER BY signals DESC`,
    );
    const markets = await this.ds.query(
      `SELECT venue, count(*)::int AS markets FROM venue_markets WHERE is_active GROUP BY venue ORDER BY venue`,
    );
    const billing = await this.ds.query(
      `SELECT kind, status, count(*)::int AS events, sum(amount)::text AS amount FROM billing_events_v3 GROUP BY kind, status ORDER BY
        kind, status`,
    );
    const outcomes = await this.ds.query(`SELECT outcome, count(*)::int AS count FROM signal_outcomes GROUP BY outcome ORDER BY outcome`);
    return {
      success: true,
      ...counts,
      signals_by_status: signalsByStatus,
      outcomes,
      routing_by_venue: routing,
      markets_by_venue: markets,
      billing,
    };
  }

  @Get('stats/routing-history')
  @ApiOperation({
    summary: 'Routing decisions, newest first, by venue, token, agent and time; with the venue distribution of the selection',
  })
  async routingHistory(@Query() q: RoutingHistoryQuery) {
    const filter = [q.venue ?? null, q.token_symbol ?? null, q.agent_id ?? null, q.from ?? null, q.to ?? null];
    const history = await this.ds.query(
      `SELECT h.*, s.side, s.confidence, s.agent_id FROM venue_routing_history_v3 h JOIN signals_v3 s ON s.id = h.signal_id
        WHERE ${ROUTING_FILTER} ORDER BY h.created_at DESC, h.id LIMIT $6 OFFSET $7`,
      [...filter, q.limit ?? 50, q.offset ?? 0],
    );
    // The venue distribution of the same selection.
    const summary = await this.ds.query(
      `SELECT h.selected_venue AS venue, count(*)::int AS trades, round(100.0 * count(*) / sum(count(*)) OVER (), 1)::text AS pct,
              round(avg(h.routing_duration_ms)::numeric, 2)::text AS avg_ms
         FROM venue_routing_history_v3 h JOIN signals_v3 s ON s.id = h.signal_id
        WHERE ${ROUTING_FILTER} GROUP BY h.selected_venue ORDER BY trades DESC`,
      filter,
    );
    return { success: true, count: history.length, history, summary };
  }

  @Get('agents/:id/performance')
  @ApiOperation({
    summary:
      "An agent's performance (seed 004 set: value, PnL, ROI, trades, win rate, profit factor, Sharpe, Sortino, drawdown) " +
      'and its daily PnL series',
  })
  async performance(@Param('id', uuidParam('id')) id: string) {
    const [agent] = await this.ds.query(`SELECT id, apr_30d, apr_90d, apr_si, sharpe_30d FROM agents_v3 WHERE id = $1`, [id]);
    if (!agent) throw new NotFoundException(`agent ${id} not found`);
    const { series, report, realized, unrealized, capital } = await agentPerformance(
      this.ds.manager,
      id,
      this.env.PAPER_STARTING_EQUITY_USD,
    );
    return {
      success: true,
      agent_id: id,
      // money as decimal strings; ratios as numbers
      performance: {
        ...report,
        total_value: toMoney(capital.plus(realized).plus(unrealized)),
        realized_pnl: toMoney(realized),
        unrealized_pnl: toMoney(unrealized),
      },
      metrics: { apr_30d: agent.apr_30d, apr_90d: agent.apr_90d, apr_si: agent.apr_si, sharpe_30d: agent.sharpe_30d },
      daily: series.map((p) => ({ day: p.day, pnl: p.pnl_text, return_pct: p.ret * 100 })),
    };
  }

  @Get('billing/events/:id')
  @ApiOperation({ summary: 'One billing event; a live bill carries in metadata.usd_send the usdSend the user signs to pay it' })
  async billingEvent(@Param('id', uuidParam('id')) id: string) {
    const [event] = await this.ds.query(`SELECT * FROM billing_events_v3 WHERE id = $1`, [id]);
    if (!event) throw new NotFoundException(`billing event ${id} not found`);
    return { success: true, event };
  }

  @Post('billing/events/:id/signature')
  @HttpCode(200)
  @ApiOperation({
    summary: "Pay a live bill: the user's EIP-712 signature of metadata.usd_send.typedData, submitted to Hyperliquid by billing",
  })
  @WalletAuth()
  async payBill(
    @Param('id', uuidParam('id')) id: string,
    @Body() dto: UserSignatureDto,
    @Res({ passthrough: true }) res: Response,
    @SignedIn() wallet: string,
    @TraceId() traceId: string,
  ) {
    const [event] = await this.ds.query(
      `SELECT b.id, b.status, b.metadata, d.user_wallet FROM billing_events_v3 b JOIN agent_deployments_v3 d ON d.id = b.deployment_id
        WHERE b.id = $1`,
      [id],
    );
    if (!event) throw new NotFoundException(`billing event ${id} not found`);
    assertOwner(wallet, event.user_wallet, "the bill's deployment user");
    if (event.status !== 'PENDING') throw new ConflictException(`billing event ${id} is ${event.status}`);
    if (!event.metadata?.usd_send)
      throw new ConflictException({ statusCode: 409, error: 'Conflict', message: ['this bill has no usdSend to sign'], fields: ['id'] });
    if (isDeepStrictEqual(event.metadata.user_signature, { r: dto.r, s: dto.s, v: dto.v })) {
      // The same signature again: already submitted (under the same job id), so nothing is written or queued.
      res.status(202);
      return { success: true, event: (await this.ds.query(`SELECT * FROM billing_events_v3 WHERE id = $1`, [id]))[0] };
    }
    const submitted = new Date().toISOString();
    await this.ds.transaction(async (em) => {
      await em.query(
        `UPDATE billing_events_v3 SET metadata = (metadata - 'last_error' - 'last_attempt_at') || $2 WHERE id = $1 AND status = 'PENDING'`,
        [id, { user_signature: { r: dto.r, s: dto.s, v: dto.v } }],
      );
      await audit(em, 'v3.bill.signature_submitted', 'billing_event', id, { by: wallet }, traceId);
    });
    await this.producer.emit({
      name: JobName.BillingCollect,
      data: { billingEventId: id, traceId },
      jobId: jobId(JobName.BillingCollect, id, 'signed', dto.r.slice(2, 18)),
      opts: collectJobOptions(this.env),
    });
    // Answered once billing collected it, or the venue refused this attempt (metadata.last_error says why; retried).
    const done = await waitFor(async () => {
      const [e] = await this.ds.query(
        `SELECT * FROM billing_events_v3 WHERE id = $1 AND (status <> 'PENDING' OR (metadata->>'last_attempt_at') >= $2)`,
        [id, submitted],
      );
      return e;
    }, this.env.GATEWAY_WAIT_MS);
    if (!done) res.status(202);
    return { success: true, event: done ?? (await this.ds.query(`SELECT * FROM billing_events_v3 WHERE id = $1`, [id]))[0] };
  }

  @Get('billing/events')
  @ApiOperation({ summary: 'Billing events by deployment, agent, agent creator or kind, newest first, with totals by kind and status' })
  async billing(@Query() q: BillingQuery) {
    const where = `($1::uuid IS NULL OR b.deployment_id = $1) AND ($2::uuid IS NULL OR d.agent_id = $2)
      AND ($3::text IS NULL OR a.creator_wallet = $3) AND ($4::bill_kind_t IS NULL OR b.kind = $4)`;
    const from = `billing_events_v3 b JOIN agent_deployments_v3 d ON d.id = b.deployment_id JOIN agents_v3 a ON a.id = d.agent_id`;
    const filter = [q.deployment_id ?? null, q.agent_id ?? null, q.creator_wallet ?? null, q.kind ?? null];
    const events = await this.ds.query(
      `SELECT b.*, d.agent_id, a.creator_wallet FROM ${from} WHERE ${where} ORDER BY b.occurred_at DESC, b.id LIMIT $5 OFFSET $6`,
      [...filter, q.limit ?? 50, q.offset ?? 0],
    );
    const totals = await this.ds.query(
      `SELECT b.kind, b.status, count(*)::int AS events, sum(b.amount)::text AS amount FROM ${from} WHERE ${where}
        GROUP BY b.kind, b.status ORDER BY b.kind, b.status`,
      filter,
    );
    return { success: true, count: events.length, events, totals };
  }
}
