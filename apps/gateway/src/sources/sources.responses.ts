import { ApiProperty } from '@nestjs/swagger';

/** One entry of Agent What's decision log (agent_decisions): HOLDs, failures and unparsable answers included. */
export class AgentDecisionView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) agent_id: string;
  @ApiProperty({ type: String, format: 'date-time' }) timestamp: string;
  @ApiProperty({ enum: ['success', 'failed', 'parsing_error'] }) status: 'success' | 'failed' | 'parsing_error';
  @ApiProperty({ enum: ['OPEN_LONG', 'OPEN_SHORT', 'CLOSE_POSITION', 'HOLD'] }) action:
    'OPEN_LONG' | 'OPEN_SHORT' | 'CLOSE_POSITION' | 'HOLD';
  @ApiProperty() coin: string;
  @ApiProperty({ description: 'USD, decimal' }) size_usd: string;
  @ApiProperty() leverage: number;
  @ApiProperty({ description: 'USD, decimal' }) stop_loss_price: string;
  @ApiProperty({ description: 'USD, decimal' }) take_profit_price: string;
  @ApiProperty({ description: '0..1, decimal' }) confidence: string;
  @ApiProperty({ description: 'the evidence: why' }) reasoning: string;
  @ApiProperty({ type: String, nullable: true, description: 'the prompt sent to the model' }) prompt_content: string | null;
  @ApiProperty({ type: String, nullable: true, description: "the model's answer as received" }) llm_response: string | null;
  @ApiProperty({ type: Number, nullable: true }) execution_time_ms: number | null;
  @ApiProperty({ type: String, nullable: true }) error_message: string | null;
  @ApiProperty({ type: String, nullable: true }) model: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true }) parsed_result: Record<string, unknown> | null;
  @ApiProperty({ type: String, enum: ['ct_post', 'research', 'aggregate', 'llm_cycle'], nullable: true })
  source_type: 'ct_post' | 'research' | 'aggregate' | 'llm_cycle' | null;
  @ApiProperty({ type: String, nullable: true }) source_id: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'the signal it emitted' }) signal_id: string | null;
  @ApiProperty({
    type: 'array',
    items: { type: 'object', additionalProperties: { type: 'string', nullable: true } },
    nullable: true,
    description: "what an llm_trader's limits changed in the model's answer, and why",
  })
  adjustments: Array<Record<string, string | null>> | null;
}

export class DecisionLogResponse {
  @ApiProperty() success: boolean;
  @ApiProperty() count: number;
  @ApiProperty({ type: [AgentDecisionView], description: 'newest first' }) decisions: AgentDecisionView[];
}
