import { Body, Controller, Get, Put, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentOperator, OperatorPrincipal, OperatorSignedIn, SignedIn } from '../auth/auth.decorators';
import { TraceId } from '../common/trace';
import { NotificationQuery, NotificationSettingsDto } from './notifications.dto';
import { NotificationSettingsResponse } from './notifications.responses';
import { NotificationsService, Recipient } from './notifications.service';

const wallet = (id: string): Recipient => ({ type: 'wallet', id });
const operator = (op: OperatorPrincipal): Recipient => ({ type: 'user', id: op.id });

/** A wallet's notifications. */
@ApiTags('notifications')
@Controller('api/v3/notifications')
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Get('settings')
  @ApiOkResponse({ type: NotificationSettingsResponse })
  @ApiOperation({ summary: "The signed-in wallet's notification settings: events and channels (the webhook secret is never returned)" })
  settings(@SignedIn() signedIn: string) {
    return this.notifications.settings(wallet(signedIn));
  }

  @Put('settings')
  @ApiOkResponse({ type: NotificationSettingsResponse })
  @ApiOperation({ summary: "Replace the signed-in wallet's notification settings; a webhook secret left out keeps the stored one" })
  put(@Body() dto: NotificationSettingsDto, @SignedIn() signedIn: string, @TraceId() traceId: string) {
    return this.notifications.putSettings(wallet(signedIn), dto, traceId);
  }

  @Get()
  @ApiOperation({ summary: "The signed-in wallet's notifications, newest first, each with its deliveries' statuses" })
  list(@Query() q: NotificationQuery, @SignedIn() signedIn: string) {
    return this.notifications.list(wallet(signedIn), q);
  }
}

/** An operator's own notifications: the same settings, events and channels, for the signed-in operator (users.id). */
@ApiTags('operators')
@Controller('api/v3/operators/me/notifications')
export class OperatorNotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Get('settings')
  @OperatorSignedIn()
  @ApiOperation({ summary: "The signed-in operator's notification settings (the webhook secret is never returned)" })
  settings(@CurrentOperator() op: OperatorPrincipal) {
    return this.notifications.settings(operator(op));
  }

  @Put('settings')
  @OperatorSignedIn()
  @ApiOperation({ summary: "Replace the signed-in operator's notification settings; a webhook secret left out keeps the stored one" })
  put(@Body() dto: NotificationSettingsDto, @CurrentOperator() op: OperatorPrincipal, @TraceId() traceId: string) {
    return this.notifications.putSettings(operator(op), dto, traceId);
  }

  @Get()
  @OperatorSignedIn()
  @ApiOperation({ summary: "The signed-in operator's notifications, newest first, each with its deliveries' statuses" })
  list(@Query() q: NotificationQuery, @CurrentOperator() op: OperatorPrincipal) {
    return this.notifications.list(operator(op), q);
  }
}
