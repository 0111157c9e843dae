import type {
  AgentDeploymentV3,
  AgentV3,
  BillingEventV3,
  PnlSnapshotV3,
  PositionV3,
  SignalV3,
  VenueRoutingConfigV3,
  VenueRoutingHistoryV3,
} from './entities/v3';
import type {
  AgentDecision,
  AuditLog,
  CtAccount,
  CtPost,
  ImpactFactorHistory,
  MarketIndicators6h,
  ResearchInstitute,
  ResearchSignal,
  SignalOutcome,
  VenueMarket,
  VenueOrder,
  VenueStatus,
} from './entities/shared';
import type { AgentTrade, BotStateEntry, LlmTokenUsage, MarketMark, TradingAgent } from './entities/traders';
import type { OperatorApiKey, OperatorLockout, OperatorRecoveryCode, OperatorSession, OperatorSettings, User } from './entities/operators';
import type { Bias, EventAnalysis, Wallet, WalletEvent, WalletScore, WalletTransfer } from './entities/wallets';
import type { Report } from './entities/reports';

type Digit = '0' | '1' | '2' | '3' | '4' | '5' | '6' | '7' | '8' | '9';

/**
 * camelCase → snake_case, as the naming strategy maps entity properties to columns. A run of digits starts a word
 * (apr30d → apr_30d): the entities name those columns so, as the seed does.
 */
type Snake<S extends string, Prev extends string = ''> = S extends `${infer Head}${infer Tail}`
  ? `${Head extends Digit
      ? Prev extends Digit | '' | '_'
        ? Head
        : `_${Head}`
      : Head extends Lowercase<Head>
        ? Head
        : `_${Lowercase<Head>}`}${Snake<Tail, Head>}`
  : S;

/**
 * A row as SQL answers it (snake_case columns), typed from the entity that mirrors its table: the entities are the
 * schema's typed mirror (test/schema.spec.ts holds them to the migrations), and rows derive from them, so a column's
 * type is written once. DECIMAL columns are strings, never numbers.
 */
export type Row<E> = { [K in keyof E as K extends string ? Snake<K> : never]: E[K] };

export type AgentRow = Row<AgentV3>;
/** Every column, the sealed agent keys included: what a client may see is a Pick of it (the gateway's DeploymentView). */
export type DeploymentRow = Row<AgentDeploymentV3>;
export type SignalRow = Row<SignalV3>;
export type PositionRow = Row<PositionV3>;
export type OutcomeRow = Row<SignalOutcome>;
export type OrderRow = Row<VenueOrder>;
export type BillRow = Row<BillingEventV3>;
export type PnlSnapshotRow = Row<PnlSnapshotV3>;
export type RoutingConfigRow = Row<VenueRoutingConfigV3>;
export type RoutingHistoryRow = Row<VenueRoutingHistoryV3>;
export type MarketRow = Row<VenueMarket>;
export type VenueStatusRow = Row<VenueStatus>;
export type CtAccountRow = Row<CtAccount>;
export type CtPostRow = Row<CtPost>;
export type ResearchInstituteRow = Row<ResearchInstitute>;
export type ResearchNoteRow = Row<ResearchSignal>;
export type IndicatorWindowRow = Row<MarketIndicators6h>;
export type ImpactHistoryRow = Row<ImpactFactorHistory>;
export type AuditRow = Row<AuditLog>;
export type AgentDecisionRow = Row<AgentDecision>;
export type TradingAgentRow = Row<TradingAgent>;
export type TokenUsageRow = Row<LlmTokenUsage>;
export type MarketMarkRow = Row<MarketMark>;
/** A row of the agent_trades view. */
export type AgentTradeRow = Row<AgentTrade>;
export type BotStateRow = Row<BotStateEntry>;
export type WalletRow = Row<Wallet>;
export type WalletScoreRow = Row<WalletScore>;
export type WalletEventRow = Row<WalletEvent>;
export type EventAnalysisRow = Row<EventAnalysis>;
export type BiasRow = Row<Bias>;
export type WalletTransferRow = Row<WalletTransfer>;
export type ReportRow = Row<Report>;
export type UserRow = Row<User>;
export type OperatorSessionRow = Row<OperatorSession>;
export type RecoveryCodeRow = Row<OperatorRecoveryCode>;
export type LockoutRow = Row<OperatorLockout>;
export type ApiKeyRow = Row<OperatorApiKey>;
export type OperatorSettingsRow = Row<OperatorSettings>;
