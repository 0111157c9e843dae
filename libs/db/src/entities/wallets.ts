import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn, Unique } from 'typeorm';

// Smart-money wallet intelligence (seed 003), added by the WalletIntelligence migration. Columns mirror the migration.

/** A watched wallet (seed 003's wallets): a Hyperliquid account whose fills and positions are public. */
@Entity('wallets')
export class Wallet {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('varchar', { length: 42, unique: true }) address: string;
  @Column('varchar', { length: 100, nullable: true }) label: string | null;
  @Column('varchar', { length: 20, nullable: true, default: 'ethereum' }) chain: string | null;
  @Column('timestamptz', { nullable: true, default: () => 'now()' }) firstSeenAt: Date | null;
  @Column('timestamptz', { nullable: true }) lastActivity: Date | null;
  @Column('boolean', { nullable: true, default: true }) isActive: boolean | null;
  @Column('text', { array: true, nullable: true }) tags: string[] | null;
  @Column('jsonb', { nullable: true }) metadata: Record<string, unknown> | null;
}

/** A wallet's credibility per window (0–10), equity and style at one time (seed 003's wallet_scores). */
@Entity('wallet_scores')
export class WalletScore {
  @PrimaryColumn('uuid') walletId: string;
  @PrimaryColumn('timestamptz') timestamp: Date;
  @Column({ type: 'decimal', precision: 3, scale: 1, nullable: true, name: 'credibility_1h' }) credibility1h: string | null;
  @Column({ type: 'decimal', precision: 3, scale: 1, nullable: true, name: 'credibility_4h' }) credibility4h: string | null;
  @Column({ type: 'decimal', precision: 3, scale: 1, nullable: true, name: 'credibility_24h' }) credibility24h: string | null;
  @Column({ type: 'decimal', precision: 20, scale: 2, nullable: true }) equityUsd: string | null;
  @Column({ type: 'decimal', precision: 20, scale: 2, nullable: true, name: 'trading_volume_24h' }) tradingVolume24h: string | null;
  @Column({ type: 'decimal', precision: 3, scale: 2, nullable: true }) winRate: string | null;
  @Column('varchar', { length: 50, nullable: true }) archetype: string | null;
}

/** One action of a watched wallet (seed 003's events): one row per venue fill, identified by its hash and fill id. */
@Entity('events')
@Unique('uq_events_identity', ['venue', 'txHash', 'fillId'])
export class WalletEvent {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('timestamptz') timestamp: Date;
  @Column('uuid') walletId: string;
  @Column('varchar', { length: 66 }) txHash: string;
  @Column('varchar', { length: 40 }) fillId: string;
  @Column('varchar', { length: 50 }) eventType: 'open' | 'add' | 'reduce' | 'close' | 'flip' | 'liquidation';
  @Column('varchar', { length: 20, nullable: true }) asset: string | null;
  @Column({ type: 'decimal', precision: 30, scale: 10, nullable: true }) amount: string | null;
  @Column({ type: 'decimal', precision: 20, scale: 2, nullable: true }) notionalUsd: string | null;
  @Column({ type: 'decimal', precision: 5, scale: 4, nullable: true }) sizeFraction: string | null;
  @Column('varchar', { length: 50, default: 'HYPERLIQUID' }) venue: string;
  @Column({ type: 'decimal', precision: 20, scale: 10, nullable: true }) gasPrice: string | null;
  @Column('boolean', { nullable: true, default: false }) isFirstSinceWatch: boolean | null;
  @Column({ type: 'decimal', precision: 30, scale: 10, nullable: true }) positionBefore: string | null;
  @Column({ type: 'decimal', precision: 30, scale: 10, nullable: true }) positionAfter: string | null;
  @Column({ type: 'decimal', precision: 20, scale: 8, nullable: true }) realizedPnl: string | null;
  @Column('jsonb', { nullable: true }) rawData: Record<string, unknown> | null;
  @Column('timestamptz', { nullable: true, default: () => 'now()' }) processedAt: Date | null;
}

/** An event's analysis, once (seed 003's event_analysis): the LLM's or the rules'. */
@Entity('event_analysis')
export class EventAnalysis {
  @PrimaryColumn('uuid') eventId: string;
  @Column('varchar', { length: 100, nullable: true }) llmClassification: string | null;
  @Column({ type: 'decimal', precision: 3, scale: 2, nullable: true }) llmConfidence: string | null;
  @Column('text', { nullable: true }) llmNarrative: string | null;
  @Column('varchar', { length: 100, nullable: true }) patternMatched: string | null;
  @Column({ type: 'decimal', precision: 4, scale: 3, nullable: true }) biasImpact: string | null;
  @Column('jsonb', { nullable: true }) proposedAction: Record<string, unknown> | null;
  @Column('timestamptz', { nullable: true, default: () => 'now()' }) createdAt: Date | null;
  /** llm or rules, and the LLM call logged like the other LLM calls (WalletFollowing migration). */
  @Column('varchar', { length: 10, default: 'rules' }) analyser: 'llm' | 'rules';
  @Column('text', { nullable: true }) model: string | null;
  @Column('text', { nullable: true }) prompt: string | null;
  @Column('text', { nullable: true }) rawResponse: string | null;
  @Column('integer', { nullable: true }) latencyMs: number | null;
  @Column('text', { nullable: true }) error: string | null;
}

/** The market bias of an asset over a timeframe at one time (seed 003's bias), −1..1, with each wallet's share. */
@Entity('bias')
export class Bias {
  @PrimaryColumn('timestamptz') timestamp: Date;
  @PrimaryColumn('varchar', { length: 20 }) asset: string;
  @PrimaryColumn('varchar', { length: 10 }) timeframe: '1h' | '4h' | '24h';
  @Column({ type: 'decimal', precision: 4, scale: 3, nullable: true }) value: string | null;
  @Column('jsonb', { nullable: true }) components: Record<string, unknown> | null;
  @Column({ type: 'decimal', precision: 3, scale: 2, nullable: true }) confidence: string | null;
}

/** A watched wallet's deposit, withdrawal or transfer (Hyperliquid's non-funding ledger), once; scoring nets them out. */
@Entity('wallet_transfers')
export class WalletTransfer {
  @PrimaryColumn('uuid') walletId: string;
  @PrimaryColumn('varchar', { length: 66 }) txHash: string;
  @PrimaryColumn('varchar', { length: 50 }) transferType: string;
  @Column('timestamptz') timestamp: Date;
  /** USDC into (+) or out of (−) the account; NULL when the entry moves none the reader can tell. */
  @Column({ type: 'decimal', precision: 20, scale: 8, nullable: true }) netUsdc: string | null;
  @Column('jsonb', { nullable: true }) rawData: Record<string, unknown> | null;
}
