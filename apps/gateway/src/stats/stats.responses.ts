import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { VENUE_V3 } from '@conduit/db';

// The answers of the stats endpoints the web app reads, as the OpenAPI document types them (apps/web's schema.d.ts).

/** The performance set: USD amounts as decimal strings, ratios as numbers (null when there is too little to say). */
export class PerformanceFigures {
  @ApiProperty({ description: 'USD, capital + realized + unrealized' }) total_value: string;
  @ApiProperty({ description: 'USD' }) realized_pnl: string;
  @ApiProperty({ description: 'USD' }) unrealized_pnl: string;
  @ApiProperty({ type: Number, nullable: true, description: 'percent of the capital' }) roi_pct: number | null;
  @ApiProperty() trades: number;
  @ApiProperty() winning_trades: number;
  @ApiProperty() losing_trades: number;
  @ApiProperty({ type: Number, nullable: true, description: 'a fraction, 0..1' }) win_rate: number | null;
  @ApiProperty({ description: 'USD' }) average_win: string;
  @ApiProperty({ description: 'USD' }) average_loss: string;
  @ApiProperty({ type: Number, nullable: true }) profit_factor: number | null;
  @ApiProperty({ type: Number, nullable: true }) sharpe: number | null;
  @ApiProperty({ type: Number, nullable: true }) sortino: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'percent, of the compounded daily returns' }) max_drawdown_pct: number | null;
  @ApiProperty({ description: 'USD, of capital + cumulative daily PnL' }) max_drawdown_usd: string;
}

export class PerformanceMetrics {
  @ApiProperty({ type: Number, nullable: true }) apr_30d: number | null;
  @ApiProperty({ type: Number, nullable: true }) apr_90d: number | null;
  @ApiProperty({ type: Number, nullable: true }) apr_si: number | null;
  @ApiProperty({ type: Number, nullable: true }) sharpe_30d: number | null;
}

/** One UTC day of the agent's PnL, with the running figures the equity curve and drawdown chart draw. */
export class PerformanceDay {
  @ApiProperty({ example: '2026-06-01' }) day: string;
  @ApiProperty({ description: 'USD, the PnL of the day' }) pnl: string;
  @ApiProperty({ description: 'percent of the day’s starting equity' }) return_pct: number;
  @ApiProperty({ description: 'USD, Σ pnl of the days up to this one' }) cumulative_pnl: string;
  @ApiProperty({ description: 'USD, ≤ 0: cumulative_pnl less its highest value so far (the start, 0, counts)' }) drawdown: string;
}

export class PerformanceResponse {
  @ApiProperty() success: boolean;
  @ApiProperty({ format: 'uuid' }) agent_id: string;
  @ApiProperty({ type: PerformanceFigures }) performance: PerformanceFigures;
  @ApiProperty({ type: PerformanceMetrics }) metrics: PerformanceMetrics;
  @ApiProperty({ type: [PerformanceDay], description: 'oldest first' }) daily: PerformanceDay[];
}

/** One routing decision of Agent Where, with its signal's side, confidence and agent. */
export class RoutingHistoryEntry {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) signal_id: string;
  @ApiProperty() token_symbol: string;
  @ApiProperty({ enum: VENUE_V3 }) requested_venue: string;
  @ApiProperty({ enum: VENUE_V3 }) selected_venue: string;
  @ApiProperty() routing_reason: string;
  @ApiProperty({ type: [String], nullable: true }) checked_venues: string[] | null;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'boolean' }, nullable: true })
  venue_availability: Record<string, boolean> | null;
  @ApiProperty({ type: Number, nullable: true }) routing_duration_ms: number | null;
  @ApiProperty({ type: String, format: 'date-time' }) created_at: string;
  @ApiProperty() side: string;
  @ApiProperty({ type: Number, nullable: true }) confidence: number | null;
  @ApiProperty({ format: 'uuid' }) agent_id: string;
}

/** The venue distribution of the selection. */
export class VenueShare {
  @ApiProperty({ enum: VENUE_V3 }) venue: string;
  @ApiProperty() trades: number;
  @ApiProperty({ example: '62.5', description: 'percent of the selection, one decimal' }) pct: string;
  @ApiProperty({ type: String, nullable: true, description: 'average routing time, ms' }) avg_ms: string | null;
}

export class RoutingHistoryResponse {
  @ApiProperty() success: boolean;
  @ApiProperty() count: number;
  @ApiProperty({ type: [RoutingHistoryEntry], description: 'newest first' }) history: RoutingHistoryEntry[];
  @ApiProperty({ type: [VenueShare], description: 'most trades first' }) summary: VenueShare[];
}

/** A minute's last mark of a venue's market. */
export class MarkPoint {
  @ApiProperty({ type: String, format: 'date-time' }) minute: string;
  @ApiProperty({ description: 'USD, decimal' }) mark: string;
}

export class MarksResponse {
  @ApiProperty() success: boolean;
  @ApiProperty({ type: String, nullable: true, description: 'null when none was asked for' }) token_symbol: string | null;
  @ApiPropertyOptional({ enum: VENUE_V3, nullable: true, description: 'the venue asked for; null: every venue, each minute’s average' })
  venue: string | null;
  @ApiProperty({ type: [MarkPoint], description: 'oldest first; a minute without a change has no point' }) marks: MarkPoint[];
}
