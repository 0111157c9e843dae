import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsString } from 'class-validator';
import { PageQuery } from '../common/page.dto';
import { DATE_OR_TIME, IsoTime, isRealIsoTime, Optional, Satisfies } from '../common/validation';

export const TRADE_STATUSES = ['open', 'closed', 'liquidated'] as const;

/** `from`: an ISO-8601 date (UTC midnight) or timestamp, inclusive. */
const From = () =>
  applyDecorators(
    ApiPropertyOptional({ description: 'ISO-8601 date (UTC midnight) or timestamp, inclusive', example: '2026-06-01' }),
    Optional(),
    IsString(),
    IsoTime(DATE_OR_TIME, 'from must be an ISO-8601 date or timestamp'),
  );

/** `to`: like `from`, exclusive, and after `from` when both are given. */
const To = () =>
  applyDecorators(
    ApiPropertyOptional({ description: 'ISO-8601 date (UTC midnight) or timestamp, exclusive', example: '2026-06-02T00:00:00Z' }),
    Optional(),
    IsString(),
    IsoTime(DATE_OR_TIME, 'to must be an ISO-8601 date or timestamp'),
    Satisfies((to, _field, o) =>
      typeof o.from === 'string' &&
      isRealIsoTime(o.from, DATE_OR_TIME) &&
      isRealIsoTime(to, DATE_OR_TIME) &&
      Date.parse(to as string) <= Date.parse(o.from)
        ? ['to must be after from']
        : [],
    ),
  );

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
