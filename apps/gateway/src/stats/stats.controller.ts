import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { uuidParam } from '../common/validation';
import { MarksQuery, RoutingHistoryQuery } from './stats.dto';
import { MarksResponse, PerformanceResponse, RoutingHistoryResponse } from './stats.responses';
import { StatsService } from './stats.service';

@ApiTags('stats')
@Controller('api/v3')
export class StatsController {
  constructor(private readonly stats: StatsService) {}

  @Get('stats/overview')
  @ApiOperation({ summary: 'System statistics across the v3 pipeline' })
  overview() {
    return this.stats.overview();
  }

  @Get('stats/routing-history')
  @ApiOperation({
    summary: 'Routing decisions, newest first, by venue, token, agent and time; with the venue distribution of the selection',
  })
  @ApiOkResponse({ type: RoutingHistoryResponse })
  routingHistory(@Query() q: RoutingHistoryQuery) {
    return this.stats.routingHistory(q);
  }

  @Get('agents/:id/performance')
  @ApiOperation({
    summary:
      "An agent's performance (seed 004 set: value, PnL, ROI, trades, win rate, profit factor, Sharpe, Sortino, drawdown) " +
      'and its daily PnL series',
  })
  @ApiOkResponse({ type: PerformanceResponse })
  performance(@Param('id', uuidParam('id')) id: string) {
    return this.stats.performance(id);
  }

  @Get('market/marks')
  @ApiOperation({
    summary: "A token's mark per minute (market_marks: the minutes its mark changed), oldest first, for price charts",
    description: 'Public market data. Marks are decimal strings; minutes are UTC instants.',
  })
  @ApiOkResponse({ type: MarksResponse })
  marks(@Query() q: MarksQuery) {
    return this.stats.marks(q);
  }
}
