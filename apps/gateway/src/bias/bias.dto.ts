import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsString, Matches, Max, Min } from 'class-validator';
import { BIAS_TIMEFRAMES, BiasTimeframe } from '@conduit/domain';
import { From, Optional, To, toInteger } from '../common/validation';

/** GET /api/v3/bias: the latest bias per asset and timeframe, or its history when `from` or `to` is given. */
export class BiasQuery {
  @ApiPropertyOptional({ example: 'ETH', description: 'one asset; every asset when absent' })
  @Optional()
  @IsString()
  @Matches(/^[A-Za-z0-9]{1,20}$/, { message: 'asset must be 1-20 letters or digits' })
  asset?: string;

  @ApiPropertyOptional({ enum: BIAS_TIMEFRAMES, description: 'one timeframe; every timeframe when absent' })
  @Optional()
  @IsIn(BIAS_TIMEFRAMES, { message: `timeframe must be one of ${BIAS_TIMEFRAMES.join(', ')}` })
  timeframe?: BiasTimeframe;

  @From() from?: string;
  @To() to?: string;

  @ApiPropertyOptional({ default: 50, maximum: 500, description: 'rows at most (history: newest first)' })
  @Optional()
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;
}
