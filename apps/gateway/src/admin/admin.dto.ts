import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsString, IsUUID, Length, Matches } from 'class-validator';
import { ADAPTED_VENUES } from '@conduit/venue';
import { PageQuery } from '../common/page.dto';
import { From, Optional, To, TokenSymbol, WalletField } from '../common/validation';

export class PaperMarkDto {
  /** A venue the registry has a (paper) adapter for. */
  @ApiProperty({ enum: ADAPTED_VENUES }) @IsIn(ADAPTED_VENUES) venue: string;
  @ApiProperty({ example: 'ETH' })
  @TokenSymbol()
  token_symbol: string;
  @ApiProperty({ example: '1950.5', description: 'decimal string' })
  @IsString()
  @Matches(/^(?!0+(\.0+)?$)\d{1,12}(\.\d{1,8})?$/, { message: 'price must be a positive decimal string with at most 8 decimals' })
  price: string;
}

/** GET /api/v3/admin/audit: every filter optional, combined with AND. */
export class AuditQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'every audited action of one trace: the HTTP call and the jobs it led to' })
  @Optional()
  @IsString()
  @Matches(/^[A-Za-z0-9._:-]{8,128}$/, { message: 'trace_id must be 8-128 letters, digits or . _ : -' })
  trace_id?: string;

  @ApiPropertyOptional({ format: 'uuid', description: "an operator's actions (users.id)" })
  @Optional()
  @IsUUID('all', { message: 'user_id must be a UUID' })
  user_id?: string;

  @ApiPropertyOptional({ description: "a signed-in wallet's actions" }) @Optional() @WalletField('wallet') wallet?: string;

  @ApiPropertyOptional({ example: 'deployment' })
  @Optional()
  @IsString()
  @Length(1, 50, { message: 'entity_type must be 1-50 characters' })
  entity_type?: string;

  @ApiPropertyOptional({ format: 'uuid' }) @Optional() @IsUUID('all', { message: 'entity_id must be a UUID' }) entity_id?: string;

  @ApiPropertyOptional({ example: 'v3.position.opened' })
  @Optional()
  @IsString()
  @Length(1, 100, { message: 'action must be 1-100 characters' })
  action?: string;

  @From() from?: string;
  @To() to?: string;
}
