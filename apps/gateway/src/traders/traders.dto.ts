import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { PageQuery } from '../common/page.dto';
import { From, Optional, To } from '../common/validation';

export const TRADE_STATUSES = ['open', 'closed', 'liquidated'] as const;

export class TradesQuery extends PageQuery {
  @ApiPropertyOptional({ enum: TRADE_STATUSES })
  @Optional()
  @IsIn(TRADE_STATUSES, { message: `status must be one of ${TRADE_STATUSES.join(', ')}` })
  status?: (typeof TRADE_STATUSES)[number];
}

export class PerformanceHistoryQuery extends PageQuery {
  @From() from?: string;
  @To() to?: string;
}

export class LlmUsageQuery {
  @From() from?: string;
  @To() to?: string;
}
