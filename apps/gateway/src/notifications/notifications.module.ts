import { Module } from '@nestjs/common';
import { CommonModule } from '../common/common.module';
import { NotificationsController, OperatorNotificationsController } from './notifications.controller';
import { NotificationsService } from './notifications.service';

/** Notifications: a wallet's or an operator's settings (events, channels) and its notifications with their deliveries. */
@Module({
  imports: [CommonModule],
  controllers: [NotificationsController, OperatorNotificationsController],
  providers: [NotificationsService],
})
export class NotificationsModule {}
