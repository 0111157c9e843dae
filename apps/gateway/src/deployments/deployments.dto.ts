import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { Policy, policyErrors } from '@conduit/domain';
import { PageQuery } from '../common/page.dto';
import { PolicyDto } from '../policy/policy.dto';
import { normaliseWallet, Optional, Satisfies, WALLET, WalletField } from '../common/validation';

export class DeployAgentDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID('all', { message: 'agent_id must be a UUID' }) agent_id: string;

  @ApiProperty({ example: '0x2222222222222222222222222222222222222222' })
  @WalletField('user_wallet')
  user_wallet: string;

  @ApiPropertyOptional()
  @Optional()
  @WalletField('safe_wallet')
  safe_wallet?: string;

  @ApiPropertyOptional({ enum: ['paper', 'live'], default: 'paper' })
  @Optional()
  @IsIn(['paper', 'live'], { message: 'trading_mode must be paper or live' })
  trading_mode?: 'paper' | 'live';

  @ApiPropertyOptional({
    type: () => PolicyDto,
    description: "the subscriber's policy (Agent How)",
    example: { max_leverage: 3, denied_tokens: ['DOGE'] },
  })
  @Optional()
  @Satisfies((v) => policyErrors(v, 'policy'))
  policy?: Policy;

  // Recommended: omit the agent key fields and the server generates one agent wallet per venue, sealing its key.
  // Compatibility (seed 001): a key sealed by the caller under the server's master key (AES-256-GCM, base64
  // ciphertext/iv/tag, associated data "conduit:agent-key:<VENUE>:<address>") is accepted only if it decrypts
  // and belongs to the given address. Keys are never returned.
  @ApiPropertyOptional() @Optional() @IsString() @MaxLength(128) hyperliquid_agent_address?: string;
  @ApiPropertyOptional() @Optional() @IsString() @MaxLength(4096) hyperliquid_agent_key_encrypted?: string;
  @ApiPropertyOptional() @Optional() @IsString() @MaxLength(256) hyperliquid_agent_key_iv?: string;
  @ApiPropertyOptional() @Optional() @IsString() @MaxLength(256) hyperliquid_agent_key_tag?: string;
  @ApiPropertyOptional() @Optional() @IsString() @MaxLength(128) ostium_agent_address?: string;
  @ApiPropertyOptional() @Optional() @IsString() @MaxLength(4096) ostium_agent_key_encrypted?: string;
  @ApiPropertyOptional() @Optional() @IsString() @MaxLength(256) ostium_agent_key_iv?: string;
  @ApiPropertyOptional() @Optional() @IsString() @MaxLength(256) ostium_agent_key_tag?: string;
  @ApiPropertyOptional() @Optional() @IsString() @MaxLength(128) gmx_agent_address?: string;
  @ApiPropertyOptional() @Optional() @IsString() @MaxLength(4096) gmx_agent_key_encrypted?: string;
  @ApiPropertyOptional() @Optional() @IsString() @MaxLength(256) gmx_agent_key_iv?: string;
  @ApiPropertyOptional() @Optional() @IsString() @MaxLength(256) gmx_agent_key_tag?: string;
  @ApiPropertyOptional() @Optional() @IsString() @MaxLength(128) spot_agent_address?: string;
  @ApiPropertyOptional() @Optional() @IsString() @MaxLength(4096) spot_agent_key_encrypted?: string;
  @ApiPropertyOptional() @Optional() @IsString() @MaxLength(256) spot_agent_key_iv?: string;
  @ApiPropertyOptional() @Optional() @IsString() @MaxLength(256) spot_agent_key_tag?: string;
}

export class TradingModeDto {
  @ApiProperty({ enum: ['paper', 'live'] })
  @IsIn(['paper', 'live'], { message: 'trading_mode must be paper or live' })
  trading_mode: 'paper' | 'live';
}

export class DeploymentListQuery extends PageQuery {
  @ApiPropertyOptional() @Optional() @IsUUID('all') agent_id?: string;
  @ApiPropertyOptional() @Optional() @Transform(({ value }) => normaliseWallet(value)) @IsString() @Matches(WALLET) user_wallet?: string;
}
