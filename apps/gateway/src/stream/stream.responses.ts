import { ApiProperty } from '@nestjs/swagger';

/** The data of a `position.opened` or `position.closed` event of GET /api/v3/stream. */
export class StreamPositionEvent {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) deployment_id: string;
  @ApiProperty() token_symbol: string;
  @ApiProperty({ enum: ['LONG', 'SHORT'] }) side: string;
  @ApiProperty({ enum: ['OPEN', 'CLOSED'] }) status: string;
}

/** The data of a `notification` event of GET /api/v3/stream: a notification written for the wallet. */
export class StreamNotificationEvent {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() event_type: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) deployment_id: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) position_id: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) billing_event_id: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true }) payload: Record<string, unknown>;
  @ApiProperty({ format: 'date-time' }) created_at: string;
}
