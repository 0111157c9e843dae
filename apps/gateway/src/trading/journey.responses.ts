import { ApiProperty } from '@nestjs/swagger';

// GET /signals/:id/journey: one signal through the five layers. Times are ISO instants, amounts decimal strings.

export class JourneySignal {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) agent_id: string;
  @ApiProperty() agent_name: string;
  @ApiProperty() token_symbol: string;
  @ApiProperty({ enum: ['LONG', 'SHORT'] }) side: string;
  @ApiProperty({ example: 'EXECUTED' }) status: string;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) routed_at: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) executed_at: string | null;
  @ApiProperty({ type: String, nullable: true }) skipped_reason: string | null;
  @ApiProperty({ type: String, nullable: true }) failure_reason: string | null;
}

export class JourneyWhatDecision {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'date-time' }) timestamp: string;
  @ApiProperty() action: string;
  @ApiProperty() coin: string;
  @ApiProperty({ description: '0..1, decimal' }) confidence: string;
  @ApiProperty() reasoning: string;
  @ApiProperty({ type: String, nullable: true }) source_type: string | null;
  @ApiProperty({ type: String, nullable: true }) model: string | null;
}

/** Agent What (public): the evidence the signal came from, and the decisions that emitted it. */
export class JourneyWhat {
  @ApiProperty({ format: 'date-time' }) at: string;
  @ApiProperty({ type: Number, nullable: true }) confidence: number | null;
  @ApiProperty({ type: [String] }) source_tweets: string[];
  @ApiProperty({ type: [String] }) source_research: string[];
  @ApiProperty({ type: String, nullable: true }) lunarcrush_reasoning: string | null;
  @ApiProperty({ type: [JourneyWhatDecision] }) decisions: JourneyWhatDecision[];
}

export class JourneyHowDecision {
  @ApiProperty({ format: 'uuid' }) deployment_id: string;
  @ApiProperty({ enum: ['TRADE', 'SKIP'] }) decision: string;
  @ApiProperty() code: string;
  @ApiProperty() reason: string;
  @ApiProperty({ type: Number, nullable: true }) leverage: number | null;
  @ApiProperty({ type: [String], nullable: true }) venues: string[] | null;
  @ApiProperty({ format: 'date-time' }) created_at: string;
}

export class JourneyHowTotal {
  @ApiProperty({ enum: ['TRADE', 'SKIP'] }) decision: string;
  @ApiProperty({ type: String, nullable: true }) code: string | null;
  @ApiProperty() deployments: number;
}

/** Agent How: the reader's own deployments' decisions (an operator's: all), totals over what it counts in aggregate. */
export class JourneyHow {
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'the first decision the reader reads' }) at: string | null;
  @ApiProperty({ type: [JourneyHowDecision] }) decisions: JourneyHowDecision[];
  @ApiProperty({ type: [JourneyHowTotal] }) totals: JourneyHowTotal[];
}

export class VenueAvailability {
  @ApiProperty() venue: string;
  @ApiProperty() available: boolean;
}

/** Agent Where (public): the venues checked, their availability, the choice and why, how long it took. */
export class JourneyWhere {
  @ApiProperty({ format: 'date-time' }) at: string;
  @ApiProperty() requested_venue: string;
  @ApiProperty() selected_venue: string;
  @ApiProperty() routing_reason: string;
  @ApiProperty({ type: [String] }) checked_venues: string[];
  @ApiProperty({ type: [VenueAvailability] }) availability: VenueAvailability[];
  @ApiProperty({ type: Number, nullable: true }) routing_duration_ms: number | null;
}

export class JourneyOrder {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) deployment_id: string;
  @ApiProperty() venue: string;
  @ApiProperty({ enum: ['BUY', 'SELL'] }) side: string;
  @ApiProperty() reduce_only: boolean;
  @ApiProperty() qty: string;
  @ApiProperty({ example: 'FILLED' }) status: string;
  @ApiProperty({ type: String, nullable: true }) filled_qty: string | null;
  @ApiProperty({ type: String, nullable: true }) avg_fill_price: string | null;
  @ApiProperty({ type: String, nullable: true }) fee: string | null;
  @ApiProperty({ type: String, nullable: true }) error: string | null;
  @ApiProperty({ format: 'date-time' }) created_at: string;
}

export class JourneyFailover {
  @ApiProperty({ format: 'date-time' }) at: string;
  @ApiProperty({ format: 'uuid' }) deployment_id: string;
  @ApiProperty() from_venue: string;
  @ApiProperty() to_venue: string;
  @ApiProperty() reason: string;
}

export class OutcomeTotal {
  @ApiProperty() outcome: string;
  @ApiProperty() deployments: number;
}

/** The executor: the reader's own deployments' orders (fills included) and failovers, outcome totals as Agent How's. */
export class JourneyExecutor {
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) at: string | null;
  @ApiProperty({ type: [JourneyOrder] }) orders: JourneyOrder[];
  @ApiProperty({ type: [JourneyFailover] }) failovers: JourneyFailover[];
  @ApiProperty({ type: [OutcomeTotal] }) outcome_totals: OutcomeTotal[];
}

export class JourneyBill {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) deployment_id: string;
  @ApiProperty({ enum: ['SUBSCRIPTION', 'PROFIT_SHARE'] }) kind: string;
  @ApiProperty() amount: string;
  @ApiProperty() asset: string;
  @ApiProperty({ enum: ['PENDING', 'COLLECTED', 'FAILED'] }) status: string;
  @ApiProperty({ format: 'date-time' }) occurred_at: string;
}

export class JourneyBillTotal {
  @ApiProperty() kind: string;
  @ApiProperty() status: string;
  @ApiProperty() events: number;
  @ApiProperty() amount: string;
}

/** Billing: the bills of the signal's positions, the reader's own (an operator's: all), totals as Agent How's. */
export class JourneyBilling {
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) at: string | null;
  @ApiProperty({ type: [JourneyBill] }) bills: JourneyBill[];
  @ApiProperty({ type: [JourneyBillTotal] }) totals: JourneyBillTotal[];
}

export class JourneyAuditEntry {
  @ApiProperty({ example: 'v3.signal.routed' }) action: string;
  @ApiProperty({ type: String, nullable: true }) entity_type: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) entity_id: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'operator, wallet, admin, anonymous or service' }) actor: string | null;
  @ApiProperty({ type: String, nullable: true }) trace_id: string | null;
  @ApiProperty({ format: 'date-time' }) occurred_at: string;
}

export class JourneyResponse {
  @ApiProperty() success: boolean;
  @ApiProperty({ type: JourneySignal }) signal: JourneySignal;
  @ApiProperty({ type: JourneyWhat }) what: JourneyWhat;
  @ApiProperty({ type: JourneyHow }) how: JourneyHow;
  @ApiProperty({ type: JourneyWhere, nullable: true, description: 'null until Agent Where routed it' }) where: JourneyWhere | null;
  @ApiProperty({ type: JourneyExecutor }) executor: JourneyExecutor;
  @ApiProperty({ type: JourneyBilling }) billing: JourneyBilling;
  @ApiProperty({ type: [JourneyAuditEntry], nullable: true, description: "the audit trail of the signal's traces: operators only" })
  audit: JourneyAuditEntry[] | null;
}
