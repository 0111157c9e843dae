import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsString, IsUUID, Matches } from 'class-validator';
import { PageQuery } from '../common/page.dto';
import { Optional, WalletField } from '../common/validation';

export class BillingQuery extends PageQuery {
  @ApiPropertyOptional() @Optional() @IsUUID('all') deployment_id?: string;
  @ApiPropertyOptional() @Optional() @IsUUID('all') agent_id?: string;
  @ApiPropertyOptional({ description: 'every agent of this creator' })
  @Optional()
  @WalletField('creator_wallet')
  creator_wallet?: string;
  @ApiPropertyOptional({ enum: ['SUBSCRIPTION', 'PROFIT_SHARE'] }) @Optional() @IsIn(['SUBSCRIPTION', 'PROFIT_SHARE']) kind?: string;
}

export class UserSignatureDto {
  @ApiProperty({ example: '0x…64 hex' })
  @IsString()
  @Matches(/^0x[0-9a-fA-F]{64}$/, { message: 'r must be 0x followed by 64 hex digits' })
  r: string;
  @ApiProperty({ example: '0x…64 hex' })
  @IsString()
  @Matches(/^0x[0-9a-fA-F]{64}$/, { message: 's must be 0x followed by 64 hex digits' })
  s: string;
  @ApiProperty({ enum: [27, 28] }) @IsIn([27, 28], { message: 'v must be 27 or 28' }) v: number;
}

/**
 * A retry of a FAILED bill: an empty body. A live bill comes back PENDING with a fresh usdSend (a new nonce) in
 * metadata.usd_send, signed afterwards through POST /billing/events/:id/signature; r, s, v are refused (400) here, kept
 * only to say so to an older client.
 */
export class RetryBillDto {
  @ApiPropertyOptional({ example: '0x…64 hex' })
  @Optional()
  @IsString()
  @Matches(/^0x[0-9a-fA-F]{64}$/, { message: 'r must be 0x followed by 64 hex digits' })
  r?: string;
  @ApiPropertyOptional({ example: '0x…64 hex' })
  @Optional()
  @IsString()
  @Matches(/^0x[0-9a-fA-F]{64}$/, { message: 's must be 0x followed by 64 hex digits' })
  s?: string;
  @ApiPropertyOptional({ enum: [27, 28] }) @Optional() @IsIn([27, 28], { message: 'v must be 27 or 28' }) v?: number;
}
