import { randomUUID } from 'crypto';
import { BadRequestException, Body, Controller, Get, Headers, HttpCode, Inject, Param, Post, Query, Res } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { Env } from '@conduit/config';
import { dec, deterministicId } from '@conduit/domain';
import { JobName, jobId, JobProducer } from '@conduit/queue';
import { ENV } from '@conduit/runtime';
import { ClosePositionDto, ExecuteTradeDto, GenerateSignalDto, PositionListQuery } from './dto';
import { uuidParam } from '../http/validation';
import { TraceId } from '../http/trace';
import { assertOwner, SignedIn, WalletAuth } from '../auth/auth.guard';
import { Views, waitFor } from './views';

const uuid = uuidParam('id');
const FINAL_SIGNAL = ['EXECUTED', 'SKIPPED', 'FAILED'];

@ApiTags('trading')
@WalletAuth()
@Controller('api/v3')
export class TradingController {
  constructor(
    private readonly ds: DataSource,
    private readonly views: Views,
    private readonly producer: JobProducer,
    @Inject(ENV) private readonly env: Env,
  ) {}

  @Post('signals/generate')
  @ApiOperation({ summary: 'Submit a venue-agnostic signal to Agent What; it enters the pipeline at once' })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Same key and agent → same signal, never a second one' })
  async generate(
    @Body() dto: GenerateSignalDto,
    @Res({ passthrough: true }) res: Response,
    @SignedIn() wallet: string,
    @TraceId() traceId: string,
    @Headers('idempotency-key') key?: string,
  ) {
    if (key !== undefined && !/^[\x21-\x7e]{1,200}$/.test(key))
      throw new BadRequestException(['Idempotency-Key must be 1-200 visible ASCII characters']);
    const agent = await this.views.agent(dto.agent_id);
    assertOwner(wallet, agent.creator_wallet, "the agent's creator");
    const signalId = key ? deterministicId('signal', dto.agent_id, key) : randomUUID();
    await this.producer.emit({
      name: JobName.SignalIngest,
      jobId: jobId(JobName.SignalIngest, signalId),
      data: {
        signalId,
        agentId: dto.agent_id,
        tokenSymbol: dto.token_symbol,
        side: dto.side,
        sizeModel: dto.size_model,
        riskModel: dto.risk_model,
        confidence: dto.confidence ?? null,
        sourceTweets: dto.source_tweets,
        sourceResearch: dto.source_research,
        traceId,
      },
    });
    const signal = await waitFor(
      async () => (await this.ds.query(`SELECT * FROM signals_v3 WHERE id = $1`, [signalId]))[0],
      this.env.GATEWAY_WAIT_MS,
    );
    if (!signal) {
      res.status(202);
      return { success: true, signal_id: signalId, status: 'QUEUED', trace_id: traceId };
    }
    res.status(201);
    return { success: true, signal, trace_id: traceId };
  }

  @Get('signals/:id')
  async signal(@Param('id', uuid) id: string) {
    const signal = await this.views.signal(id);
    return { success: true, signal, routing: await this.views.routing(id), outcomes: await this.views.outcomes(id) };
  }

  @Post('execute/trade')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Run a signal through policy, routing and execution; answers with the routing decision and each deployment’s outcome',
  })
  async execute(
    @Body() dto: ExecuteTradeDto,
    @Res({ passthrough: true }) res: Response,
    @SignedIn() wallet: string,
    @TraceId() traceId: string,
  ) {
    const signal = await this.views.signal(dto.signal_id);
    assertOwner(wallet, (await this.views.agent(signal.agent_id)).creator_wallet, "the signal's agent creator");
    if (signal.status === 'PENDING') {
      // Normally already under way since signals/generate; the deterministic job id makes this a no-op then.
      await this.producer.emitOrRetry({
        name: JobName.PolicyEvaluate,
        data: { signalId: signal.id, traceId },
        jobId: jobId(JobName.PolicyEvaluate, signal.id),
      });
    }
    const done = await waitFor(async () => {
      const [s] = await this.ds.query(`SELECT status FROM signals_v3 WHERE id = $1`, [signal.id]);
      return FINAL_SIGNAL.includes(s.status) ? s : null;
    }, this.env.GATEWAY_WAIT_MS);
    const [latest, routing, outcomes] = await Promise.all([
      this.views.signal(signal.id),
      this.views.routing(signal.id),
      this.views.outcomes(signal.id),
    ]);
    if (!done) res.status(202);
    return {
      success: true,
      complete: !!done,
      signal: latest,
      routing: routing && {
        selected_venue: routing.selected_venue,
        routing_reason: routing.routing_reason,
        checked_venues: routing.checked_venues,
        venue_availability: routing.venue_availability,
        routing_duration_ms: routing.routing_duration_ms,
      },
      skipped_reason: latest.skipped_reason,
      outcomes,
    };
  }

  @Get('positions')
  async positions(@Query() q: PositionListQuery) {
    const positions = await this.ds.query(
      `SELECT p.* FROM positions_v3 p JOIN agent_deployments_v3 d ON d.id = p.deployment_id
        WHERE ($1::uuid IS NULL OR p.deployment_id = $1) AND ($2::uuid IS NULL OR d.agent_id = $2)
          AND ($3::uuid IS NULL OR p.signal_id = $3) AND ($4::text IS NULL OR p.status = $4)
        ORDER BY p.opened_at DESC, p.id LIMIT $5 OFFSET $6`,
      [q.deployment_id ?? null, q.agent_id ?? null, q.signal_id ?? null, q.status ?? null, q.limit ?? 50, q.offset ?? 0],
    );
    return { success: true, count: positions.length, positions };
  }

  @Get('positions/:id')
  async position(@Param('id', uuid) id: string) {
    return { success: true, position: await this.views.position(id) };
  }

  @Post('positions/:id/close')
  @HttpCode(200)
  @ApiOperation({ summary: 'Close a position at the venue mark (reduce-only); a profit produces the profit-share bill' })
  async close(
    @Param('id', uuid) id: string,
    @Body() dto: ClosePositionDto,
    @Res({ passthrough: true }) res: Response,
    @SignedIn() wallet: string,
    @TraceId() traceId: string,
  ) {
    const position = await this.views.position(id);
    assertOwner(wallet, (await this.views.deployment(position.deployment_id)).user_wallet, "the position's deployment user");
    await this.producer.emitOrRetry({
      name: JobName.ExecutorClose,
      data: { positionId: id, reason: dto.reason ?? 'MANUAL', traceId },
      jobId: jobId(JobName.ExecutorClose, id),
    });
    const closed = await waitFor(async () => {
      const p = await this.views.position(id);
      if (p.status !== 'CLOSED') return null;
      if (dec(p.pnl).lte(0)) return { p, bill: null }; // a loss is never billed
      const bill = await this.views.profitShare(id);
      return bill ? { p, bill } : null;
    }, this.env.GATEWAY_WAIT_MS);
    if (!closed) {
      res.status(202);
      return { success: true, complete: false, position: await this.views.position(id), billing_event: await this.views.profitShare(id) };
    }
    return { success: true, complete: true, position: closed.p, billing_event: closed.bill };
  }
}
