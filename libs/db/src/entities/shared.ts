import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { MoneyColumn } from '../columns';
import type { OrderStatus, OutcomeStage, OutcomeStatus } from '@conduit/domain';
import { VENUE_V3, VenueV3 } from '../enums';

// Tables shared with neighbouring systems (seed 000) and the pipeline's own bookkeeping.

@Entity('venue_markets')
export class VenueMarket {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'enum', enumName: 'venue_v3_t', enum: VENUE_V3 }) venue: VenueV3;
  @Column('text') tokenSymbol: string;
  @Column('text') marketName: string;
  @Column('int', { nullable: true }) marketIndex: number | null;
  @Column('boolean', { default: true }) isActive: boolean;
  @MoneyColumn() minPosition: string | null;
  @Column('int', { nullable: true }) maxLeverage: number | null;
  @MoneyColumn() currentPrice: string | null;
  @Column('timestamptz', { nullable: true }) lastSynced: Date | null;
  @Column('jsonb', { nullable: true }) metadata: Record<string, unknown> | null;
}

@Entity('venues_status')
export class VenueStatus {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'enum', enumName: 'venue_v3_t', enum: VENUE_V3 }) venue: VenueV3;
  @Column('boolean', { default: true }) isAvailable: boolean;
  @Column('text', { default: 'UP' }) status: string;
  @Column('int', { nullable: true }) latencyMs: number | null;
  @Column('text', { nullable: true }) lastError: string | null;
  @Column('timestamptz', { default: () => 'now()' }) lastChecked: Date;
  @Column('jsonb', { nullable: true }) metadata: Record<string, unknown> | null;
  /** When the status last changed (VenueStatusSince migration; NULL on older rows until their next change). */
  @Column('timestamptz', { nullable: true }) statusSince: Date | null;
}

@Entity('ct_accounts')
export class CtAccount {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('text') xUsername: string;
  @Column('text', { nullable: true }) xUserId: string | null;
  @Column('text', { nullable: true }) displayName: string | null;
  @Column('int', { nullable: true }) followersCount: number | null;
  @Column('real', { default: () => '0.5' }) impactFactor: number;
  @Column('boolean', { default: true }) isActive: boolean;
  @Column('timestamptz', { nullable: true }) lastSeenAt: Date | null;
  @CreateDateColumn({ type: 'timestamptz', nullable: true }) createdAt: Date;
}

@Entity('ct_posts')
export class CtPost {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') ctAccountId: string;
  @Column('text') tweetId: string;
  @Column('text') tweetText: string;
  @Column('timestamptz', { nullable: true }) tweetCreatedAt: Date | null;
  @Column('boolean', { nullable: true }) isSignalCandidate: boolean | null;
  @Column('text', { array: true, nullable: true }) extractedTokens: string[] | null;
  @Column('text', { nullable: true }) signalType: string | null;
  @Column('real', { nullable: true }) confidence: number | null;
  @Column('jsonb', { nullable: true }) classification: Record<string, unknown> | null;
  @Column('timestamptz', { nullable: true }) processedAt: Date | null;
  @CreateDateColumn({ type: 'timestamptz', nullable: true }) createdAt: Date;
}

@Entity('research_institutes')
export class ResearchInstitute {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('text') name: string;
  @Column('text', { nullable: true }) description: string | null;
  @Column('text', { nullable: true }) websiteUrl: string | null;
  @Column('text', { nullable: true }) xHandle: string | null;
  @Column('boolean', { default: true }) isActive: boolean;
  @CreateDateColumn({ type: 'timestamptz', nullable: true }) createdAt: Date;
}

@Entity('research_signals')
export class ResearchSignal {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') instituteId: string;
  @Column('text') sourceId: string;
  @Column('text') tokenSymbol: string;
  @Column('text') side: string;
  @Column('int', { nullable: true }) leverage: number | null;
  @Column('real', { nullable: true }) confidence: number | null;
  @Column('text', { nullable: true }) rawText: string | null;
  @Column('timestamptz', { nullable: true }) signalTime: Date | null;
  @Column('timestamptz', { nullable: true }) processedAt: Date | null;
  @CreateDateColumn({ type: 'timestamptz', nullable: true }) createdAt: Date;
}

@Entity('token_registry')
export class TokenRegistry {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('text') chain: string;
  @Column('text') tokenSymbol: string;
  @Column('text', { nullable: true }) tokenAddress: string | null;
  @Column('int', { nullable: true }) decimals: number | null;
  @Column('text', { nullable: true }) preferredRouter: string | null;
  @CreateDateColumn({ type: 'timestamptz', nullable: true }) createdAt: Date;
}

@Entity('market_indicators_6h')
export class MarketIndicators6h {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('text') tokenSymbol: string;
  @Column('timestamptz') windowStart: Date;
  @Column('jsonb') indicators: Record<string, unknown>;
  @CreateDateColumn({ type: 'timestamptz', nullable: true }) createdAt: Date;
}

@Entity('impact_factor_history')
export class ImpactFactorHistory {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') ctAccountId: string;
  @Column('uuid', { nullable: true }) signalId: string | null;
  @Column('uuid', { nullable: true }) positionId: string | null;
  @MoneyColumn() pnlContribution: string | null;
  @Column('real', { nullable: true }) impactFactorBefore: number | null;
  @Column('real', { nullable: true }) impactFactorAfter: number | null;
  @CreateDateColumn({ type: 'timestamptz', nullable: true }) createdAt: Date;
}

/** Seed 003's audit trail merged with seed 000's (migration AuditShape): who, what, the change, from where. */
@Entity('audit_logs')
export class AuditLog {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('varchar', { length: 100 }) action: string;
  @Column('varchar', { length: 50, nullable: true }) entityType: string | null;
  @Column('uuid', { nullable: true }) entityId: string | null;
  @Column('jsonb', { nullable: true }) payload: Record<string, unknown> | null;
  /** Seed 003's `timestamp`. */
  @Column('timestamptz', { default: () => 'now()', nullable: true }) occurredAt: Date;
  @Column('text', { nullable: true }) traceId: string | null;
  /** An operator's users.id (no foreign key until the users table exists). */
  @Column('uuid', { nullable: true }) userId: string | null;
  @Column('text', { nullable: true }) wallet: string | null;
  /** operator, wallet, admin, anonymous or service; NULL on rows older than the column. */
  @Column('text', { nullable: true }) actor: 'operator' | 'wallet' | 'admin' | 'anonymous' | 'service' | null;
  @Column('jsonb', { nullable: true }) oldValue: Record<string, unknown> | null;
  @Column('jsonb', { nullable: true }) newValue: Record<string, unknown> | null;
  @Column('inet', { nullable: true }) ipAddress: string | null;
  @Column('text', { nullable: true }) userAgent: string | null;
}

/** The one recorded end of each signal × deployment: opened, skipped or failed, with the reason. */
@Entity('signal_outcomes')
export class SignalOutcome {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') signalId: string;
  @Column('uuid') deploymentId: string;
  @Column('text') outcome: OutcomeStatus;
  /** Which service decided: policy, router or executor. */
  @Column('text') stage: OutcomeStage;
  @Column('text', { nullable: true }) reason: string | null;
  @Column('uuid', { nullable: true }) positionId: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
  /** The venue this deployment trades on, and the ranked venues left to fail over to (set by the router). */
  @Column({ type: 'enum', enumName: 'venue_v3_t', enum: VENUE_V3, nullable: true })
  venue: VenueV3 | null;
  @Column('text', { array: true, nullable: true }) venueCandidates: string[] | null;
}

/** Every order sent to a venue, keyed by its deterministic client order id (stored before it is sent). */
@Entity('venue_orders')
export class VenueOrder {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('text') clientOrderId: string;
  @Column('uuid') deploymentId: string;
  @Column('uuid') signalId: string;
  @Column('uuid', { nullable: true }) positionId: string | null;
  @Column({ type: 'enum', enumName: 'venue_v3_t', enum: VENUE_V3 }) venue: VenueV3;
  @Column('text') tokenSymbol: string;
  /** BUY or SELL. */
  @Column('text') side: 'BUY' | 'SELL';
  @Column('boolean', { default: false }) reduceOnly: boolean;
  @MoneyColumn({ nullable: false }) qty: string;
  @MoneyColumn() limitPrice: string | null;
  /** NEW (stored, maybe sent), FILLED, REJECTED. */
  @Column('text', { default: 'NEW' }) status: OrderStatus;
  @MoneyColumn() filledQty: string | null;
  @MoneyColumn() avgFillPrice: string | null;
  @MoneyColumn() fee: string | null;
  @Column('text', { nullable: true }) venueOrderId: string | null;
  @Column('text', { nullable: true }) error: string | null;
  /** Added by the LiveTrading migration. */
  @Column('int', { nullable: true }) venueSlot: number | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}

/** Agent What's decision log (seed 004), every decision including HOLD and failed or unparsable LLM answers. */
@Entity('agent_decisions')
export class AgentDecision {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') agentId: string;
  @Column('timestamptz', { default: () => 'now()' }) timestamp: Date;
  @Column('varchar', { length: 20, default: 'success' }) status: 'success' | 'failed' | 'parsing_error';
  @Column('varchar', { length: 20 }) action: 'OPEN_LONG' | 'OPEN_SHORT' | 'CLOSE_POSITION' | 'HOLD';
  @Column('varchar', { length: 20 }) coin: string;
  @Column({ type: 'decimal', precision: 20, scale: 2 }) sizeUsd: string;
  @Column('int') leverage: number;
  /** 8 decimals (seed 004: 2), so a sub-dollar coin keeps its level (LlmTraders migration). */
  @Column({ type: 'decimal', precision: 20, scale: 8 }) stopLossPrice: string;
  @Column({ type: 'decimal', precision: 20, scale: 8 }) takeProfitPrice: string;
  @Column({ type: 'decimal', precision: 3, scale: 2 }) confidence: string;
  @Column('text') reasoning: string;
  @Column('text', { nullable: true }) promptContent: string | null;
  @Column('text', { nullable: true }) llmResponse: string | null;
  @Column('int', { nullable: true }) executionTimeMs: number | null;
  @Column('text', { nullable: true }) errorMessage: string | null;
  @Column('text', { nullable: true }) model: string | null;
  @Column('jsonb', { nullable: true }) parsedResult: Record<string, unknown> | null;
  @Column('text', { nullable: true }) sourceType: 'ct_post' | 'research' | 'aggregate' | 'llm_cycle' | null;
  @Column('text', { nullable: true }) sourceId: string | null;
  @Column('uuid', { nullable: true }) signalId: string | null;
  /** What an llm_trader's limits changed in its model's answer, and why (LlmTraders migration). */
  @Column('jsonb', { nullable: true }) adjustments: Array<Record<string, string | null>> | null;
}

/** Agent How's decision for one signal × deployment: trade (final size, leverage, venues) or skip, and why. */
@Entity('policy_decisions')
export class PolicyDecision {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') signalId: string;
  @Column('uuid') deploymentId: string;
  @Column('uuid') agentId: string;
  @Column('text') decision: 'TRADE' | 'SKIP';
  @Column('text') code: string;
  @Column('text') reason: string;
  @Column('jsonb', { nullable: true }) sizeModel: Record<string, unknown> | null;
  @Column('int', { nullable: true }) leverage: number | null;
  @Column('text', { array: true, nullable: true }) venues: string[] | null;
  @Column('jsonb') effectivePolicy: Record<string, unknown>;
  @Column('jsonb') inputs: Record<string, unknown>;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}

/** Seed 004's periodic performance snapshot of an agent (one row per agent and hour). */
@Entity('agent_performance')
export class AgentPerformance {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') agentId: string;
  @Column('timestamptz', { default: () => 'now()' }) snapshotTime: Date;
  @Column({ type: 'decimal', precision: 20, scale: 2 }) totalValue: string;
  @Column({ type: 'decimal', precision: 20, scale: 2 }) cashBalance: string;
  @Column({ type: 'decimal', precision: 20, scale: 2 }) positionValue: string;
  @Column({ type: 'decimal', precision: 20, scale: 2 }) realizedPnl: string;
  @Column({ type: 'decimal', precision: 20, scale: 2 }) unrealizedPnl: string;
  @Column({ type: 'decimal', precision: 20, scale: 2 }) totalPnl: string;
  @Column({ type: 'decimal', precision: 10, scale: 4, nullable: true }) roiPercent: string | null;
  @Column('int', { default: 0, nullable: true }) numTrades: number;
  @Column('int', { default: 0, nullable: true }) numWinningTrades: number;
  @Column('int', { default: 0, nullable: true }) numLosingTrades: number;
  @Column({ type: 'decimal', precision: 5, scale: 2, nullable: true }) winRate: string | null;
  @Column({ type: 'decimal', precision: 20, scale: 2, nullable: true }) avgWin: string | null;
  @Column({ type: 'decimal', precision: 20, scale: 2, nullable: true }) avgLoss: string | null;
  @Column({ type: 'decimal', precision: 10, scale: 4, nullable: true }) profitFactor: string | null;
  @Column({ type: 'decimal', precision: 10, scale: 4, nullable: true }) sharpeRatio: string | null;
  @Column({ type: 'decimal', precision: 10, scale: 4, nullable: true }) maxDrawdown: string | null;
  @Column({ type: 'decimal', precision: 5, scale: 2, nullable: true }) maxDrawdownPercent: string | null;
}
