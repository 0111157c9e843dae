import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { RISK_TOLERANCES } from '@conduit/domain';

export class CooldownView {
  @ApiProperty() after_losses: number;
  @ApiProperty() minutes: number;
}

/** A policy as stored: every field optional (left out: no limit of that kind). */
export class PolicyView {
  @ApiPropertyOptional({ enum: RISK_TOLERANCES }) risk_tolerance?: string;
  @ApiPropertyOptional() max_leverage?: number;
  @ApiPropertyOptional({ oneOf: [{ type: 'number' }, { type: 'string' }] }) max_position_pct?: number | string;
  @ApiPropertyOptional() min_confidence?: number;
  @ApiPropertyOptional({ type: [String] }) allowed_tokens?: string[];
  @ApiPropertyOptional({ type: [String] }) denied_tokens?: string[];
  @ApiPropertyOptional() max_open_positions?: number;
  @ApiPropertyOptional({ oneOf: [{ type: 'number' }, { type: 'string' }] }) max_daily_loss_usd?: number | string;
  @ApiPropertyOptional({ type: CooldownView }) cooldown?: CooldownView;
  @ApiPropertyOptional({ type: [String] }) enabled_venues?: string[];
  @ApiPropertyOptional() kill_switch?: boolean;
}

/** GET|PUT /api/v3/deployments/:id/policy and the kill switch: the three policies of a deployment. */
export class DeploymentPolicyResponse {
  @ApiProperty() success: boolean;
  @ApiProperty({ format: 'uuid' }) deployment_id: string;
  @ApiProperty({ type: PolicyView, nullable: true, description: "the agent's own limits" }) agent_policy: PolicyView | null;
  @ApiProperty({ type: PolicyView, nullable: true, description: "the subscriber's policy" }) subscriber_policy: PolicyView | null;
  @ApiProperty({ type: PolicyView, description: 'both combined, the stricter wins: what new signals meet' }) effective_policy: PolicyView;
}

/** PUT /api/v3/agents/:id/policy: the agent's own limits as stored. */
export class AgentPolicyResponse {
  @ApiProperty() success: boolean;
  @ApiProperty({ format: 'uuid' }) agent_id: string;
  @ApiProperty({ type: PolicyView }) policy: PolicyView;
}

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
