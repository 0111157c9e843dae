import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { uuidParam } from '../common/validation';
import { RoutingHistoryQuery } from './stats.dto';
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
  routingHistory(@Query() q: RoutingHistoryQuery) {
    return this.stats.routingHistory(q);
  }

  @Get('agents/:id/performance')
  @ApiOperation({
    summary:
      "An agent's performance (seed 004 set: value, PnL, ROI, trades, win rate, profit factor, Sharpe, Sortino, drawdown) " +
      'and its daily PnL series',
  })
  performance(@Param('id', uuidParam('id')) id: string) {
    return this.stats.performance(id);
  }
}
