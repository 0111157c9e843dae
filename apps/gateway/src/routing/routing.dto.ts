import { ApiProperty } from '@nestjs/swagger';
import { IsUUID, Matches } from 'class-validator';
import { SIDES } from '@conduit/domain';
import { Side, TokenSymbol } from '../common/validation';

/** A positive USD amount: up to 15 digits, up to 8 decimals, not zero. */
const POSITIVE_USD = /^(?=.*[1-9])\d{1,15}(\.\d{1,8})?$/;

/** GET /api/v3/routing/preview: the signal to route, as a signal of the agent would be. */
export class RoutingPreviewQuery {
  @ApiProperty({ format: 'uuid' }) @IsUUID('all', { message: 'agent_id must be a UUID' }) agent_id: string;

  @ApiProperty({ example: 'ETH' })
  @TokenSymbol()
  token_symbol: string;

  @ApiProperty({ enum: SIDES, example: 'LONG' })
  @Side()
  side: 'LONG' | 'SHORT';

  @ApiProperty({ example: '2500', description: 'the size to route, in USD: a positive decimal (up to 8 decimals)' })
  @Matches(POSITIVE_USD, { message: 'notional_usd must be a positive decimal number of USD (up to 8 decimals)' })
  notional_usd: string;
}
