import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsString, IsUUID, Matches } from 'class-validator';
import { TOKEN_SYMBOL } from '@conduit/domain';
import { VENUE_V3 } from '@conduit/db';
import { PageQuery } from '../common/page.dto';
import { DATE_OR_TIME, IsoTime, Optional } from '../common/validation';

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
