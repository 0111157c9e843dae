import { ApiProperty } from '@nestjs/swagger';
import { PolicyView } from '../policy/policy.responses';

/** A deployment as the API answers it (DEPLOYMENT_COLUMNS): whether it holds each sealed key, never the key. */
export class DeploymentView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) agent_id: string;
  @ApiProperty() user_wallet: string;
  @ApiProperty({ nullable: true, type: String }) safe_wallet: string | null;
  @ApiProperty({ enum: ['ACTIVE', 'PAUSED', 'STOPPED'] }) status: string;
  @ApiProperty({ nullable: true, type: Boolean }) sub_active: boolean | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) sub_started_at: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) trial_ends_at: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) next_billing_at: string | null;
  @ApiProperty({ nullable: true, type: Boolean }) module_enabled: boolean | null;
  @ApiProperty({ nullable: true, type: String }) module_address: string | null;
  @ApiProperty({ nullable: true, type: String }) hyperliquid_agent_address: string | null;
  @ApiProperty({ nullable: true, type: String }) ostium_agent_address: string | null;
  @ApiProperty({ enum: ['paper', 'live'] }) trading_mode: string;
  @ApiProperty({ type: PolicyView, nullable: true }) policy: PolicyView | null;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty() has_hyperliquid_agent_key: boolean;
  @ApiProperty() has_ostium_agent_key: boolean;
}

/** GET /api/v3/deployments */
export class DeploymentListResponse {
  @ApiProperty() success: boolean;
  @ApiProperty() count: number;
  @ApiProperty({ type: [DeploymentView] }) deployments: DeploymentView[];
}

/** POST /api/v3/deployments/:id/stop */
export class DeploymentStopResponse {
  @ApiProperty() success: boolean;
  @ApiProperty({ type: DeploymentView }) deployment: DeploymentView;
  @ApiProperty({ type: [String], description: 'the open positions whose close was asked for' }) closing_positions: string[];
}
