import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import {
  Policy,
  policyErrors,
  riskModelErrors,
  shortTakeProfitErrors,
  RISK_TOLERANCES,
  ROUTING_STRATEGIES,
  sizeModelErrors,
  SIDES,
  TOKEN_SYMBOL,
  VENUES,
} from '@conduit/domain';
import { VENUE_V3 } from '@conduit/db';
import { IsoTime, normaliseWallet, Optional, Satisfies, toInteger, WALLET } from '../http/validation';

const walletMessage = (field: string) => ({
  message: `${field} must be a wallet address (0x + 40 hex digits, EIP-55 checksummed if mixed case)`,
});
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
  @Optional()
  @IsIn(VENUE_V3)
  venue?: string;

  @ApiPropertyOptional({ type: [String], example: ['123456789'] })
  @Optional()
  @IsArray()
  @ArrayMaxSize(200)
  @IsString({ each: true })
  @Length(1, 64, { each: true })
  x_account_ids?: string[];

  @ApiPropertyOptional({ type: [String], example: [] })
  @Optional()
  @IsArray()
  @ArrayMaxSize(200)
  @IsString({ each: true })
  @Length(1, 64, { each: true })
  research_institute_ids?: string[];

  @ApiPropertyOptional({ example: { x: 1.0, research: 0 } })
  @Optional()
  @Satisfies(weightsErrors)
  weights?: Record<string, number>;

  @ApiProperty({ example: '0x1111111111111111111111111111111111111111' })
  @Transform(({ value }) => normaliseWallet(value))
  @IsString()
  @Matches(WALLET, walletMessage('profit_receiver_address'))
  profit_receiver_address: string;

  @ApiProperty({ description: 'exactly proofOfIntentMessage({ creatorWallet, name, timestamp }) (libs/domain/src/auth.ts)' })
  @IsString()
  @MaxLength(4000)
  proof_of_intent_message: string;

  @ApiProperty({ description: "creator_wallet's EIP-191 signature of proof_of_intent_message" })
  @IsString()
  @Matches(/^0x[0-9a-fA-F]{130}$/, { message: 'proof_of_intent_signature must be a 65-byte hex signature (0x + 130 hex digits)' })
  proof_of_intent_signature: string;

  @ApiProperty({ description: 'ISO-8601, within PROOF_OF_INTENT_MAX_AGE_S of now' })
  @IsString()
  @IsoTime(/^\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:?\d{2})$/, 'proof_of_intent_timestamp must be an ISO-8601 timestamp')
  proof_of_intent_timestamp: string;

  @ApiPropertyOptional({
    description: "the agent's own limits (Agent How); every deployment's policy is combined with it, the stricter wins",
  })
  @Optional()
  @Satisfies((v) => policyErrors(v, 'policy'))
  policy?: Policy;
}

export class DeployAgentDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID('all', { message: 'agent_id must be a UUID' }) agent_id: string;

  @ApiProperty({ example: '0x2222222222222222222222222222222222222222' })
  @Transform(({ value }) => normaliseWallet(value))
  @IsString()
  @Matches(WALLET, walletMessage('user_wallet'))
  user_wallet: string;

  @ApiPropertyOptional()
  @Optional()
  @Transform(({ value }) => normaliseWallet(value))
  @IsString()
  @Matches(WALLET, walletMessage('safe_wallet'))
  safe_wallet?: string;

  @ApiPropertyOptional({ enum: ['paper', 'live'], default: 'paper' })
  @Optional()
  @IsIn(['paper', 'live'], { message: 'trading_mode must be paper or live' })
  trading_mode?: 'paper' | 'live';

  @ApiPropertyOptional({ description: "the subscriber's policy (Agent How)", example: { max_leverage: 3, denied_tokens: ['DOGE'] } })
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
  @ApiPropertyOptional({ example: 'MANUAL' }) @Optional() @IsString() @Length(1, 64) reason?: string;
}

export class PaperMarkDto {
  @ApiProperty({ enum: ['HYPERLIQUID', 'OSTIUM'] }) @IsIn(['HYPERLIQUID', 'OSTIUM']) venue: string;
  @ApiProperty({ example: 'ETH' })
  @IsString()
  @Matches(TOKEN_SYMBOL, { message: 'token_symbol must be 1-20 letters or digits' })
  token_symbol: string;
  @ApiProperty({ example: '1950.5', description: 'decimal string' })
  @IsString()
  @Matches(/^(?!0+(\.0+)?$)\d{1,12}(\.\d{1,8})?$/, { message: 'price must be a positive decimal string with at most 8 decimals' })
  price: string;
}

export class PageQuery {
  @ApiPropertyOptional({ default: 50, maximum: 500 })
  @Optional()
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;

  @ApiPropertyOptional({ default: 0 })
  @Optional()
  @Transform(toInteger)
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  offset?: number;
}

export class AgentListQuery extends PageQuery {
  @ApiPropertyOptional({ enum: ['DRAFT', 'ACTIVE', 'PAUSED', 'STOPPED'] })
  @Optional()
  @IsIn(['DRAFT', 'ACTIVE', 'PAUSED', 'STOPPED'])
  status?: string;
  @ApiPropertyOptional() @Optional() @Transform(({ value }) => normaliseWallet(value)) @IsString() @Matches(WALLET) creator_wallet?: string;
}

export class PositionListQuery extends PageQuery {
  @ApiPropertyOptional() @Optional() @IsUUID('all') deployment_id?: string;
  @ApiPropertyOptional() @Optional() @IsUUID('all') agent_id?: string;
  @ApiPropertyOptional() @Optional() @IsUUID('all') signal_id?: string;
  @ApiPropertyOptional({ enum: ['OPEN', 'CLOSED'] }) @Optional() @IsIn(['OPEN', 'CLOSED']) status?: string;
}

export class RoutingHistoryQuery extends PageQuery {
  @ApiPropertyOptional({ enum: VENUE_V3 }) @Optional() @IsIn(VENUE_V3) venue?: string;
  @ApiPropertyOptional() @Optional() @IsString() @Matches(TOKEN_SYMBOL) token_symbol?: string;
  @ApiPropertyOptional() @Optional() @IsUUID('all', { message: 'agent_id must be a UUID' }) agent_id?: string;
  @ApiPropertyOptional({ description: 'ISO-8601, inclusive' })
  @Optional()
  @IsString()
  @IsoTime(/^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2}))?$/, 'from must be an ISO-8601 date or timestamp')
  from?: string;
  @ApiPropertyOptional({ description: 'ISO-8601, exclusive' })
  @Optional()
  @IsString()
  @IsoTime(/^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2}))?$/, 'to must be an ISO-8601 date or timestamp')
  to?: string;
}

export class BillingQuery extends PageQuery {
  @ApiPropertyOptional() @Optional() @IsUUID('all') deployment_id?: string;
  @ApiPropertyOptional() @Optional() @IsUUID('all') agent_id?: string;
  @ApiPropertyOptional({ description: 'every agent of this creator' })
  @Optional()
  @Transform(({ value }) => normaliseWallet(value))
  @IsString()
  @Matches(WALLET, walletMessage('creator_wallet'))
  creator_wallet?: string;
  @ApiPropertyOptional({ enum: ['SUBSCRIPTION', 'PROFIT_SHARE'] }) @Optional() @IsIn(['SUBSCRIPTION', 'PROFIT_SHARE']) kind?: string;
}

export class DeploymentListQuery extends PageQuery {
  @ApiPropertyOptional() @Optional() @IsUUID('all') agent_id?: string;
  @ApiPropertyOptional() @Optional() @Transform(({ value }) => normaliseWallet(value)) @IsString() @Matches(WALLET) user_wallet?: string;
}

// ---- Agent What: sources --------------------------------------------------------------------------------------

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})$/;

export class PostDto {
  @ApiProperty({ example: '1850000000000000001', description: 'X post id (decimal string)' })
  @IsString()
  @Matches(/^\d{1,25}$/, { message: 'tweet_id must be a decimal X post id' })
  tweet_id: string;

  @ApiProperty({ example: 'cryptotrader' })
  @Transform(({ value }) => (typeof value === 'string' ? value.replace(/^@/, '').toLowerCase() : value))
  @IsString()
  @Matches(/^[a-z0-9_]{1,15}$/, { message: 'x_username must be an X handle (1-15 letters, digits or _)' })
  x_username: string;

  @ApiPropertyOptional({ example: '123456789' })
  @Optional()
  @IsString()
  @Matches(/^\d{1,25}$/, { message: 'x_user_id must be a decimal X user id' })
  x_user_id?: string;

  @ApiProperty({ example: '$ETH breaking out, longing here. Bullish.' })
  @IsString()
  @Length(1, 10000, { message: 'text must be 1-10000 characters' })
  text: string;

  @ApiPropertyOptional({ description: 'ISO-8601; the post time (default: now)' })
  @Optional()
  @IsString()
  @IsoTime(ISO_TIME, 'created_at must be an ISO-8601 timestamp')
  created_at?: string;
}

export class IngestPostsDto {
  @ApiProperty({ type: [PostDto] })
  @IsArray({ message: 'posts must be an array' })
  @ArrayMinSize(1, { message: 'posts must hold 1-100 posts' })
  @ArrayMaxSize(100, { message: 'posts must hold 1-100 posts' })
  @ArrayUnique((p: PostDto | null) => p?.tweet_id ?? p, { message: 'posts must not repeat a tweet_id' })
  @ValidateNested({ each: true })
  @Type(() => PostDto)
  posts: PostDto[];
}

export class ResearchNoteDto {
  @ApiProperty({ example: 'Delphi Digital' })
  @IsString()
  @Length(1, 100, { message: 'institute must be 1-100 characters' })
  institute: string;
  @ApiProperty({ example: 'note-2026-11-22-eth' })
  @IsString()
  @Length(1, 128, { message: 'source_id must be 1-128 characters' })
  source_id: string;
  @ApiProperty({ example: 'ETH' })
  @IsString()
  @Matches(TOKEN_SYMBOL, { message: 'token_symbol must be 1-20 letters or digits' })
  token_symbol: string;
  @ApiProperty({ enum: SIDES })
  @Transform(({ value }) => (typeof value === 'string' ? value.toUpperCase() : value))
  @IsIn(SIDES, { message: `side must be one of ${SIDES.join(', ')}` })
  side: 'LONG' | 'SHORT';
  @ApiPropertyOptional() @Optional() @IsInt({ message: 'leverage must be an integer' }) @Min(1) @Max(100) leverage?: number;
  @ApiPropertyOptional({ minimum: 0, maximum: 1 })
  @Optional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1)
  confidence?: number;
  @ApiPropertyOptional() @Optional() @IsString() @MaxLength(20000) text?: string;
  @ApiPropertyOptional({ description: 'ISO-8601 (default: now)' })
  @Optional()
  @IsString()
  @IsoTime(ISO_TIME, 'signal_time must be an ISO-8601 timestamp')
  signal_time?: string;
}

export class IngestResearchDto {
  @ApiProperty({ type: [ResearchNoteDto] })
  @IsArray({ message: 'notes must be an array' })
  @ArrayMinSize(1, { message: 'notes must hold 1-100 notes' })
  @ArrayMaxSize(100, { message: 'notes must hold 1-100 notes' })
  @ArrayUnique((n: ResearchNoteDto | null) => (n ? `${n.institute}\n${n.source_id}` : n), {
    message: 'notes must not repeat an institute and source_id',
  })
  @ValidateNested({ each: true })
  @Type(() => ResearchNoteDto)
  notes: ResearchNoteDto[];
}

const indicatorErrors = (v: unknown, field: string): string[] => {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return [`${field} must be an object of name → number`];
  const entries = Object.entries(v as Record<string, unknown>);
  if (entries.length > 50) return [`${field} may hold at most 50 indicators`];
  return entries.filter(([, x]) => typeof x !== 'number' || !Number.isFinite(x)).map(([k]) => `${field}.${k} must be a finite number`);
};

export class IndicatorWindowDto {
  @ApiProperty({ example: 'ETH' })
  @IsString()
  @Matches(TOKEN_SYMBOL, { message: 'token_symbol must be 1-20 letters or digits' })
  token_symbol: string;
  @ApiProperty({ example: '2026-11-22T06:00:00Z', description: 'start of a 6-hour UTC window (00, 06, 12 or 18 h)' })
  @IsString()
  @IsoTime(
    /^\d{4}-\d{2}-\d{2}T(00|06|12|18):00(:00(\.0{1,6})?)?(Z|\+00:?00)$/,
    'window_start must be a 6-hour UTC boundary (00, 06, 12 or 18 h)',
  )
  window_start: string;
  @ApiProperty({ example: { volatility_24h: 0.035, ret_6h: 0.012 } }) @Satisfies(indicatorErrors) indicators: Record<string, number>;
}

export class IngestIndicatorsDto {
  @ApiProperty({ type: [IndicatorWindowDto] })
  @IsArray({ message: 'windows must be an array' })
  @ArrayMinSize(1, { message: 'windows must hold 1-500 windows' })
  @ArrayMaxSize(500, { message: 'windows must hold 1-500 windows' })
  @ArrayUnique((w: IndicatorWindowDto | null) => (w ? `${String(w.token_symbol).toUpperCase()}\n${Date.parse(w.window_start)}` : w), {
    message: 'windows must not repeat a token_symbol and window_start',
  })
  @ValidateNested({ each: true })
  @Type(() => IndicatorWindowDto)
  windows: IndicatorWindowDto[];
}

export class DecisionLogQuery extends PageQuery {
  @ApiPropertyOptional({ enum: ['success', 'failed', 'parsing_error'] })
  @Optional()
  @IsIn(['success', 'failed', 'parsing_error'])
  status?: string;
  @ApiPropertyOptional({ enum: ['OPEN_LONG', 'OPEN_SHORT', 'CLOSE_POSITION', 'HOLD'] })
  @Optional()
  @IsIn(['OPEN_LONG', 'OPEN_SHORT', 'CLOSE_POSITION', 'HOLD'])
  action?: string;
  @ApiPropertyOptional() @Optional() @IsString() @Matches(/^[A-Za-z0-9]{1,20}$/) coin?: string;
  @ApiPropertyOptional({ enum: ['ct_post', 'research', 'aggregate'] })
  @Optional()
  @IsIn(['ct_post', 'research', 'aggregate'])
  source_type?: string;
}

// ---- Agent How and Agent Where: policies and routing ------------------------------------------------------------

const policyField = (v: unknown, f: string) => policyErrors({ [f]: v }, 'policy').map((m) => m.replace(/^policy\./, ''));

/** A policy (the agent's limits or a subscriber's); every field optional, the whole policy replaced on PUT. */
export class PolicyDto {
  @ApiPropertyOptional({ enum: RISK_TOLERANCES }) @Optional() @Satisfies(policyField) risk_tolerance?: string;
  @ApiPropertyOptional({ minimum: 1, maximum: 100 }) @Optional() @Satisfies(policyField) max_leverage?: number;
  @ApiPropertyOptional({ description: 'margin of one position, % of equity (0, 100]' })
  @Optional()
  @Satisfies(policyField)
  max_position_pct?: number | string;
  @ApiPropertyOptional({ minimum: 0, maximum: 1 }) @Optional() @Satisfies(policyField) min_confidence?: number;
  @ApiPropertyOptional({ type: [String] }) @Optional() @Satisfies(policyField) allowed_tokens?: string[];
  @ApiPropertyOptional({ type: [String] }) @Optional() @Satisfies(policyField) denied_tokens?: string[];
  @ApiPropertyOptional() @Optional() @Satisfies(policyField) max_open_positions?: number;
  @ApiPropertyOptional({ description: 'USD; halts new entries until 00:00 UTC' }) @Optional() @Satisfies(policyField) max_daily_loss_usd?:
    number | string;
  @ApiPropertyOptional({ example: { after_losses: 3, minutes: 60 } }) @Optional() @Satisfies(policyField) cooldown?: {
    after_losses: number;
    minutes: number;
  };
  @ApiPropertyOptional({ type: [String], example: ['HYPERLIQUID'] }) @Optional() @Satisfies(policyField) enabled_venues?: string[];
  @ApiPropertyOptional() @Optional() @Satisfies(policyField) kill_switch?: boolean;
}

export class KillSwitchDto {
  @ApiProperty() @IsBoolean({ message: 'enabled must be true or false' }) enabled: boolean;
}

export class RoutingConfigDto {
  @ApiProperty({ type: [String], example: ['HYPERLIQUID', 'OSTIUM'] })
  @IsArray({ message: 'venue_priority must be a list of venues' })
  @ArrayMinSize(1, { message: 'venue_priority must name at least one venue' })
  @ArrayMaxSize(4)
  @ArrayUnique({ message: 'venue_priority must not repeat a venue' })
  @IsIn(VENUES, { each: true, message: `venue_priority must hold only ${VENUES.join(', ')}` })
  venue_priority: string[];

  @ApiPropertyOptional({ enum: ROUTING_STRATEGIES, default: 'FIRST_AVAILABLE' })
  @Optional()
  @IsIn(ROUTING_STRATEGIES, { message: `routing_strategy must be one of ${ROUTING_STRATEGIES.join(', ')}` })
  routing_strategy?: string;

  @ApiPropertyOptional({ default: true })
  @Optional()
  @IsBoolean({ message: 'failover_enabled must be true or false' })
  failover_enabled?: boolean;
}

export class PolicyDecisionQuery extends PageQuery {
  @ApiPropertyOptional({ enum: ['TRADE', 'SKIP'] }) @Optional() @IsIn(['TRADE', 'SKIP']) decision?: string;
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

export class AuditQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'every audited action of one trace: the HTTP call and the jobs it led to' })
  @Optional()
  @IsString()
  @Matches(/^[A-Za-z0-9._:-]{8,128}$/, { message: 'trace_id must be 8-128 letters, digits or . _ : -' })
  trace_id?: string;

  @ApiPropertyOptional({ example: 'deployment' }) @Optional() @IsString() @Length(1, 50) subject_type?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @Optional() @IsUUID('all', { message: 'subject_id must be a UUID' }) subject_id?: string;
  @ApiPropertyOptional({ example: 'v3.position.opened' }) @Optional() @IsString() @Length(1, 100) event_name?: string;
}
