import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn } from 'class-validator';
import { AGENT_KIND, AGENT_STATUS, type AgentKind, type AgentStatus } from '@conduit/db';
import { PageQuery } from '../common/page.dto';
import { Optional, toInteger } from '../common/validation';

/** The columns the leaderboard sorts by; each is a column of its rows. */
export const LEADERBOARD_SORTS = [
  'apr_30d',
  'apr_90d',
  'apr_si',
  'sharpe',
  'max_drawdown',
  'max_drawdown_percent',
  'subscribers',
  'realized_pnl',
  'name',
] as const;
export type LeaderboardSort = (typeof LEADERBOARD_SORTS)[number];
export const SPARKLINE_DAYS = [30, 90] as const;

export class LeaderboardQuery extends PageQuery {
  @ApiPropertyOptional({ enum: LEADERBOARD_SORTS, default: 'apr_30d', description: 'the column to sort by; agents without a value last' })
  @Optional()
  @IsIn(LEADERBOARD_SORTS, { message: `sort must be one of ${LEADERBOARD_SORTS.join(', ')}` })
  sort?: LeaderboardSort;

  @ApiPropertyOptional({ enum: ['asc', 'desc'], default: 'desc' })
  @Optional()
  @IsIn(['asc', 'desc'], { message: 'order must be asc or desc' })
  order?: 'asc' | 'desc';

  @ApiPropertyOptional({ enum: AGENT_KIND })
  @Optional()
  @IsIn(AGENT_KIND, { message: `kind must be one of ${AGENT_KIND.join(', ')}` })
  kind?: AgentKind;

  @ApiPropertyOptional({ enum: AGENT_STATUS })
  @Optional()
  @IsIn(AGENT_STATUS, { message: `status must be one of ${AGENT_STATUS.join(', ')}` })
  status?: AgentStatus;

  @ApiPropertyOptional({ enum: SPARKLINE_DAYS, default: 30, description: 'how many days back the sparkline reaches' })
  @Optional()
  @Transform(toInteger)
  @IsIn(SPARKLINE_DAYS, { message: `days must be one of ${SPARKLINE_DAYS.join(', ')}` })
  days?: (typeof SPARKLINE_DAYS)[number];
}

/** One day of the sparkline: the realized PnL accumulated since the agent's first snapshot, to the end of the day. */
export class LeaderboardPoint {
  @ApiProperty({ example: '2026-06-01', description: 'UTC day' }) day: string;
  @ApiProperty({ example: '125.50000000', description: 'USD, decimal' }) pnl: string;
}

/** An agent's row: decimal strings for every figure (null when the agent has none yet). */
export class LeaderboardRow {
  @ApiProperty({ format: 'uuid' }) agent_id: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: AGENT_KIND }) kind: AgentKind;
  @ApiProperty({ enum: AGENT_STATUS }) status: AgentStatus;
  @ApiProperty({ type: String, nullable: true, description: 'APR of the last 30 days, percent' }) apr_30d: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'APR of the last 90 days, percent' }) apr_90d: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'APR since inception, percent' }) apr_si: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'Sharpe ratio of the last 30 daily returns' }) sharpe: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'USD, the latest performance row' }) max_drawdown: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'percent, the latest performance row' }) max_drawdown_percent: string | null;
  @ApiProperty({ description: 'deployments not STOPPED' }) subscribers: number;
  @ApiProperty({ type: String, nullable: true, description: 'USD, the latest performance row' }) realized_pnl: string | null;
  @ApiProperty({ type: [LeaderboardPoint], description: 'cumulative realized PnL per day of the last `days` days' })
  sparkline: LeaderboardPoint[];
}

export class LeaderboardResponse {
  @ApiProperty() success: boolean;
  @ApiProperty() count: number;
  @ApiProperty({ example: '2026-06-15', description: 'the UTC day the sparklines end on' }) as_of: string;
  @ApiProperty({ enum: SPARKLINE_DAYS }) days: number;
  @ApiProperty({ type: [LeaderboardRow] }) agents: LeaderboardRow[];
}
