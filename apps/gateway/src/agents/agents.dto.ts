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

  @ApiPropertyOptional({ example: 'Trend following on 4h momentum' })
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

  @ApiPropertyOptional({ example: { x: 1.0, research: 0 } })
  @Optional()
  @Satisfies(weightsErrors)
  weights?: Record<string, number>;

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
