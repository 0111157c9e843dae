import { ApiProperty } from '@nestjs/swagger';

/** What filling the size on one venue would cost, from the router's cached book and the venue's fees (decimals as strings). */
export class RoutedVenueCosts {
  @ApiProperty({ type: String, nullable: true, description: 'average fill price walking the book; null when it cannot fill the size' })
  avg_price: string | null;
  @ApiProperty({ type: String, nullable: true }) slippage_bps: string | null;
  @ApiProperty() taker_bps: string;
  @ApiProperty({ type: String, nullable: true, description: 'what the strategy ranks by: slippage, or taker fee + slippage' })
  cost_bps: string | null;
}

/** One venue of the routing config's priority list, as the routing decision saw it. */
export class RoutedVenue {
  @ApiProperty({ example: 'HYPERLIQUID' }) venue: string;
  @ApiProperty({ type: Number, nullable: true, description: '1 = selected, then the failover order; null when it cannot take the signal' })
  rank: number | null;
  @ApiProperty({ description: 'healthy and lists the token' }) available: boolean;
  @ApiProperty({ type: String, nullable: true }) market_name: string | null;
  @ApiProperty() reason: string;
  @ApiProperty({ type: RoutedVenueCosts, nullable: true, description: 'only where a cost strategy quoted the venue' })
  costs: RoutedVenueCosts | null;
}

export class RoutingPreviewResponse {
  @ApiProperty() success: boolean;
  @ApiProperty({ format: 'uuid' }) agent_id: string;
  @ApiProperty() token_symbol: string;
  @ApiProperty({ enum: ['LONG', 'SHORT'] }) side: 'LONG' | 'SHORT';
  @ApiProperty() notional_usd: string;
  @ApiProperty({ enum: ['agent', 'global', 'default'], description: "whose routing config decided: the agent's, else the global one" })
  config: 'agent' | 'global' | 'default';
  @ApiProperty({ example: 'FIRST_AVAILABLE' }) strategy: string;
  @ApiProperty() failover_enabled: boolean;
  @ApiProperty({ type: [RoutedVenue], description: 'every venue of the priority list, in its order' }) venues: RoutedVenue[];
  @ApiProperty({ type: String, nullable: true, description: 'the venue a signal routed now would get; null = skipped' })
  selected: string | null;
  @ApiProperty({ description: 'the routing reason a signal routed now would record' }) reason: string;
  @ApiProperty({ type: String, format: 'date-time' }) computed_at: string;
  @ApiProperty({ description: 'the router replica that answered' }) answered_by: string;
}
