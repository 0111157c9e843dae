import { BadRequestException, Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { SignedIn } from '../auth/auth.decorators';
import { CurrentReader, Reader } from '../common/read-access';
import { ApiAnswers } from '../common/api-answers';
import { TraceId } from '../common/trace';
import { uuidParam } from '../common/validation';
import { respond } from '../common/waited';
import { ClosePositionDto, ExecuteTradeDto, GenerateSignalDto, PositionListQuery } from './trading.dto';
import { ClosePositionResponse, PositionListResponse } from './trading.responses';
import { JourneyResponse } from './journey.responses';
import { JourneyService } from './journey.service';
import { TradingService } from './trading.service';

const uuid = uuidParam('id');

@ApiTags('trading')
@Controller('api/v3')
export class TradingController {
  constructor(
    private readonly trading: TradingService,
    private readonly journeys: JourneyService,
  ) {}

  @Post('signals/generate')
  @ApiOperation({ summary: 'Submit a venue-agnostic signal to Agent What; it enters the pipeline at once' })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Same key and agent → same signal, never a second one' })
  @ApiAnswers({ 403: "the signed-in wallet is not the creator of the signal's agent" })
  async generate(
    @Body() dto: GenerateSignalDto,
    @Res({ passthrough: true }) res: Response,
    @SignedIn() wallet: string,
    @TraceId() traceId: string,
    @Headers('idempotency-key') key?: string,
  ) {
    if (key !== undefined && !/^[\x21-\x7e]{1,200}$/.test(key))
      throw new BadRequestException(['Idempotency-Key must be 1-200 visible ASCII characters']);
    return respond(res, await this.trading.generate(dto, wallet, traceId, key), 201);
  }

  @Get('signals/:id')
  @ApiOperation({
    summary: 'A signal, its routing, the outcomes of the caller’s own deployments, and outcome totals (all deployments for its creator)',
  })
  signal(@Param('id', uuid) id: string, @CurrentReader() reader: Reader) {
    return this.trading.signal(id, reader);
  }

  @Get('signals/:id/journey')
  @ApiOperation({
    summary: "One signal's path: Agent What, Agent How, Agent Where, the executor and billing, with what the caller may read",
    description:
      'Agent What and Agent Where: anyone. Agent How, orders, failovers and bills: the rows of the caller’s own deployments ' +
      '(an operator’s: all), totals over its own and every deployment of an agent it created. The audit trail: operators.',
  })
  @ApiOkResponse({ type: JourneyResponse })
  journey(@Param('id', uuid) id: string, @CurrentReader() reader: Reader) {
    return this.journeys.journey(id, reader);
  }

  @Post('execute/trade')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Run a signal through policy, routing and execution; answers with the routing decision and each deployment’s outcome',
  })
  @ApiAnswers({ 403: "the signed-in wallet is not the creator of the signal's agent" })
  async execute(
    @Body() dto: ExecuteTradeDto,
    @Res({ passthrough: true }) res: Response,
    @SignedIn() wallet: string,
    @TraceId() traceId: string,
  ) {
    return respond(res, await this.trading.execute(dto.signal_id, wallet, traceId), 200);
  }

  @Get('positions')
  @ApiOkResponse({ type: PositionListResponse })
  @ApiOperation({ summary: "Positions of the caller's own deployments (an operator's: every one; anonymous: none), newest first" })
  positions(@Query() q: PositionListQuery, @CurrentReader() reader: Reader) {
    return this.trading.positions(q, reader);
  }

  @Get('positions/:id')
  @ApiOperation({ summary: "A position: its deployment user's and operators' to read (404 for anyone else)" })
  position(@Param('id', uuid) id: string, @CurrentReader() reader: Reader) {
    return this.trading.position(id, reader);
  }

  @Post('positions/:id/close')
  @ApiOkResponse({ type: ClosePositionResponse })
  @HttpCode(200)
  @ApiOperation({ summary: 'Close a position at the venue mark (reduce-only); a profit produces the profit-share bill' })
  @ApiAnswers({ 403: "the signed-in wallet is not the user of the position's deployment" })
  async close(
    @Param('id', uuid) id: string,
    @Body() dto: ClosePositionDto,
    @Res({ passthrough: true }) res: Response,
    @SignedIn() wallet: string,
    @TraceId() traceId: string,
  ) {
    return respond(res, await this.trading.close(id, dto.reason, wallet, traceId), 200);
  }
}
