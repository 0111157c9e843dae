import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsEmail,
  IsIn,
  IsObject,
  IsString,
  IsUrl,
  Length,
  Matches,
  ValidateNested,
} from 'class-validator';
import { NOTIFICATION_EVENTS } from '@conduit/db';
import { PageQuery } from '../common/page.dto';
import { Optional, Satisfies } from '../common/validation';

const knownEvents = (value: unknown, field: string): string[] => {
  if (!Array.isArray(value)) return [];
  const unknown = value.filter((e) => !(NOTIFICATION_EVENTS as readonly unknown[]).includes(e));
  const repeated = value.filter((e, i) => value.indexOf(e) !== i);
  return [
    ...(unknown.length
      ? [`${field} has unknown events ${unknown.map((e) => JSON.stringify(e)).join(', ')} (known: ${NOTIFICATION_EVENTS.join(', ')})`]
      : []),
    ...(repeated.length ? [`${field} must not repeat an event`] : []),
  ];
};

export class WebhookChannelDto {
  @ApiProperty() @IsBoolean({ message: 'channels.webhook.enabled must be a boolean' }) enabled: boolean;
  @ApiProperty({ example: 'https://example.com/conduit-hook' })
  @IsUrl(
    { protocols: ['http', 'https'], require_protocol: true, require_tld: false },
    { message: 'channels.webhook.url must be an http(s) URL' },
  )
  @Length(1, 2000, { message: 'channels.webhook.url must be 1-2000 characters' })
  url: string;
  @ApiPropertyOptional({
    description: 'HMAC-SHA256 key of X-Conduit-Signature (16-256 characters); write-only, sealed at rest; left out: the stored one is kept',
  })
  @Optional()
  @IsString({ message: 'channels.webhook.secret must be a string' })
  @Length(16, 256, { message: 'channels.webhook.secret must be 16-256 characters' })
  secret?: string;
}

export class TelegramChannelDto {
  @ApiProperty() @IsBoolean({ message: 'channels.telegram.enabled must be a boolean' }) enabled: boolean;
  @ApiProperty({ example: '123456789', description: 'a chat id (digits, negative for groups) or @channelusername' })
  @IsString({ message: 'channels.telegram.chat_id must be a string' })
  @Matches(/^(-?\d{1,20}|@[A-Za-z][A-Za-z0-9_]{4,31})$/, { message: 'channels.telegram.chat_id must be a chat id or @channelusername' })
  chat_id: string;
}

export class EmailChannelDto {
  @ApiProperty() @IsBoolean({ message: 'channels.email.enabled must be a boolean' }) enabled: boolean;
  @ApiProperty({ example: 'me@example.com' })
  @IsEmail({}, { message: 'channels.email.address must be an email address' })
  @Length(3, 254, { message: 'channels.email.address must be 3-254 characters' })
  address: string;
}

/** The channels, by name; a channel left out is off. */
export class NotificationChannelsDto {
  @ApiPropertyOptional({ type: WebhookChannelDto })
  @Optional()
  @IsObject()
  @ValidateNested()
  @Type(() => WebhookChannelDto)
  webhook?: WebhookChannelDto;
  @ApiPropertyOptional({ type: TelegramChannelDto })
  @Optional()
  @IsObject()
  @ValidateNested()
  @Type(() => TelegramChannelDto)
  telegram?: TelegramChannelDto;
  @ApiPropertyOptional({ type: EmailChannelDto })
  @Optional()
  @IsObject()
  @ValidateNested()
  @Type(() => EmailChannelDto)
  email?: EmailChannelDto;
}

export class NotificationSettingsDto {
  @ApiProperty({ enum: NOTIFICATION_EVENTS, isArray: true, description: 'the events to be notified of' })
  @IsArray({ message: 'events must be an array' })
  @ArrayMaxSize(NOTIFICATION_EVENTS.length, { message: `events must hold at most ${NOTIFICATION_EVENTS.length} events` })
  @Satisfies(knownEvents)
  events: string[];
  @ApiProperty({ type: NotificationChannelsDto })
  @IsObject({ message: 'channels must be an object' })
  @ValidateNested()
  @Type(() => NotificationChannelsDto)
  channels: NotificationChannelsDto;
}

export class NotificationQuery extends PageQuery {
  @ApiPropertyOptional({ enum: NOTIFICATION_EVENTS })
  @Optional()
  @IsIn(NOTIFICATION_EVENTS, { message: `event_type must be one of ${NOTIFICATION_EVENTS.join(', ')}` })
  event_type?: string;
}
