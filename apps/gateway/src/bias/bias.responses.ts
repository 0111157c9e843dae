import { ApiProperty } from '@nestjs/swagger';
import { BIAS_TIMEFRAMES, BiasTimeframe } from '@conduit/domain';

/** The smart-money bias of an asset over a timeframe at a time: -1 (short) to 1 (long), decimals as strings. */
export class BiasPoint {
  @ApiProperty({ type: String, format: 'date-time' }) timestamp: Date;
  @ApiProperty({ example: 'ETH' }) asset: string;
  @ApiProperty({ enum: BIAS_TIMEFRAMES }) timeframe: BiasTimeframe;
  @ApiProperty({ type: String, nullable: true, description: '-1 to 1, three decimals' }) value: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true }) components: Record<string, unknown> | null;
  @ApiProperty({ type: String, nullable: true, description: '0 to 1' }) confidence: string | null;
}

export class BiasResponse {
  @ApiProperty() success: boolean;
  @ApiProperty({ enum: ['latest', 'history'], description: 'history when from or to is given: newest first' })
  mode: 'latest' | 'history';
  @ApiProperty() count: number;
  @ApiProperty({ type: [BiasPoint] }) bias: BiasPoint[];
}

/** How a wallet event was read: the LLM's (or the rules') classification and its effect on the bias. */
export class EventAnalysis {
  @ApiProperty({ format: 'uuid' }) event_id: string;
  @ApiProperty({ type: String, nullable: true }) llm_classification: string | null;
  @ApiProperty({ type: String, nullable: true, description: '0 to 1' }) llm_confidence: string | null;
  @ApiProperty({ type: String, nullable: true }) llm_narrative: string | null;
  @ApiProperty({ type: String, nullable: true }) pattern_matched: string | null;
  @ApiProperty({ type: String, nullable: true, description: '-1 to 1' }) bias_impact: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true }) proposed_action: Record<string, unknown> | null;
  @ApiProperty({ enum: ['llm', 'rules'] }) analyser: 'llm' | 'rules';
  @ApiProperty({ type: String, nullable: true }) model: string | null;
  @ApiProperty({ type: String, nullable: true }) prompt: string | null;
  @ApiProperty({ type: String, nullable: true }) raw_response: string | null;
  @ApiProperty({ type: Number, nullable: true }) latency_ms: number | null;
  @ApiProperty({ type: String, nullable: true }) error: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) created_at: Date | null;
}

export class EventAnalysisResponse {
  @ApiProperty() success: boolean;
  @ApiProperty({ type: EventAnalysis }) analysis: EventAnalysis;
}
