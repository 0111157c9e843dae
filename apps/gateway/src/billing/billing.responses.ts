import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** A billing event: money as decimal strings. */
export class BillView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) position_id: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) deployment_id: string | null;
  @ApiProperty({ enum: ['SUBSCRIPTION', 'PROFIT_SHARE'] }) kind: string;
  @ApiProperty({ example: '12.50000000', description: 'decimal' }) amount: string;
  @ApiProperty({ nullable: true, type: String }) asset: string | null;
  @ApiProperty({ enum: ['PENDING', 'COLLECTED', 'FAILED'] }) status: string;
  @ApiProperty({ format: 'date-time' }) occurred_at: string;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true }) metadata: Record<string, unknown> | null;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) period_start: string | null;
}

/** A bill of the list, with its deployment's agent and that agent's creator. */
export class BillListItem extends BillView {
  @ApiProperty({ format: 'uuid' }) agent_id: string;
  @ApiProperty() creator_wallet: string;
}

/** Bills grouped by kind and status. */
export class BillTotals {
  @ApiProperty({ enum: ['SUBSCRIPTION', 'PROFIT_SHARE'] }) kind: string;
  @ApiProperty({ enum: ['PENDING', 'COLLECTED', 'FAILED'] }) status: string;
  @ApiProperty() events: number;
  @ApiProperty({ description: 'Σ amount, decimal' }) amount: string;
}

/** GET /api/v3/billing/events */
export class BillingListResponse {
  @ApiProperty() success: boolean;
  @ApiProperty() count: number;
  @ApiProperty({ type: [BillListItem] }) events: BillListItem[];
  @ApiProperty({ type: [BillTotals] }) totals: BillTotals[];
}

/** GET /api/v3/billing/events/:id */
export class BillResponse {
  @ApiProperty() success: boolean;
  @ApiProperty({ type: BillView }) event: BillView;
}

/**
 * POST /api/v3/billing/events/:id/signature: the bill once billing collected it or the venue refused this attempt
 * (metadata.last_error); 202 with the bill as it stands when the outcome did not come in time.
 */
export class BillPayResponse {
  @ApiProperty() success: boolean;
  @ApiProperty({ type: BillView }) event: BillView;
}

/** POST /api/v3/billing/events/:id/retry: `retried` false when the bill was already PENDING (nothing written). */
export class BillRetryResponse {
  @ApiProperty() success: boolean;
  @ApiProperty() retried: boolean;
  @ApiPropertyOptional({ description: 'the retry number (metadata.retries), when retried' }) retry?: number;
  @ApiProperty({ type: BillView }) event: BillView;
}
