import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { riskModelErrors, sizeModelErrors, SIDES, TOKEN_SYMBOL } from '@conduit/domain';
import { VENUE_V3 } from '@conduit/db';
import { normaliseWallet, Satisfies, WALLET } from '../http/validation';

const walletMessage = (field: string) => ({ message: `${field} must be a wallet address (0x followed by letters or digits)` });
const weightsErrors = (v: unknown, field: string): string[] => {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return [`${field} must be an object of source → weight`];
  return Object.entries(v as Record<string, unknown>)
    .filter(([, w]) => typeof w !== 'number' || !Number.isFinite(w) || w < 0 || w > 1)
    .map(([k]) => `${field}.${k} must be a number from 0 to 1`);
};

export class CreateAgentDto {
  @ApiProperty({ example: '0x1111111111111111111111111111111111111111' })
  @Transform(({ value }) => normaliseWallet(value))
  @IsString()
  @Matches(WALLET, walletMessage('creator_wallet'))
  creator_wallet: string;

  @ApiProperty({ example: 'Alpha Hunter V3' })
  @IsString()
  @Length(1, 100)
  name: string;

  @ApiPropertyOptional({ enum: VENUE_V3, default: 'MULTI' })
  @IsOptional()
  @IsIn(VENUE_V3)
  venue?: string;

  @ApiPropertyOptional({ type: [String], example: ['123456789'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(200)
  @IsString({ each: true })
  @Length(1, 64, { each: true })
  x_account_ids?: string[];

  @ApiPropertyOptional({ type: [String], example: [] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(200)
  @IsString({ each: true })
  @Length(1, 64, { each: true })
  research_institute_ids?: string[];

  @ApiPropertyOptional({ example: { x: 1.0, research: 0 } })
  @IsOptional()
  @Satisfies(weightsErrors)
  weights?: Record<string, number>;

  @ApiProperty({ example: '0x1111111111111111111111111111111111111111' })
  @Transform(({ value }) => normaliseWallet(value))
  @IsString()
  @Matches(WALLET, walletMessage('profit_receiver_address'))
  profit_receiver_address: string;

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(4000) proof_of_intent_message?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(400) proof_of_intent_signature?: string;
  @ApiPropertyOptional({ description: 'ISO-8601' })
  @IsOptional()
  @IsString()
  @Matches(/^\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:?\d{2})$/, { message: 'proof_of_intent_timestamp must be an ISO-8601 timestamp' })
  proof_of_intent_timestamp?: string;
}

export class DeployAgentDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID('all', { message: 'agent_id must be a UUID' }) agent_id: string;

  @ApiProperty({ example: '0x2222222222222222222222222222222222222222' })
  @Transform(({ value }) => normaliseWallet(value))
  @IsString()
  @Matches(WALLET, walletMessage('user_wallet'))
  user_wallet: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Transform(({ value }) => normaliseWallet(value))
  @IsString()
  @Matches(WALLET, walletMessage('safe_wallet'))
  safe_wallet?: string;

  @ApiPropertyOptional({ enum: ['paper', 'live'], default: 'paper' })
  @IsOptional()
  @IsIn(['paper', 'live'], { message: 'trading_mode must be paper or live' })
  trading_mode?: 'paper' | 'live';

  // Recommended: omit the agent key fields and the server generates one agent wallet per venue, sealing its key.
  // Compatibility (seed 001): a key sealed by the caller under the server's master key (AES-256-GCM, base64
  // ciphertext/iv/tag, associated data "conduit:agent-key:<VENUE>:<address>") is accepted only if it decrypts
  // and belongs to the given address. Keys are never returned.
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(128) hyperliquid_agent_address?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(4096) hyperliquid_agent_key_encrypted?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(256) hyperliquid_agent_key_iv?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(256) hyperliquid_agent_key_tag?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(128) ostium_agent_address?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(4096) ostium_agent_key_encrypted?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(256) ostium_agent_key_iv?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(256) ostium_agent_key_tag?: string;
}

export class TradingModeDto {
  @ApiProperty({ enum: ['paper', 'live'] })
  @IsIn(['paper', 'live'], { message: 'trading_mode must be paper or live' })
  trading_mode: 'paper' | 'live';
}

export class GenerateSignalDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID('all', { message: 'agent_id must be a UUID' }) agent_id: string;

  @ApiProperty({ example: 'ETH' })
  @IsString()
  @Matches(TOKEN_SYMBOL, { message: 'token_symbol must be 1-20 letters or digits' })
  token_symbol: string;

  @ApiProperty({ enum: SIDES, example: 'LONG' })
  @Transform(({ value }) => (typeof value === 'string' ? value.toUpperCase() : value))
  @IsIn(SIDES, { message: `side must be one of ${SIDES.join(', ')}` })
  side: string;

  @ApiProperty({ example: { type: 'percentage', value: 25 } })
  @IsObject({ message: 'size_model must be an object' })
  @Satisfies((v) => sizeModelErrors(v))
  size_model: Record<string, unknown>;

  @ApiProperty({ example: { type: 'trailing-stop', stop: 0.03 } })
  @IsObject({ message: 'risk_model must be an object' })
  @Satisfies((v) => riskModelErrors(v))
  risk_model: Record<string, unknown>;

  @ApiPropertyOptional({ example: 0.85, minimum: 0, maximum: 1 })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1)
  confidence?: number;

  @ApiPropertyOptional({ type: [String] }) @IsOptional() @IsArray() @ArrayMaxSize(100) @IsString({ each: true }) source_tweets?: string[];
  @ApiPropertyOptional({ type: [String] }) @IsOptional() @IsArray() @ArrayMaxSize(100) @IsString({ each: true }) source_research?: string[];
}

export class ExecuteTradeDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID('all', { message: 'signal_id must be a UUID' }) signal_id: string;
}

export class ClosePositionDto {
  @ApiPropertyOptional({ example: 'MANUAL' }) @IsOptional() @IsString() @Length(1, 64) reason?: string;
}

export class PaperMarkDto {
  @ApiProperty({ enum: ['HYPERLIQUID', 'OSTIUM'] }) @IsIn(['HYPERLIQUID', 'OSTIUM']) venue: string;
  @ApiProperty({ example: 'ETH' }) @IsString() @Matches(TOKEN_SYMBOL, { message: 'token_symbol must be 1-20 letters or digits' }) token_symbol: string;
  @ApiProperty({ example: '1950.5', description: 'decimal string' })
  @IsString()
  @Matches(/^\d{1,12}(\.\d{1,8})?$/, { message: 'price must be a positive decimal string with at most 8 decimals' })
  price: string;
}

export class PageQuery {
  @ApiPropertyOptional({ default: 50, maximum: 500 })
  @IsOptional()
  @Transform(({ value }) => (value === undefined ? value : Number(value)))
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;

  @ApiPropertyOptional({ default: 0 })
  @IsOptional()
  @Transform(({ value }) => (value === undefined ? value : Number(value)))
  @IsInt()
  @Min(0)
  offset?: number;
}

export class AgentListQuery extends PageQuery {
  @ApiPropertyOptional({ enum: ['DRAFT', 'ACTIVE', 'PAUSED', 'STOPPED'] }) @IsOptional() @IsIn(['DRAFT', 'ACTIVE', 'PAUSED', 'STOPPED']) status?: string;
  @ApiPropertyOptional() @IsOptional() @Transform(({ value }) => normaliseWallet(value)) @IsString() @Matches(WALLET) creator_wallet?: string;
}

export class PositionListQuery extends PageQuery {
  @ApiPropertyOptional() @IsOptional() @IsUUID('all') deployment_id?: string;
  @ApiPropertyOptional() @IsOptional() @IsUUID('all') agent_id?: string;
  @ApiPropertyOptional() @IsOptional() @IsUUID('all') signal_id?: string;
  @ApiPropertyOptional({ enum: ['OPEN', 'CLOSED'] }) @IsOptional() @IsIn(['OPEN', 'CLOSED']) status?: string;
}

export class RoutingHistoryQuery extends PageQuery {
  @ApiPropertyOptional({ enum: VENUE_V3 }) @IsOptional() @IsIn(VENUE_V3) venue?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Matches(TOKEN_SYMBOL) token_symbol?: string;
}

export class BillingQuery extends PageQuery {
  @ApiPropertyOptional() @IsOptional() @IsUUID('all') deployment_id?: string;
  @ApiPropertyOptional() @IsOptional() @IsUUID('all') agent_id?: string;
}

export class DeploymentListQuery extends PageQuery {
  @ApiPropertyOptional() @IsOptional() @IsUUID('all') agent_id?: string;
  @ApiPropertyOptional() @IsOptional() @Transform(({ value }) => normaliseWallet(value)) @IsString() @Matches(WALLET) user_wallet?: string;
}
