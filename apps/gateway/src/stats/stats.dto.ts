import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsString, IsUUID, Matches, Max, Min } from 'class-validator';
import { TOKEN_SYMBOL } from '@conduit/domain';
import { VENUE_V3 } from '@conduit/db';
import { PageQuery } from '../common/page.dto';
import { DATE_OR_TIME, IsoTime, Optional, toInteger } from '../common/validation';

export class RoutingHistoryQuery extends PageQuery {
  @ApiPropertyOptional({ enum: VENUE_V3 }) @Optional() @IsIn(VENUE_V3) venue?: string;
  @ApiPropertyOptional() @Optional() @IsString() @Matches(TOKEN_SYMBOL) token_symbol?: string;
  @ApiPropertyOptional() @Optional() @IsUUID('all', { message: 'agent_id must be a UUID' }) agent_id?: string;
  @ApiPropertyOptional({ description: 'ISO-8601, inclusive' })
  @Optional()
  @IsString()
  @IsoTime(DATE_OR_TIME, 'from must be an ISO-8601 date or timestamp')
  from?: string;
  @ApiPropertyOptional({ description: 'ISO-8601, exclusive' })
  @Optional()
  @IsString()
  @IsoTime(DATE_OR_TIME, 'to must be an ISO-8601 date or timestamp')
  to?: string;
}

export class MarksQuery {
  @ApiPropertyOptional({ example: 'ETH', description: 'the token; without it the answer has no marks' })
  @Optional()
  @IsString()
  @Matches(TOKEN_SYMBOL, { message: 'token_symbol must be a token symbol' })
  token_symbol?: string;
  @ApiPropertyOptional({ enum: VENUE_V3, description: 'one venue; without it, each minute’s average over the venues' })
  @Optional()
  @IsIn(VENUE_V3, { message: `venue must be one of ${VENUE_V3.join(', ')}` })
  venue?: string;
  @ApiPropertyOptional({ description: 'ISO-8601, inclusive' })
  @Optional()
  @IsString()
  @IsoTime(DATE_OR_TIME, 'from must be an ISO-8601 date or timestamp')
  from?: string;
  @ApiPropertyOptional({ description: 'ISO-8601, exclusive' })
  @Optional()
  @IsString()
  @IsoTime(DATE_OR_TIME, 'to must be an ISO-8601 date or timestamp')
  to?: string;
  @ApiPropertyOptional({ default: 1440, maximum: 10000, description: 'the most recent points of the range, at most' })
  @Optional()
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(10000)
  limit?: number;
}
