import { ApiProperty } from '@nestjs/swagger';
import { NOTIFICATION_CHANNELS, NOTIFICATION_EVENTS } from '@conduit/db';

export class WebhookChannelView {
  @ApiProperty() enabled: boolean;
  @ApiProperty({ nullable: true, type: String }) url: string | null;
  @ApiProperty({ description: 'whether a signing secret is stored (the secret itself is never returned)' }) secret_set: boolean;
}

export class TelegramChannelView {
  @ApiProperty() enabled: boolean;
  @ApiProperty({ nullable: true, type: String }) chat_id: string | null;
}

export class EmailChannelView {
  @ApiProperty() enabled: boolean;
  @ApiProperty({ nullable: true, type: String }) address: string | null;
}

export class NotificationChannelsView {
  @ApiProperty({ type: WebhookChannelView }) webhook: WebhookChannelView;
  @ApiProperty({ type: TelegramChannelView }) telegram: TelegramChannelView;
  @ApiProperty({ type: EmailChannelView }) email: EmailChannelView;
}

export class NotificationSettingsView {
  @ApiProperty({ enum: NOTIFICATION_EVENTS, isArray: true }) events: string[];
  @ApiProperty({ type: NotificationChannelsView }) channels: NotificationChannelsView;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) updated_at: string | null;
}

export class NotificationsAvailable {
  @ApiProperty({ enum: NOTIFICATION_EVENTS, isArray: true }) events: string[];
  @ApiProperty({ enum: NOTIFICATION_CHANNELS, isArray: true }) channels: string[];
}

/** GET|PUT /api/v3/notifications/settings */
export class NotificationSettingsResponse {
  @ApiProperty() success: boolean;
  @ApiProperty({ type: NotificationSettingsView }) settings: NotificationSettingsView;
  @ApiProperty({ type: NotificationsAvailable, description: 'every event and channel one may choose' }) available: NotificationsAvailable;
}
