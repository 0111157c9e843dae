import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsInt,
  IsNumber,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { SIDES } from '@conduit/domain';
import { PageQuery } from '../common/page.dto';
import { IsoTime, Optional, Satisfies, Side, TokenSymbol } from '../common/validation';

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
  @TokenSymbol()
  token_symbol: string;
  @ApiProperty({ enum: SIDES })
  @Side()
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
  @TokenSymbol()
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
