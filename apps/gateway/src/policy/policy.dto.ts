import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsBoolean, IsIn } from 'class-validator';
import { policyErrors, RISK_TOLERANCES, ROUTING_STRATEGIES, VENUES } from '@conduit/domain';
import { PageQuery } from '../common/page.dto';
import { Optional, Satisfies } from '../common/validation';
import { CooldownView } from './policy.responses';

const policyField = (v: unknown, f: string) => policyErrors({ [f]: v }, 'policy').map((m) => m.replace(/^policy\./, ''));

/** A policy (the agent's limits or a subscriber's); every field optional, the whole policy replaced on PUT. */
export class PolicyDto {
  @ApiPropertyOptional({ enum: RISK_TOLERANCES }) @Optional() @Satisfies(policyField) risk_tolerance?: string;
  @ApiPropertyOptional({ minimum: 1, maximum: 100 }) @Optional() @Satisfies(policyField) max_leverage?: number;
  @ApiPropertyOptional({ description: 'margin of one position, % of equity (0, 100]', oneOf: [{ type: 'number' }, { type: 'string' }] })
  @Optional()
  @Satisfies(policyField)
  max_position_pct?: number | string;
  @ApiPropertyOptional({ minimum: 0, maximum: 1 }) @Optional() @Satisfies(policyField) min_confidence?: number;
  @ApiPropertyOptional({ type: [String] }) @Optional() @Satisfies(policyField) allowed_tokens?: string[];
  @ApiPropertyOptional({ type: [String] }) @Optional() @Satisfies(policyField) denied_tokens?: string[];
  @ApiPropertyOptional() @Optional() @Satisfies(policyField) max_open_positions?: number;
  @ApiPropertyOptional({ description: 'USD; halts new entries until 00:00 UTC', oneOf: [{ type: 'number' }, { type: 'string' }] })
  @Optional()
  @Satisfies(policyField)
  max_daily_loss_usd?: number | string;
  @ApiPropertyOptional({ type: CooldownView, example: { after_losses: 3, minutes: 60 } }) @Optional() @Satisfies(policyField) cooldown?: {
    after_losses: number;
    minutes: number;
  };
  @ApiPropertyOptional({ type: [String], example: ['HYPERLIQUID'] }) @Optional() @Satisfies(policyField) enabled_venues?: string[];
  @ApiPropertyOptional() @Optional() @Satisfies(policyField) kill_switch?: boolean;
}

export class KillSwitchDto {
  @ApiProperty() @IsBoolean({ message: 'enabled must be true or false' }) enabled: boolean;
}

export class RoutingConfigDto {
  @ApiProperty({ type: [String], example: ['HYPERLIQUID', 'OSTIUM'] })
  @IsArray({ message: 'venue_priority must be a list of venues' })
  @ArrayMinSize(1, { message: 'venue_priority must name at least one venue' })
  @ArrayMaxSize(4)
  @ArrayUnique({ message: 'venue_priority must not repeat a venue' })
  @IsIn(VENUES, { each: true, message: `venue_priority must hold only ${VENUES.join(', ')}` })
  venue_priority: string[];

  @ApiPropertyOptional({ enum: ROUTING_STRATEGIES, default: 'FIRST_AVAILABLE' })
  @Optional()
  @IsIn(ROUTING_STRATEGIES, { message: `routing_strategy must be one of ${ROUTING_STRATEGIES.join(', ')}` })
  routing_strategy?: string;

  @ApiPropertyOptional({ default: true })
  @Optional()
  @IsBoolean({ message: 'failover_enabled must be true or false' })
  failover_enabled?: boolean;
}

export class PolicyDecisionQuery extends PageQuery {
  @ApiPropertyOptional({ enum: ['TRADE', 'SKIP'] }) @Optional() @IsIn(['TRADE', 'SKIP']) decision?: string;
}
