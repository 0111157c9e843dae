import { Body, Controller, Get, Put, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { SignedIn, WalletAuth } from '../auth/auth.decorators';
import { TraceId } from '../common/trace';
import { NotificationQuery, NotificationSettingsDto } from './notifications.dto';
import { NotificationsService } from './notifications.service';

@ApiTags('notifications')
@Controller('api/v3/notifications')
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Get('settings')
  @WalletAuth()
  @ApiOperation({ summary: "The signed-in wallet's notification settings: events and channels (the webhook secret is never returned)" })
  settings(@SignedIn() wallet: string) {
    return this.notifications.settings(wallet);
  }

  @Put('settings')
  @WalletAuth()
  @ApiOperation({ summary: "Replace the signed-in wallet's notification settings; a webhook secret left out keeps the stored one" })
  put(@Body() dto: NotificationSettingsDto, @SignedIn() wallet: string, @TraceId() traceId: string) {
    return this.notifications.putSettings(wallet, dto, traceId);
  }

  @Get()
  @WalletAuth()
  @ApiOperation({ summary: "The signed-in wallet's notifications, newest first, each with its deliveries' statuses" })
  list(@Query() q: NotificationQuery, @SignedIn() wallet: string) {
    return this.notifications.list(wallet, q);
  }
}
