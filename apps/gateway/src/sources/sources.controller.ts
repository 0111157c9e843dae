import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DataFeed } from '../auth/auth.decorators';
import { TraceId } from '../common/trace';
import { uuidParam } from '../common/validation';
import { DecisionLogQuery, IngestIndicatorsDto, IngestPostsDto, IngestResearchDto } from './sources.dto';
import { DecisionLogResponse } from './sources.responses';
import { SourcesService } from './sources.service';

const uuid = uuidParam('id');

/** Agent What's inputs (operators' data feeds) and its decision log. */
@ApiTags('agent what')
@Controller('api/v3')
export class SourcesController {
  constructor(private readonly sources: SourcesService) {}

  @Post('ct/posts')
  @DataFeed()
  @ApiOperation({ summary: 'Ingest X posts of followed accounts (batch of 1-100, idempotent on tweet_id)' })
  posts(@Body() dto: IngestPostsDto, @TraceId() traceId: string) {
    return this.sources.posts(dto, traceId);
  }

  @Get('ct/accounts')
  @ApiOperation({ summary: 'Followed CT accounts with their impact factor' })
  accounts() {
    return this.sources.accounts();
  }

  @Get('ct/accounts/:id/impact-history')
  @ApiOperation({ summary: "How an account's impact factor moved, position by position" })
  impactHistory(@Param('id', uuid) id: string) {
    return this.sources.impactHistory(id);
  }

  @Post('research/notes')
  @DataFeed()
  @ApiOperation({ summary: 'Ingest research notes (batch of 1-100, idempotent on institute + source_id)' })
  research(@Body() dto: IngestResearchDto, @TraceId() traceId: string) {
    return this.sources.research(dto, traceId);
  }

  @Post('market/indicators')
  @DataFeed()
  @ApiOperation({ summary: 'Upsert per-token indicators of 6-hour windows (market context of Agent What)' })
  indicators(@Body() dto: IngestIndicatorsDto, @TraceId() traceId: string) {
    return this.sources.indicators(dto, traceId);
  }

  @Get('agents/:id/decisions')
  @ApiOperation({
    summary: "Agent What's decision log (seed 004 agent_decisions): every classification and signal decision, HOLD included",
  })
  @ApiOkResponse({ type: DecisionLogResponse })
  decisions(@Param('id', uuid) id: string, @Query() q: DecisionLogQuery) {
    return this.sources.decisions(id, q);
  }
}
