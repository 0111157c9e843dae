import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { LeaderboardQuery, LeaderboardResponse } from './leaderboard.dto';
import { LeaderboardService } from './leaderboard.service';

/** The public leaderboard (the web dashboard's first page). */
@ApiTags('agents')
@Controller('api/v3/agents')
export class LeaderboardController {
  constructor(private readonly board: LeaderboardService) {}

  @Get('leaderboard')
  @ApiOperation({
    summary: 'Agents ranked by APR (30d, 90d, since inception), Sharpe, drawdown, subscribers or realized PnL, with a PnL sparkline',
    description: 'Figures are decimal strings, null until billing has computed them; agents without a value sort last either way.',
  })
  @ApiOkResponse({ type: LeaderboardResponse })
  leaderboard(@Query() q: LeaderboardQuery): Promise<LeaderboardResponse> {
    return this.board.leaderboard(q);
  }
}
