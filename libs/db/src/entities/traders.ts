import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn, ViewColumn, ViewEntity } from 'typeorm';
import { MoneyColumn } from '../columns';
import { VENUE_V3, VenueV3 } from '../enums';

// LLM trading agents (seed 004), added by the LlmTraders, MarketMarks and TraderRecords migrations. Columns mirror the migrations.

/** An llm_trader's settings: seed 004's trading_agents, sharing its agents_v3 row's id (name and status live there). */
@Entity('trading_agents')
export class TradingAgent {
  @PrimaryColumn('uuid') id: string;
  @Column('varchar', { length: 50 }) llmModel: string;
  @Column('varchar', { length: 50 }) exchangeAccount: string;
  @Column({ type: 'decimal', precision: 20, scale: 2 }) initialBalance: string;
  @Column({ type: 'decimal', precision: 5, scale: 2, default: () => '20.0' }) maxPositionSize: string;
  @Column('int', { default: 10 }) maxLeverage: number;
  @Column({ type: 'decimal', precision: 5, scale: 2, default: () => '2.0' }) stopLossPct: string;
  @Column({ type: 'decimal', precision: 5, scale: 2, default: () => '5.0' }) takeProfitPct: string;
  @Column('text', { nullable: true }) strategyDescription: string | null;
  /** The coin universe (ours). */
  @Column('text', { array: true, default: ['BTC', 'ETH', 'SOL', 'BNB', 'DOGE', 'XRP'] }) coins: string[];
  /** Seconds between scheduled cycles (ours). */
  @Column('int', { default: 300 }) cycleIntervalSeconds: number;
  @Column('timestamptz', { default: () => 'now()' }) createdAt: Date;
  @Column('timestamptz', { default: () => 'now()' }) updatedAt: Date;
}

/** Tokens and cost of one model call (seed 004's suggested llm_token_usage): one row per decision. */
@Entity('llm_token_usage')
export class LlmTokenUsage {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') agentId: string;
  @Column('uuid', { nullable: true }) decisionId: string | null;
  @Column('timestamptz', { default: () => 'now()' }) timestamp: Date;
  @Column('varchar', { length: 100 }) model: string;
  @Column('int') promptTokens: number;
  @Column('int') completionTokens: number;
  @Column('int') totalTokens: number;
  /** NULL when the model has no price in the table. */
  @Column({ type: 'decimal', precision: 20, scale: 8, nullable: true }) costUsd: string | null;
}

/**
 * The last mark a venue's market had in a minute, sampled from venue_markets.current_price by triggers (MarketMarks
 * migration); a minute without a row is a minute the mark did not change. What a trader's changes and series read.
 */
@Entity('market_marks')
export class MarketMark {
  @PrimaryColumn({ type: 'enum', enumName: 'venue_v3_t', enum: VENUE_V3 }) venue: VenueV3;
  @PrimaryColumn('text') tokenSymbol: string;
  @PrimaryColumn('timestamptz') minute: Date;
  @MoneyColumn({ nullable: false }) mark: string;
}

/**
 * Seed 004's agent_trades: a VIEW over the positions of an agent's own book (TraderRecords migration). Not synchronised
 * (the migration owns its query); test/schema.spec.ts holds its columns, in order, to the view's. Money as text.
 */
@ViewEntity({ name: 'agent_trades', synchronize: false })
export class AgentTrade {
  /** The position's id. */
  @ViewColumn() id: string;
  @ViewColumn() agentId: string;
  /** The llm_cycle decision that made the position's signal; null once retention removed it. */
  @ViewColumn() decisionId: string | null;
  @ViewColumn() coin: string;
  @ViewColumn() side: 'long' | 'short';
  @ViewColumn() size: string;
  @ViewColumn() entryPrice: string;
  @ViewColumn() entryTime: Date;
  @ViewColumn() exitPrice: string | null;
  @ViewColumn() exitTime: Date | null;
  /** Net of both legs' fees; closed and liquidated trades only. */
  @ViewColumn() realizedPnl: string | null;
  /** At the position's last mark; open trades only. */
  @ViewColumn() unrealizedPnl: string | null;
  /** Σ fee of the position's filled orders. */
  @ViewColumn() fees: string | null;
  @ViewColumn() status: 'open' | 'closed' | 'liquidated';
  /** The venue's id of the opening order (Ostium: its transaction hash). */
  @ViewColumn() hyperliquidOrderId: string | null;
  /** The exit reason. */
  @ViewColumn() notes: string | null;
}

/** Seed 004's bot_state: per key (a service, `llm-trader:<agent id>`), a JSON object of what it last did. */
@Entity('bot_state')
export class BotStateEntry {
  @PrimaryColumn('varchar', { length: 100 }) key: string;
  /** A JSON object (checked): service_start_time, cycle_count, last_cycle_time, last_error. */
  @Column('text') value: string;
  @Column('timestamptz', { default: () => 'now()' }) updatedAt: Date;
}
