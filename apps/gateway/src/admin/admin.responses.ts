import { ApiProperty } from '@nestjs/swagger';

const AUDIT_ACTORS = ['operator', 'wallet', 'admin', 'anonymous', 'service'] as const;

/** A bot_state value (libs/runtime BotStateValue): what a service, or an LLM trader's cycle, last did. */
export class ServiceStateValue {
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'null for a key no service boots under' })
  service_start_time: string | null;
  @ApiProperty({ description: 'cycles since the key was first written, across restarts' }) cycle_count: number;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) last_cycle_time: string | null;
  @ApiProperty({ type: String, nullable: true, description: "the last cycle's error; null when it succeeded" }) last_error: string | null;
}

export class ServiceState {
  @ApiProperty({ example: 'executor', description: "a service's name, or llm-trader:<agent id>" }) key: string;
  @ApiProperty({ type: ServiceStateValue }) value: ServiceStateValue;
  @ApiProperty({ type: String, format: 'date-time' }) updated_at: Date;
}

export class StateResponse {
  @ApiProperty() success: boolean;
  @ApiProperty() count: number;
  @ApiProperty({ type: [ServiceState] }) state: ServiceState[];
}

export class AuditEntry {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ type: String, format: 'date-time' }) occurred_at: Date;
  @ApiProperty({ example: 'v3.operator.login' }) action: string;
  @ApiProperty({ type: String, nullable: true }) entity_type: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) entity_id: string | null;
  @ApiProperty({ type: String, enum: AUDIT_ACTORS, nullable: true, description: 'NULL on rows older than the column' })
  actor: (typeof AUDIT_ACTORS)[number] | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) user_id: string | null;
  @ApiProperty({ type: String, nullable: true }) wallet: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true }) old_value: Record<string, unknown> | null;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true }) new_value: Record<string, unknown> | null;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true }) payload: Record<string, unknown> | null;
  @ApiProperty({ type: String, nullable: true }) ip_address: string | null;
  @ApiProperty({ type: String, nullable: true }) user_agent: string | null;
  @ApiProperty({ type: String, nullable: true }) trace_id: string | null;
}

export class AuditResponse {
  @ApiProperty() success: boolean;
  @ApiProperty({ description: 'entries on this page' }) count: number;
  @ApiProperty({ type: [AuditEntry] }) entries: AuditEntry[];
}

/** One BullMQ queue's job counts, as Bull Board shows them. */
export class QueueDepth {
  @ApiProperty({ example: 'conduit-executor' }) name: string;
  @ApiProperty() waiting: number;
  @ApiProperty() active: number;
  @ApiProperty() delayed: number;
  @ApiProperty() failed: number;
  @ApiProperty() paused: number;
}

export class QueuesResponse {
  @ApiProperty() success: boolean;
  @ApiProperty({ type: [QueueDepth], description: 'every queue, in the order of the contract (libs/queue QueueName)' })
  queues: QueueDepth[];
}

/** A venue's latest health as the executor's venue sync last checked it (venues_status). */
export class VenueStatusView {
  @ApiProperty({ example: 'HYPERLIQUID' }) venue: string;
  @ApiProperty({ enum: ['UP', 'DOWN'], example: 'UP' }) status: string;
  @ApiProperty({ description: 'whether the router may send orders to it' }) is_available: boolean;
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'when the status last changed; null on a row from before this was kept, until its next change',
  })
  status_since: Date | null;
  @ApiProperty({ type: String, format: 'date-time' }) last_checked: Date;
  @ApiProperty({ type: Number, nullable: true, description: "the last check's answer time" }) latency_ms: number | null;
  @ApiProperty({ type: String, nullable: true, description: "the last check's error; null when the venue answered" })
  last_error: string | null;
}

export class VenuesResponse {
  @ApiProperty() success: boolean;
  @ApiProperty() count: number;
  @ApiProperty({ type: [VenueStatusView] }) venues: VenueStatusView[];
}
