import { ApiProperty } from '@nestjs/swagger';
import { ARCHETYPES, WALLET_EVENT_TYPES } from '@conduit/domain';

/** A watched wallet with its latest score (all score fields null until the wallet is scored). Decimals are strings. */
export class ScoredWallet {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: '0x1111111111111111111111111111111111111111' }) address: string;
  @ApiProperty({ type: String, nullable: true }) label: string | null;
  @ApiProperty({ type: String, nullable: true }) chain: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) first_seen_at: Date | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) last_activity: Date | null;
  @ApiProperty({ type: Boolean, nullable: true }) is_active: boolean | null;
  @ApiProperty({ type: [String], nullable: true }) tags: string[] | null;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true }) metadata: Record<string, unknown> | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'when the latest score was computed' })
  scored_at: Date | null;
  @ApiProperty({ type: String, nullable: true, description: '0-10, one decimal' }) credibility_1h: string | null;
  @ApiProperty({ type: String, nullable: true, description: '0-10, one decimal' }) credibility_4h: string | null;
  @ApiProperty({ type: String, nullable: true, description: '0-10, one decimal' }) credibility_24h: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'USD' }) equity_usd: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'USD' }) trading_volume_24h: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'a fraction, 0-1' }) win_rate: string | null;
  @ApiProperty({ type: String, enum: ARCHETYPES, nullable: true }) archetype: string | null;
}

export class WalletListResponse {
  @ApiProperty() success: boolean;
  @ApiProperty() count: number;
  @ApiProperty({ type: [ScoredWallet] }) wallets: ScoredWallet[];
}

/** One of a watched wallet's fills, classified (seed 003's events). Decimals are strings. */
export class WalletEvent {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ type: String, format: 'date-time' }) timestamp: Date;
  @ApiProperty({ format: 'uuid' }) wallet_id: string;
  @ApiProperty() tx_hash: string;
  @ApiProperty() fill_id: string;
  @ApiProperty({ enum: WALLET_EVENT_TYPES }) event_type: (typeof WALLET_EVENT_TYPES)[number];
  @ApiProperty({ type: String, nullable: true }) asset: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'signed size of the fill' }) amount: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'USD' }) notional_usd: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'of the position, 0-1' }) size_fraction: string | null;
  @ApiProperty() venue: string;
  @ApiProperty({ type: String, nullable: true }) gas_price: string | null;
  @ApiProperty({ type: Boolean, nullable: true }) is_first_since_watch: boolean | null;
  @ApiProperty({ type: String, nullable: true }) position_before: string | null;
  @ApiProperty({ type: String, nullable: true }) position_after: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'USD' }) realized_pnl: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true }) raw_data: Record<string, unknown> | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) processed_at: Date | null;
}

export class WalletEventsResponse {
  @ApiProperty() success: boolean;
  @ApiProperty() count: number;
  @ApiProperty({ type: [WalletEvent] }) events: WalletEvent[];
}
