import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { MoneyColumn } from '../columns';
import type { BillStatus, Policy, PositionStatus, Side, SignalStatus } from '@conduit/domain';
import { AgentKind, AgentStatus, BillKind, VENUE_V3, VenueV3 } from '../enums';

// The eight v3 tables of seed 001. Columns, types and defaults are the migration's; these mirror them.

@Entity('agents_v3')
export class AgentV3 {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('text') creatorWallet: string;
  @Column('text') name: string;
  @Column({
    type: 'enum',
    enumName: 'venue_v3_t',
    enum: VENUE_V3,
    default: 'MULTI',
    nullable: true,
  })
  venue: VenueV3;
  @Column({ type: 'enum', enumName: 'agent_status_t', enum: ['DRAFT', 'ACTIVE', 'PAUSED', 'STOPPED'], default: 'DRAFT', nullable: true })
  status: AgentStatus;
  @Column('text', { array: true, nullable: true }) xAccountIds: string[] | null;
  @Column('text', { array: true, nullable: true }) researchInstituteIds: string[] | null;
  @Column('jsonb', { nullable: true }) weights: Record<string, number> | null;
  @Column('real', { nullable: true, name: 'apr_30d' }) apr30d: number | null;
  @Column('real', { nullable: true, name: 'apr_90d' }) apr90d: number | null;
  @Column('real', { nullable: true, name: 'apr_si' }) aprSi: number | null;
  @Column('real', { nullable: true, name: 'sharpe_30d' }) sharpe30d: number | null;
  @Column('text') profitReceiverAddress: string;
  @Column('text', { nullable: true }) proofOfIntentMessage: string | null;
  @Column('text', { nullable: true }) proofOfIntentSignature: string | null;
  @Column('timestamptz', { nullable: true }) proofOfIntentTimestamp: Date | null;
  @CreateDateColumn({ type: 'timestamptz', nullable: true }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz', nullable: true }) updatedAt: Date;
  /** The agent's profit share in percent, NULL = PROFIT_SHARE_PCT (Money migration). */
  @Column({ type: 'decimal', precision: 5, scale: 2, nullable: true }) profitSharePct: string | null;
  /** The agent's own limits (Agent How); added by the AgentLayers migration. */
  @Column('jsonb', { default: () => "'{}'" }) policy: Policy;
  /** signal (posts, research, market context) or llm_trader (its trading_agents row); added by the LlmTraders migration. */
  @Column('text', { default: 'signal' }) kind: AgentKind;
  /** Watched wallets followed, by id or address (WalletFollowing migration). */
  @Column('text', { array: true, nullable: true }) walletIds: string[] | null;
  /** Follow the watchlist's top N wallets by latest 4h credibility. */
  @Column('integer', { nullable: true }) walletTopN: number | null;
  /** |bias| needed before a wallet signal; NULL = WALLET_BIAS_THRESHOLD. */
  @Column({ type: 'decimal', precision: 4, scale: 3, nullable: true }) walletBiasThreshold: string | null;
}

@Entity('agent_deployments_v3')
export class AgentDeploymentV3 {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid', { nullable: true }) agentId: string;
  @Column('text') userWallet: string;
  @Column('text', { nullable: true }) safeWallet: string | null;
  @Column({ type: 'enum', enumName: 'agent_status_t', enum: ['DRAFT', 'ACTIVE', 'PAUSED', 'STOPPED'], default: 'ACTIVE', nullable: true })
  status: AgentStatus;
  @Column('boolean', { default: true, nullable: true }) subActive: boolean;
  @Column('timestamptz', { nullable: true }) subStartedAt: Date | null;
  @Column('timestamptz', { nullable: true }) trialEndsAt: Date | null;
  @Column('timestamptz', { nullable: true }) nextBillingAt: Date | null;
  @Column('boolean', { default: false, nullable: true }) moduleEnabled: boolean;
  @Column('text', { nullable: true }) moduleAddress: string | null;
  @Column('text', { nullable: true }) hyperliquidAgentAddress: string | null;
  @Column('text', { nullable: true, select: false }) hyperliquidAgentKeyEncrypted: string | null;
  @Column('text', { nullable: true, select: false }) hyperliquidAgentKeyIv: string | null;
  @Column('text', { nullable: true, select: false }) hyperliquidAgentKeyTag: string | null;
  @Column('text', { nullable: true }) ostiumAgentAddress: string | null;
  @Column('text', { nullable: true, select: false }) ostiumAgentKeyEncrypted: string | null;
  @Column('text', { nullable: true, select: false }) ostiumAgentKeyIv: string | null;
  @Column('text', { nullable: true, select: false }) ostiumAgentKeyTag: string | null;
  /** GMX's and SPOT's agent wallets; added by the GmxSpotVenues migration (the seed names the first two venues only). */
  @Column('text', { nullable: true }) gmxAgentAddress: string | null;
  @Column('text', { nullable: true, select: false }) gmxAgentKeyEncrypted: string | null;
  @Column('text', { nullable: true, select: false }) gmxAgentKeyIv: string | null;
  @Column('text', { nullable: true, select: false }) gmxAgentKeyTag: string | null;
  @Column('text', { nullable: true }) spotAgentAddress: string | null;
  @Column('text', { nullable: true, select: false }) spotAgentKeyEncrypted: string | null;
  @Column('text', { nullable: true, select: false }) spotAgentKeyIv: string | null;
  @Column('text', { nullable: true, select: false }) spotAgentKeyTag: string | null;
  @CreateDateColumn({ type: 'timestamptz', nullable: true }) createdAt: Date;
  /** paper (default) or live; added by the LiveTrading migration. */
  @Column('text', { default: 'paper' }) tradingMode: 'paper' | 'live';
  /** The subscriber's policy (Agent How); added by the AgentLayers migration. */
  @Column('jsonb', { default: () => "'{}'" }) policy: Policy;
  /** An llm_trader's own book (one per agent, never billed); added by the LlmTraders migration. */
  @Column('boolean', { default: false }) book: boolean;
  /** Paper starting equity of this deployment; NULL = PAPER_STARTING_EQUITY_USD. */
  @Column({ type: 'decimal', precision: 20, scale: 2, nullable: true }) paperEquityUsd: string | null;
}

@Entity('signals_v3')
export class SignalV3 {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid', { nullable: true }) agentId: string;
  @Column('text') tokenSymbol: string;
  @Column('text') side: Side;
  @Column('jsonb') sizeModel: Record<string, unknown>;
  @Column('jsonb') riskModel: Record<string, unknown>;
  @Column('real', { nullable: true }) confidence: number | null;
  @Column({
    type: 'enum',
    enumName: 'venue_v3_t',
    enum: VENUE_V3,
    default: 'MULTI',
    nullable: true,
  })
  requestedVenue: VenueV3;
  @Column({ type: 'enum', enumName: 'venue_v3_t', enum: VENUE_V3, nullable: true })
  finalVenue: VenueV3 | null;
  @Column('text', { array: true, nullable: true }) sourceTweets: string[] | null;
  @Column('text', { array: true, nullable: true }) sourceResearch: string[] | null;
  @Column('text', { default: 'PENDING', nullable: true }) status: SignalStatus;
  @Column('text', { nullable: true }) skippedReason: string | null;
  /** Why a FAILED signal failed (Lifecycles migration; skipped_reason is a skip's). */
  @Column('text', { nullable: true }) failureReason: string | null;
  @Column('boolean', { default: false, nullable: true }) proofVerified: boolean;
  @Column('boolean', { default: false, nullable: true }) executorAgreementVerified: boolean;
  @Column('real', { nullable: true }) lunarcrushScore: number | null;
  @Column('text', { nullable: true }) lunarcrushReasoning: string | null;
  @CreateDateColumn({ type: 'timestamptz', nullable: true }) createdAt: Date;
  @Column('timestamptz', { nullable: true }) routedAt: Date | null;
  @Column('timestamptz', { nullable: true }) executedAt: Date | null;
  /** The wallet with the largest share in a wallet signal; its positions carry it (WalletFollowing migration). */
  @Column('uuid', { nullable: true }) signalWalletId: string | null;
  @Column('uuid', { array: true, nullable: true }) sourceWallets: string[] | null;
  @Column('uuid', { array: true, nullable: true }) sourceEvents: string[] | null;
}

@Entity('positions_v3')
export class PositionV3 {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid', { nullable: true }) deploymentId: string;
  @Column('uuid', { nullable: true }) signalId: string;
  @Column({ type: 'enum', enumName: 'venue_v3_t', enum: VENUE_V3 }) venue: VenueV3;
  @Column('text') tokenSymbol: string;
  @Column('text') side: Side;
  @MoneyColumn({ nullable: false }) qty: string;
  @MoneyColumn({ nullable: false }) entryPrice: string;
  @MoneyColumn() currentPrice: string | null;
  @MoneyColumn() stopLoss: string | null;
  @MoneyColumn() takeProfit: string | null;
  @Column('jsonb', { nullable: true }) trailingParams: Record<string, unknown> | null;
  @Column('text', { default: 'OPEN', nullable: true }) status: PositionStatus;
  @Column('timestamptz', { default: () => 'now()', nullable: true }) openedAt: Date;
  @Column('timestamptz', { nullable: true }) closedAt: Date | null;
  @MoneyColumn() exitPrice: string | null;
  @Column('text', { nullable: true }) exitReason: string | null;
  @MoneyColumn() pnl: string | null;
  @Column('text', { nullable: true }) entryTxHash: string | null;
  @Column('text', { nullable: true }) exitTxHash: string | null;
  /** The leverage it was opened with; NULL on rows opened before the Liquidation migration. */
  @Column('int', { nullable: true }) leverage: number | null;
  /** Where the venue liquidates it (isolated margin at `leverage`); NULL before, and for a long at 1x. */
  @MoneyColumn() liquidationPrice: string | null;
  /** The watched wallet whose move the position came from (seed 003); added by the WalletIntelligence migration. */
  @Column('uuid', { nullable: true }) signalWalletId: string | null;
}

@Entity('venue_routing_config_v3')
export class VenueRoutingConfigV3 {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid', { nullable: true }) agentId: string | null;
  @Column('text', { array: true }) venuePriority: string[];
  @Column('text', { default: 'FIRST_AVAILABLE', nullable: true }) routingStrategy: string;
  @Column('boolean', { default: true, nullable: true }) failoverEnabled: boolean;
  @CreateDateColumn({ type: 'timestamptz', nullable: true }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz', nullable: true }) updatedAt: Date;
}

@Entity('venue_routing_history_v3')
export class VenueRoutingHistoryV3 {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid', { nullable: true }) signalId: string;
  @Column('text') tokenSymbol: string;
  @Column({ type: 'enum', enumName: 'venue_v3_t', enum: VENUE_V3 }) requestedVenue: VenueV3;
  @Column({ type: 'enum', enumName: 'venue_v3_t', enum: VENUE_V3 }) selectedVenue: VenueV3;
  @Column('text') routingReason: string;
  @Column('text', { array: true, nullable: true }) checkedVenues: string[] | null;
  @Column('jsonb', { nullable: true }) venueAvailability: Record<string, boolean> | null;
  @Column('int', { nullable: true }) routingDurationMs: number | null;
  @CreateDateColumn({ type: 'timestamptz', nullable: true }) createdAt: Date;
}

@Entity('billing_events_v3')
export class BillingEventV3 {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid', { nullable: true }) positionId: string | null;
  @Column('uuid', { nullable: true }) deploymentId: string | null;
  @Column({ type: 'enum', enumName: 'bill_kind_t', enum: ['SUBSCRIPTION', 'PROFIT_SHARE'] }) kind: BillKind;
  @MoneyColumn({ nullable: false }) amount: string;
  @Column('text', { default: 'USDC', nullable: true }) asset: string;
  @Column({ type: 'enum', enumName: 'bill_status_t', enum: ['PENDING', 'COLLECTED', 'FAILED'] }) status: BillStatus;
  @Column('timestamptz', { default: () => 'now()', nullable: true }) occurredAt: Date;
  @Column('jsonb', { nullable: true }) metadata: Record<string, unknown> | null;
  @CreateDateColumn({ type: 'timestamptz', nullable: true }) createdAt: Date;
  /** The billing period a SUBSCRIPTION event pays for (Money migration). */
  @Column('timestamptz', { nullable: true }) periodStart: Date | null;
}

@Entity('pnl_snapshots_v3')
export class PnlSnapshotV3 {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid', { nullable: true }) agentId: string;
  @Column('uuid', { nullable: true }) deploymentId: string;
  @Column('date') day: string;
  @MoneyColumn() pnl: string | null;
  @Column('real', { nullable: true }) returnPct: number | null;
  @CreateDateColumn({ type: 'timestamptz', nullable: true }) createdAt: Date;
  /** Money migration: realized PnL of the day, change of unrealized PnL, equity at the start of the day. */
  @MoneyColumn() realizedPnl: string | null;
  @MoneyColumn() unrealizedPnl: string | null;
  @MoneyColumn() startEquity: string | null;
  /** A live deployment's account value on its venues when the day was snapshotted (TraderRecords migration). */
  @MoneyColumn() accountValue: string | null;
}
