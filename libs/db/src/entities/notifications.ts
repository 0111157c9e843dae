import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import type { NotificationChannel, NotificationEvent, DeliveryStatus, RecipientType } from '../notifications';

// Notifications (migration 1732200019000, docs/NOTIFICATIONS.md): settings per recipient, the outbox, deliveries.

@Entity('notification_settings')
export class NotificationSetting {
  @PrimaryColumn('text') subjectType: RecipientType;
  @PrimaryColumn('text') subjectId: string;
  @Column('text', { array: true, default: () => "'{}'" }) events: NotificationEvent[];
  @Column('text', { array: true, default: () => "'{}'" }) channels: NotificationChannel[];
  @Column('text', { nullable: true }) webhookUrl: string | null;
  @Column('text', { nullable: true }) webhookSecretEncrypted: string | null;
  @Column('text', { nullable: true }) webhookSecretIv: string | null;
  @Column('text', { nullable: true }) webhookSecretTag: string | null;
  @Column('text', { nullable: true }) telegramChatId: string | null;
  @Column('text', { nullable: true }) email: string | null;
  @Column('timestamptz', { default: () => 'now()' }) createdAt: Date;
  @Column('timestamptz', { default: () => 'now()' }) updatedAt: Date;
}

@Entity('notifications')
export class Notification {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('text') eventType: NotificationEvent;
  @Column('text') eventKey: string;
  @Column('text') recipientType: RecipientType;
  @Column('text') recipientId: string;
  @Column('uuid', { nullable: true }) deploymentId: string | null;
  @Column('uuid', { nullable: true }) positionId: string | null;
  @Column('uuid', { nullable: true }) billingEventId: string | null;
  @Column('uuid', { nullable: true }) agentId: string | null;
  @Column('jsonb', { default: () => "'{}'" }) payload: Record<string, unknown>;
  @Column('timestamptz', { default: () => 'now()' }) createdAt: Date;
  @Column('timestamptz', { nullable: true }) fannedOutAt: Date | null;
}

@Entity('notification_deliveries')
export class NotificationDelivery {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') notificationId: string;
  @Column('text') channel: NotificationChannel;
  @Column('text', { default: 'pending' }) status: DeliveryStatus;
  @Column('integer', { default: 0 }) attempts: number;
  @Column('timestamptz', { default: () => 'now()' }) nextAttemptAt: Date;
  @Column('timestamptz', { nullable: true }) claimedAt: Date | null;
  @Column('text', { nullable: true }) lastError: string | null;
  @Column('timestamptz', { nullable: true }) sentAt: Date | null;
  @Column('timestamptz', { default: () => 'now()' }) createdAt: Date;
}
