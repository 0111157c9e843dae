import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsIn, IsNotIn, IsNumber, IsObject, IsString, IsUUID, Length, Max, Min } from 'class-validator';
import { riskModelErrors, shortTakeProfitErrors, SIDES, sizeModelErrors } from '@conduit/domain';
import { PageQuery } from '../common/page.dto';
import { Optional, Satisfies, Side, TokenSymbol } from '../common/validation';

export class GenerateSignalDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID('all', { message: 'agent_id must be a UUID' }) agent_id: string;

  @ApiProperty({ example: 'ETH' })
  @TokenSymbol()
  token_symbol: string;

  @ApiProperty({ enum: SIDES, example: 'LONG' })
  @Side()
  side: string;

  @ApiProperty({ example: { type: 'percentage', value: 25 } })
  @IsObject({ message: 'size_model must be an object' })
  @Satisfies((v) => sizeModelErrors(v))
  size_model: Record<string, unknown>;

  @ApiProperty({ example: { type: 'trailing-stop', stop: 0.03 } })
  @IsObject({ message: 'risk_model must be an object' })
  @Satisfies((v, _, o) => [...riskModelErrors(v), ...shortTakeProfitErrors(o.side, v)])
  risk_model: Record<string, unknown>;

  @ApiPropertyOptional({ example: 0.85, minimum: 0, maximum: 1 })
  @Optional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1)
  confidence?: number;

  @ApiPropertyOptional({ type: [String] }) @Optional() @IsArray() @ArrayMaxSize(100) @IsString({ each: true }) source_tweets?: string[];
  @ApiPropertyOptional({ type: [String] }) @Optional() @IsArray() @ArrayMaxSize(100) @IsString({ each: true }) source_research?: string[];
}

export class ExecuteTradeDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID('all', { message: 'signal_id must be a UUID' }) signal_id: string;
}

export class ClosePositionDto {
  /** Free text, except LIQUIDATION: only the venue liquidates (at the liquidation price, not the mark). */
  @ApiPropertyOptional({ example: 'MANUAL' })
  @Optional()
  @IsString()
  @Length(1, 64)
  @IsNotIn(['LIQUIDATION'], { message: 'reason LIQUIDATION is reserved for the venue' })
  reason?: string;
}

export class PositionListQuery extends PageQuery {
  @ApiPropertyOptional() @Optional() @IsUUID('all') deployment_id?: string;
  @ApiPropertyOptional() @Optional() @IsUUID('all') agent_id?: string;
  @ApiPropertyOptional() @Optional() @IsUUID('all') signal_id?: string;
  @ApiPropertyOptional({ enum: ['OPEN', 'CLOSED'] }) @Optional() @IsIn(['OPEN', 'CLOSED']) status?: string;
}
