import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PolicyView } from '../policy/policy.responses';
import { AGENT_KIND, AGENT_STATUS, VENUE_V3, type AgentKind, type AgentStatus } from '@conduit/db';

/**
 * An agent as GET /agents/:id answers it: its public columns, how many deployments follow it, and an llm_trader's
 * settings (the fields marked optional). Ratios as numbers (agents_v3 keeps them as real), amounts as decimal strings.
 */
export class AgentView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: AGENT_KIND }) kind: AgentKind;
  @ApiProperty({ enum: AGENT_STATUS }) status: AgentStatus;
  @ApiProperty({ description: 'the wallet that created it, lower case' }) creator_wallet: string;
  @ApiProperty({ enum: VENUE_V3 }) venue: string;
  @ApiProperty({ description: 'deployments not STOPPED (as the leaderboard counts them)' }) subscribers: number;
  @ApiProperty({ type: String, format: 'date-time' }) created_at: string;
  @ApiProperty({ type: PolicyView, nullable: true, description: "the agent's own limits (Agent How), combined with each subscriber's" })
  policy: PolicyView | null;
  @ApiProperty({ type: Number, nullable: true }) apr_30d: number | null;
  @ApiProperty({ type: Number, nullable: true }) apr_90d: number | null;
  @ApiProperty({ type: Number, nullable: true }) apr_si: number | null;
  @ApiProperty({ type: Number, nullable: true }) sharpe_30d: number | null;
  @ApiPropertyOptional({ description: 'llm_trader: its model' }) llm_model?: string;
  @ApiPropertyOptional({ description: 'llm_trader: USD' }) initial_balance?: string;
  @ApiPropertyOptional({ description: 'llm_trader: percent of equity' }) max_position_size?: string;
  @ApiPropertyOptional({ description: 'llm_trader' }) max_leverage?: number;
  @ApiPropertyOptional({ description: 'llm_trader: percent' }) stop_loss_pct?: string;
  @ApiPropertyOptional({ description: 'llm_trader: percent' }) take_profit_pct?: string;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'llm_trader' }) strategy_description?: string | null;
  @ApiPropertyOptional({ type: [String], description: 'llm_trader: its coin universe' }) coins?: string[];
  @ApiPropertyOptional({ description: 'llm_trader: seconds between cycles' }) cycle_interval_seconds?: number;
}

export class AgentResponse {
  @ApiProperty() success: boolean;
  @ApiProperty({ type: AgentView }) agent: AgentView;
}
