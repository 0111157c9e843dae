import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { applyDecorators } from '@nestjs/common';
import { ArrayMaxSize, IsArray, IsIn, IsString, Length, Matches, MaxLength, ValidateIf } from 'class-validator';
import { Policy, policyErrors, TRADER_DEFAULTS, traderFieldErrors, TraderSettings } from '@conduit/domain';
import { AGENT_KIND, AgentKind } from '@conduit/db';
import { VENUE_V3 } from '@conduit/db';
import { PageQuery } from '../common/page.dto';
import { IsoTime, normaliseWallet, Optional, Satisfies, WALLET, WalletField } from '../common/validation';

const weightsErrors = (v: unknown, field: string): string[] => {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return [`${field} must be an object of source → weight`];
  return Object.entries(v as Record<string, unknown>)
    .filter(([, w]) => typeof w !== 'number' || !Number.isFinite(w) || w < 0 || w > 1)
    .map(([k]) => `${field}.${k} must be a number from 0 to 1`);
};

const isTrader = (o: Record<string, unknown>) => o.kind === 'llm_trader';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const MAX_FOLLOWED_WALLETS = 100;

/** Followed wallets: watched wallets' ids or addresses (any address: one not watched yet may be later). */
const walletIdsErrors = (v: unknown, field: string): string[] => {
  if (!Array.isArray(v)) return [`${field} must be an array of wallet ids or addresses`];
  if (v.length > MAX_FOLLOWED_WALLETS) return [`${field} must name at most ${MAX_FOLLOWED_WALLETS} wallets`];
  return v.every((x) => typeof x === 'string' && (UUID.test(x) || WALLET.test(x)))
    ? []
    : [`${field} must be wallet ids (UUID) or addresses (0x + 40 hex digits, EIP-55 checksummed if mixed case)`];
};
const walletTopNErrors = (v: unknown, field: string): string[] =>
  Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 100 ? [] : [`${field} must be an integer from 1 to 100`];
/** DECIMAL(4, 3), 0 < x ≤ 1: a number or a decimal string with at most 3 places. */
const biasThresholdErrors = (v: unknown, field: string): string[] => {
  const text = typeof v === 'number' && Number.isFinite(v) ? String(v) : typeof v === 'string' ? v : null;
  const ok = text !== null && /^(0(\.\d{1,3})?|1(\.0{1,3})?|\.\d{1,3})$/.test(text) && Number(text) > 0;
  return ok ? [] : [`${field} must be a decimal above 0 and at most 1, with at most 3 places`];
};
/** Ids and addresses lower case (an address with a bad checksum stays as given, and is refused). */
const normaliseWalletIds = ({ value }: { value: unknown }) =>
  Array.isArray(value)
    ? value.map((x) => (typeof x === 'string' && UUID.test(x.toLowerCase()) ? x.toLowerCase() : normaliseWallet(x)))
    : value;

/** A following field of a signal agent; on an llm_trader it is refused naming it. */
const FollowingField = (check: (v: unknown, field: string) => string[], nullable: boolean): PropertyDecorator =>
  applyDecorators(
    ValidateIf((_: object, v: unknown) => v !== undefined && !(nullable && v === null)),
    Satisfies((v, field, o) => (isTrader(o) ? [`${field} is only for kind signal`] : check(v, field))),
  );

/** An llm_trader's setting: checked on an llm_trader, refused naming the field on a signal agent. */
const TraderField = (field: keyof TraderSettings, required = false): PropertyDecorator =>
  applyDecorators(
    ValidateIf((o: Record<string, unknown>, v: unknown) => v !== undefined || (required && isTrader(o))),
    Satisfies((v, _, o) => {
      if (!isTrader(o)) return [`${field} is only for kind llm_trader`];
      return v === undefined ? [`${field} is required for kind llm_trader`] : traderFieldErrors(field, v);
    }),
  );

/** The settings an llm_trader's creator may change (PATCH /agents/:id); each optional. */
export class TraderSettingsDto {
  @ApiPropertyOptional({
    example: 'deepseek-chat',
    description: 'an OpenAI-compatible model name, or a built-in rules model (rules:momentum)',
  })
  @Optional()
  @Satisfies((v) => traderFieldErrors('llm_model', v))
  llm_model?: string;

  @ApiPropertyOptional({ example: 'paper' })
  @Optional()
  @Satisfies((v) => traderFieldErrors('exchange_account', v))
  exchange_account?: string;

  @ApiPropertyOptional({ example: '10000.00', description: "the book's starting equity (USD)" })
  @Optional()
  @Satisfies((v) => traderFieldErrors('initial_balance', v))
  initial_balance?: string;

  @ApiPropertyOptional({ example: '20.0', description: 'largest notional of one position, % of equity (0-100]' })
  @Optional()
  @Satisfies((v) => traderFieldErrors('max_position_size', v))
  max_position_size?: string;

  @ApiPropertyOptional({ example: 10, description: '1-50' })
  @Optional()
  @Satisfies((v) => traderFieldErrors('max_leverage', v))
  max_leverage?: number;

  @ApiPropertyOptional({ example: '2.0' })
  @Optional()
  @Satisfies((v) => traderFieldErrors('stop_loss_pct', v))
  stop_loss_pct?: string;

  @ApiPropertyOptional({ example: '5.0' })
  @Optional()
  @Satisfies((v) => traderFieldErrors('take_profit_pct', v))
  take_profit_pct?: string;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'Trend following on 4h momentum' })
  @Optional()
  @Satisfies((v) => traderFieldErrors('strategy_description', v))
  strategy_description?: string | null;

  @ApiPropertyOptional({ example: TRADER_DEFAULTS.coins })
  @Optional()
  @Satisfies((v) => traderFieldErrors('coins', v))
  coins?: string[];

  @ApiPropertyOptional({ example: 300, description: 'seconds between scheduled cycles (10-86400)' })
  @Optional()
  @Satisfies((v) => traderFieldErrors('cycle_interval_seconds', v))
  cycle_interval_seconds?: number;
}

/**
 * PATCH /agents/:id: an llm_trader's settings, or what a signal agent follows (issue 14); the service refuses the
 * other kind's fields, naming them. wallet_top_n and wallet_bias_threshold take null (stop following the top N, use
 * WALLET_BIAS_THRESHOLD); weights are merged into the stored ones.
 */
export class AgentSettingsDto extends TraderSettingsDto {
  @ApiPropertyOptional({
    type: [String],
    example: ['0x5b5d51203a0f9079f8aeb098a6523a13f298c060'],
    description: 'signal agent: watched wallets followed, by id or address (replaces the list; [] follows none)',
  })
  @Transform(normaliseWalletIds)
  @FollowingField(walletIdsErrors, false)
  wallet_ids?: string[];

  @ApiPropertyOptional({
    type: Number,
    example: 5,
    nullable: true,
    description: "signal agent: the watchlist's top N by 4h credibility (1-100)",
  })
  @FollowingField(walletTopNErrors, true)
  wallet_top_n?: number | null;

  @ApiPropertyOptional({
    oneOf: [{ type: 'string', nullable: true }, { type: 'number' }],
    example: '0.3',
    description: 'signal agent: |bias| that makes a signal (0 < x ≤ 1)',
  })
  @FollowingField(biasThresholdErrors, true)
  wallet_bias_threshold?: string | number | null;

  @ApiPropertyOptional({ example: { wallets: 0.5 }, description: 'signal agent: weights merged into the stored ones (0-1)' })
  @Optional()
  @Satisfies(weightsErrors)
  weights?: Record<string, number>;
}

export class CreateAgentDto {
  @ApiPropertyOptional({ enum: AGENT_KIND, default: 'signal', description: 'signal (posts, research) or llm_trader (seed 004)' })
  @Optional()
  @IsIn(AGENT_KIND, { message: `kind must be one of ${AGENT_KIND.join(', ')}` })
  kind?: AgentKind;

  @ApiProperty({ example: '0x1111111111111111111111111111111111111111' })
  @WalletField('creator_wallet')
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

  @ApiPropertyOptional({ example: { x: 1.0, research: 0, wallets: 1 }, description: 'weight of each source kind, 0-1 (default 1)' })
  @Optional()
  @Satisfies(weightsErrors)
  weights?: Record<string, number>;

  @ApiPropertyOptional({ type: [String], example: ['0x5b5d51203a0f9079f8aeb098a6523a13f298c060'] })
  @Transform(normaliseWalletIds)
  @FollowingField(walletIdsErrors, false)
  wallet_ids?: string[];

  @ApiPropertyOptional({ example: 5, description: "also follow the watchlist's top N wallets by latest 4h credibility (1-100)" })
  @FollowingField(walletTopNErrors, false)
  wallet_top_n?: number;

  @ApiPropertyOptional({
    oneOf: [{ type: 'string' }, { type: 'number' }],
    example: '0.3',
    description: '|bias| (0 < x ≤ 1) that makes a signal; default WALLET_BIAS_THRESHOLD',
  })
  @FollowingField(biasThresholdErrors, false)
  wallet_bias_threshold?: string | number;

  @ApiProperty({ example: '0x1111111111111111111111111111111111111111' })
  @WalletField('profit_receiver_address')
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

  @ApiPropertyOptional({ example: 'deepseek-chat', description: 'llm_trader: required' })
  @TraderField('llm_model', true)
  llm_model?: string;

  @ApiPropertyOptional({ example: '10000.00', description: 'llm_trader: required; the book starts from it (USD)' })
  @TraderField('initial_balance', true)
  initial_balance?: string;

  @ApiPropertyOptional({ example: 'paper' }) @TraderField('exchange_account') exchange_account?: string;
  @ApiPropertyOptional({ example: '20.0' }) @TraderField('max_position_size') max_position_size?: string;
  @ApiPropertyOptional({ example: 10 }) @TraderField('max_leverage') max_leverage?: number;
  @ApiPropertyOptional({ example: '2.0' }) @TraderField('stop_loss_pct') stop_loss_pct?: string;
  @ApiPropertyOptional({ example: '5.0' }) @TraderField('take_profit_pct') take_profit_pct?: string;
  @ApiPropertyOptional() @TraderField('strategy_description') strategy_description?: string | null;
  @ApiPropertyOptional({ example: TRADER_DEFAULTS.coins }) @TraderField('coins') coins?: string[];
  @ApiPropertyOptional({ example: 300 }) @TraderField('cycle_interval_seconds') cycle_interval_seconds?: number;
}

export class AgentListQuery extends PageQuery {
  @ApiPropertyOptional({ enum: ['DRAFT', 'ACTIVE', 'PAUSED', 'STOPPED'] })
  @Optional()
  @IsIn(['DRAFT', 'ACTIVE', 'PAUSED', 'STOPPED'])
  status?: string;
  @ApiPropertyOptional() @Optional() @Transform(({ value }) => normaliseWallet(value)) @IsString() @Matches(WALLET) creator_wallet?: string;
}
