import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsString, Length, Matches, MaxLength } from 'class-validator';
import { Policy, policyErrors } from '@conduit/domain';
import { VENUE_V3 } from '@conduit/db';
import { PageQuery } from '../common/page.dto';
import { IsoTime, normaliseWallet, Optional, Satisfies, WALLET, WalletField } from '../common/validation';

const weightsErrors = (v: unknown, field: string): string[] => {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return [`${field} must be an object of source → weight`];
  return Object.entries(v as Record<string, unknown>)
    .filter(([, w]) => typeof w !== 'number' || !Number.isFinite(w) || w < 0 || w > 1)
    .map(([k]) => `${field}.${k} must be a number from 0 to 1`);
};

export class CreateAgentDto {
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
}

export class AgentListQuery extends PageQuery {
  @ApiPropertyOptional({ enum: ['DRAFT', 'ACTIVE', 'PAUSED', 'STOPPED'] })
  @Optional()
  @IsIn(['DRAFT', 'ACTIVE', 'PAUSED', 'STOPPED'])
  status?: string;
  @ApiPropertyOptional() @Optional() @Transform(({ value }) => normaliseWallet(value)) @IsString() @Matches(WALLET) creator_wallet?: string;
}
