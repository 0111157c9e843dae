import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
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
  @ApiProperty({ nullable: true, type: String }) gmx_agent_address: string | null;
  @ApiProperty({ nullable: true, type: String }) spot_agent_address: string | null;
  @ApiProperty({ enum: ['paper', 'live'] }) trading_mode: string;
  @ApiProperty({ type: PolicyView, nullable: true }) policy: PolicyView | null;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty() has_hyperliquid_agent_key: boolean;
  @ApiProperty() has_ostium_agent_key: boolean;
  @ApiProperty() has_gmx_agent_key: boolean;
  @ApiProperty() has_spot_agent_key: boolean;
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

/** The payloads the user signs to approve a Hyperliquid agent wallet (approveAgent, EIP-712). */
export class HyperliquidApprovalView {
  @ApiProperty() agent_address: string;
  @ApiProperty() master_address: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'the approveAgent action and its EIP-712 typed data' })
  approve_agent: Record<string, unknown>;
  @ApiProperty({ enum: ['configured', 'off'] }) builder_fee: string;
}

/** The transactions the user sends to let an Ostium agent wallet trade (USDC allowance, setDelegate). */
export class OstiumApprovalView {
  @ApiProperty() agent_address: string;
  @ApiProperty() trader_address: string;
  @ApiProperty() chain_id: number;
  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true } }) transactions: Record<string, unknown>[];
}

/** A transaction the user sends once from their own wallet (GMX, SPOT). */
export class UserTransactionView {
  @ApiProperty() description: string;
  @ApiProperty() chain_id: number;
  @ApiProperty() from: string;
  @ApiProperty() to: string;
  @ApiProperty({ description: 'calldata, 0x hex' }) data: string;
  @ApiProperty({ description: 'wei, always 0' }) value: string;
}

/** The transactions the user sends to let a GMX agent wallet trade (USDC allowance to GMX's Router, the agent as subaccount). */
export class GmxApprovalView {
  @ApiProperty() agent_address: string;
  @ApiProperty() account_address: string;
  @ApiProperty() chain_id: number;
  @ApiProperty({ type: [UserTransactionView] }) transactions: UserTransactionView[];
}

/** The transactions the user sends to let a SPOT agent wallet swap for them (ERC-20 allowances: USDC and each token). */
export class SpotApprovalView {
  @ApiProperty() agent_address: string;
  @ApiProperty() user_address: string;
  @ApiProperty() chain_id: number;
  @ApiProperty({ type: [UserTransactionView] }) transactions: UserTransactionView[];
}

/** A deployment's agent wallets by venue: their addresses and what the user signs to approve them. */
export class AgentWalletApprovals {
  @ApiPropertyOptional({ type: HyperliquidApprovalView }) HYPERLIQUID?: HyperliquidApprovalView;
  @ApiPropertyOptional({ type: OstiumApprovalView }) OSTIUM?: OstiumApprovalView;
  @ApiPropertyOptional({ type: GmxApprovalView }) GMX?: GmxApprovalView;
  @ApiPropertyOptional({ type: SpotApprovalView }) SPOT?: SpotApprovalView;
}

/** POST /api/v3/agents/deploy */
export class DeployResponse {
  @ApiProperty() success: boolean;
  @ApiProperty({ type: DeploymentView }) deployment: DeploymentView;
  @ApiProperty({ type: AgentWalletApprovals }) agent_wallets: AgentWalletApprovals;
}
