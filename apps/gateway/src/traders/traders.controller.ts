import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { uuidParam } from '../common/validation';
import { LlmUsageQuery, PerformanceHistoryQuery, TradesQuery } from './traders.dto';
import { TradersService } from './traders.service';
import { TradesResponse } from './traders.responses';

const uuid = uuidParam('id');

/** An LLM trader's records (seed 004): trades, performance snapshots, model usage and cost. Reads, open like the agents'. */
@ApiTags('llm traders')
@Controller('api/v3/agents')
export class TradersController {
  constructor(private readonly traders: TradersService) {}

  @Get(':id/trades')
  @ApiOperation({
    summary: "The agent's trades (seed 004 agent_trades: the positions of its own book), newest first",
    description: 'status: open, closed (by an exit or the agent) or liquidated. Prices, sizes, PnL and fees are decimal strings.',
  })
  @ApiOkResponse({ type: TradesResponse })
  trades(@Param('id', uuid) id: string, @Query() q: TradesQuery) {
    return this.traders.trades(id, q);
  }

  @Get(':id/performance/history')
  @ApiOperation({
    summary: "The agent's performance snapshots (seed 004 agent_performance), oldest first",
    description: 'An LLM trader has one per snapshot slot (AGENT_PERFORMANCE_INTERVAL_MS), other agents one per hour. Decimals as strings.',
  })
  performanceHistory(@Param('id', uuid) id: string, @Query() q: PerformanceHistoryQuery) {
    return this.traders.performanceHistory(id, q);
  }

  @Get(':id/llm-usage')
  @ApiOperation({
    summary: "What the agent's model calls used and cost: per UTC day and model, per model, and in all",
    description: 'Tokens as integers, cost_usd as a decimal string; calls of a model without a price count in unpriced_calls.',
  })
  llmUsage(@Param('id', uuid) id: string, @Query() q: LlmUsageQuery) {
    return this.traders.llmUsage(id, q);
  }
}
