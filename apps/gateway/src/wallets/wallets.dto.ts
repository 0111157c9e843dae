import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsString, Length, Matches } from 'class-validator';
import { PageQuery } from '../common/page.dto';
import { Optional, WalletField } from '../common/validation';

const TAG = /^[a-z0-9][a-z0-9_-]{0,39}$/;
/** Up to 20 tags, each 1-40 lower-case letters, digits, - or _. */
const Tags = (): PropertyDecorator =>
  applyDecorators(
    Matches(TAG, { each: true, message: 'tags must be 1-40 lower-case letters, digits, - or _' }),
    IsString({ each: true, message: 'tags must be strings' }),
    ArrayMaxSize(20, { message: 'tags must hold at most 20 tags' }),
    IsArray({ message: 'tags must be an array' }),
  );

/** A wallet to watch (the operator's watchlist). */
export class WatchWalletDto {
  @ApiProperty({ example: '0x1111111111111111111111111111111111111111', description: 'a Hyperliquid account' })
  @WalletField('address')
  address: string;

  @ApiPropertyOptional({ example: 'Top trader' })
  @Optional()
  @IsString()
  @Length(1, 100)
  label?: string;

  @ApiPropertyOptional({ example: ['whale', 'btc'] })
  @Optional()
  @Tags()
  tags?: string[];
}

/** What an operator may change of a watched wallet. */
export class UpdateWalletDto {
  @ApiPropertyOptional({ description: 'false stops watching it (its history stays)' })
  @Optional()
  @IsBoolean()
  is_active?: boolean;

  @ApiPropertyOptional()
  @Optional()
  @IsString()
  @Length(1, 100)
  label?: string;

  @ApiPropertyOptional({ example: ['whale'] })
  @Optional()
  @Tags()
  tags?: string[];
}

export const WALLET_SORTS = ['credibility_4h', 'credibility_24h', 'equity_usd'] as const;

export class WalletListQuery extends PageQuery {
  @ApiPropertyOptional({ enum: ['true', 'false'] })
  @Optional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean({ message: 'active must be true or false' })
  active?: boolean;

  @ApiPropertyOptional({ example: 'whale' })
  @Optional()
  @IsString()
  @Matches(TAG, { message: 'tag must be 1-40 lower-case letters, digits, - or _' })
  tag?: string;

  @ApiPropertyOptional({ enum: WALLET_SORTS, default: 'credibility_4h' })
  @Optional()
  @IsIn(WALLET_SORTS, { message: `sort must be one of ${WALLET_SORTS.join(', ')}` })
  sort?: (typeof WALLET_SORTS)[number];
}

export const EVENT_TYPES = ['open', 'add', 'reduce', 'close', 'flip', 'liquidation'] as const;

export class WalletEventsQuery extends PageQuery {
  @ApiPropertyOptional({ enum: EVENT_TYPES })
  @Optional()
  @IsIn(EVENT_TYPES, { message: `event_type must be one of ${EVENT_TYPES.join(', ')}` })
  event_type?: string;

  @ApiPropertyOptional({ example: 'ETH' })
  @Optional()
  @IsString()
  @Matches(/^[A-Za-z0-9]{1,20}$/, { message: 'asset must be 1-20 letters or digits' })
  asset?: string;
}
