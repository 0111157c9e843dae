import { ApiProperty } from '@nestjs/swagger';

/** Agent Where's routing config of an agent, or the global default it falls back to. */
export class RoutingConfigView {
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'null for the global default' }) agent_id: string | null;
  @ApiProperty({ type: [String], description: 'venues, first tried first' }) venue_priority: string[];
  @ApiProperty({ example: 'FIRST_AVAILABLE' }) routing_strategy: string;
  @ApiProperty() failover_enabled: boolean;
  @ApiProperty({ type: String, format: 'date-time' }) updated_at: string;
  @ApiProperty({ enum: ['global', 'agent'] }) source: 'global' | 'agent';
}

export class RoutingConfigResponse {
  @ApiProperty() success: boolean;
  @ApiProperty({ type: RoutingConfigView, nullable: true }) config: RoutingConfigView | null;
}
