import { ApiProperty } from '@nestjs/swagger';
import { BillView } from '../billing/billing.responses';

const money = (description = 'decimal') => ApiProperty({ type: String, nullable: true, description });

/** A position: money as decimal strings; `unrealized_pnl` at the mark while it is open. */
export class PositionView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) deployment_id: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) signal_id: string | null;
  @ApiProperty({ enum: ['HYPERLIQUID', 'OSTIUM', 'GMX', 'SPOT'] }) venue: string;
  @ApiProperty() token_symbol: string;
  @ApiProperty({ enum: ['LONG', 'SHORT'] }) side: string;
  @ApiProperty({ description: 'decimal' }) qty: string;
  @ApiProperty({ description: 'decimal' }) entry_price: string;
  @money('the mark, decimal') current_price: string | null;
  @money() stop_loss: string | null;
  @money() take_profit: string | null;
  @ApiProperty({ enum: ['OPEN', 'CLOSED'] }) status: string;
  @ApiProperty({ format: 'date-time' }) opened_at: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) closed_at: string | null;
  @money() exit_price: string | null;
  @ApiProperty({ nullable: true, type: String }) exit_reason: string | null;
  @money('realized PnL once closed, decimal') pnl: string | null;
  @ApiProperty({ nullable: true, type: Number }) leverage: number | null;
  @money() liquidation_price: string | null;
  @money('USD at the mark while open (null when closed or unmarked), decimal') unrealized_pnl: string | null;
}

/** GET /api/v3/positions */
export class PositionListResponse {
  @ApiProperty() success: boolean;
  @ApiProperty() count: number;
  @ApiProperty({ type: [PositionView] }) positions: PositionView[];
}

/** POST /api/v3/positions/:id/close (202 with complete false while the close is still under way). */
export class ClosePositionResponse {
  @ApiProperty() success: boolean;
  @ApiProperty() complete: boolean;
  @ApiProperty({ type: PositionView }) position: PositionView;
  @ApiProperty({ type: BillView, nullable: true }) billing_event: BillView | null;
}
