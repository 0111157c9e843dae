import type { DefaultJobOptions } from 'bullmq';

/**
 * Queue names are a wire contract between separately deployed services: renaming one strands the jobs
 * waiting under the old name. One queue per consuming service.
 */
export enum QueueName {
  Signal = 'conduit-signal',
  Policy = 'conduit-policy',
  Router = 'conduit-router',
  Executor = 'conduit-executor',
  Billing = 'conduit-billing',
  Notify = 'conduit-notify',
}

/** Every job Conduit runs. The value is the BullMQ job name. */
export enum JobName {
  /** Agent What: validate and store a proposed signal, then hand it to the policy layer. */
  SignalIngest = 'signal.ingest',
  /** Agent What: classify one ingested post (LLM, trained-model fallback) and log the decision of every agent following its author. */
  SignalClassifyPost = 'signal.classify-post',
  /** Agent What: read one agent's posts, notes and market context of the current 6-hour bucket and emit its signals. */
  SignalGenerate = 'signal.generate',
  /** Agent What: one generate job per ACTIVE agent (repeatable). */
  SignalGenerateAll = 'signal.generate-all',
  /** Agent What: poll X for new posts of followed accounts (repeatable; only with a bearer token). */
  SignalPollX = 'signal.poll-x',
  /** Agent What: a position closed; move the impact factor of the accounts whose posts caused it. */
  SignalPositionClosed = 'signal.position-closed',
  /** Agent What: one cycle of an llm_trader: its model decides, its limits hold the decision, the decision trades. */
  SignalTraderCycle = 'signal.trader-cycle',
  /** Agent What: one trader-cycle job per ACTIVE llm_trader whose interval has a new slot (repeatable). */
  SignalTraderCycles = 'signal.trader-cycles',
  /** Agent What: one wallet-poll job per active watched wallet (repeatable). */
  SignalWalletPolls = 'signal.wallet-polls',
  /** Agent What: read one watched wallet's new fills, ledger and account from Hyperliquid; write its events once and its score. */
  SignalWalletPoll = 'signal.wallet-poll',
  /** Agent What: analyse one wallet event once (LLM when configured, rules otherwise), then recompute its asset's bias. */
  SignalWalletAnalyse = 'signal.wallet-analyse',
  /** Agent What: the bias of one asset (or of every recently traded asset) per timeframe; then the agents following wallets re-read. */
  SignalWalletBias = 'signal.wallet-bias',
  /** Agent How: decide, per deployment of the signal's agent, whether to trade. */
  PolicyEvaluate = 'policy.evaluate',
  /** Agent Where: pick the venue for a signal and fan out one open per approved deployment. */
  RouterRoute = 'router.route',
  /** Executor: open the position of one signal × deployment. */
  ExecutorOpen = 'executor.open',
  /** Executor: open the positions of one signal for a chunk of its deployments (Agent Where's fan-out, OPEN_CHUNK at a time). */
  ExecutorOpenMany = 'executor.open-many',
  /** Executor: close one position (user request, stop, take profit). */
  ExecutorClose = 'executor.close',
  /** Executor: check every open position against its mark: stop loss, take profit, trailing stop, holding time (repeatable). */
  ExecutorMonitor = 'executor.monitor',
  /** Executor: one step of the paper venue's deterministic mark walk (repeatable). */
  ExecutorPaperTick = 'executor.paper-tick',
  /** Executor: follow an order the venue fills asynchronously (Ostium's oracle) until it fills or times out. */
  ExecutorSettle = 'executor.settle',
  /** Executor: live venues' market lists and marks into venue_markets, their health into venues_status (repeatable). */
  ExecutorVenueSync = 'executor.venue-sync',
  /** Executor: compare live deployments' venue positions and orders with ours; the venue is authoritative (repeatable). */
  ExecutorReconcile = 'executor.reconcile',
  /** Billing: a position closed; bill the profit share. */
  BillingPositionClosed = 'billing.position-closed',
  /** Billing: bill every deployment whose billing period is due (repeatable). */
  BillingSubscriptions = 'billing.subscriptions',
  /** Billing: one pnl_snapshots_v3 row per deployment for a UTC day (default today), then the agents' metrics (repeatable). */
  BillingPnlSnapshot = 'billing.pnl-snapshot',
  /** Billing: collect one PENDING event (paper ledger, or the venue for live deployments); retried with backoff. */
  BillingCollect = 'billing.collect',
  /** Billing: one agent_performance row per LLM trader (not STOPPED) and snapshot slot, from its own book (repeatable). */
  BillingAgentPerformance = 'billing.agent-performance',
  /** Billing: delete decisions, performance snapshots and market marks past their retention, in batches (repeatable). */
  BillingRetention = 'billing.retention',
  /** Billing: refresh the daily_performance materialized view (repeatable). */
  BillingDailyPerformance = 'billing.daily-performance',
  /**
   * Billing: the reports (issue 15) of one period and type, or of the last complete 4h and daily periods when absent
   * (repeatable); each written once per period and type.
   */
  BillingReports = 'billing.reports',
  /** Notifier: send one notification delivery (one channel), at most once: claimed pending → sending before it is sent. */
  NotifyDeliver = 'notify.deliver',
  /** Notifier: deliveries of new notifications, due retries, and deliveries a crash left sending (repeatable). */
  NotifySweep = 'notify.sweep',
}

export interface Traced {
  /** Follows the job chain from the request that started it. */
  traceId?: string;
}

/** The proposal Agent What validates and stores (not a row yet: the row is what this job creates). */
export interface SignalIngestPayload extends Traced {
  signalId: string;
  agentId: string;
  tokenSymbol: string;
  side: string;
  sizeModel: Record<string, unknown>;
  riskModel: Record<string, unknown>;
  confidence?: number | null;
  sourceTweets?: string[];
  sourceResearch?: string[];
  /** A wallet signal's evidence (issue 14): every wallet with a share of the bias, every event that carried weight. */
  sourceWallets?: string[];
  sourceEvents?: string[];
  /** The wallet with the largest share; the positions opened from the signal carry it. */
  signalWalletId?: string;
}

/**
 * The payload of every job, by name. Jobs carry ids, never rows. Each has its JSON schema in payloads.ts (typed by
 * this map, so the two cannot drift): producers validate before adding, processors before handling.
 */
export interface JobPayloadMap {
  [JobName.SignalIngest]: SignalIngestPayload;
  [JobName.SignalClassifyPost]: { postId: string } & Traced;
  [JobName.SignalGenerate]: {
    agentId: string;
    /** ISO start of the 6-hour bucket; the current one when absent. */ bucket?: string;
  } & Traced;
  [JobName.SignalGenerateAll]: Record<string, never>;
  [JobName.SignalPollX]: Record<string, never>;
  [JobName.SignalPositionClosed]: { positionId: string } & Traced;
  [JobName.SignalTraderCycle]: {
    agentId: string;
    /** The cycle's slot: `every-<seconds>-<n>` (the n-th interval since the epoch) or `manual-<uuid>`; one decision per slot. */
    slot: string;
  } & Traced;
  [JobName.SignalTraderCycles]: Record<string, never>;
  [JobName.SignalWalletPolls]: Record<string, never>;
  [JobName.SignalWalletPoll]: { walletId: string } & Traced;
  [JobName.SignalWalletAnalyse]: { eventId: string } & Traced;
  [JobName.SignalWalletBias]: {
    /** One asset (after an event's analysis); every asset traded in the last 24 hours when absent (the schedule). */
    asset?: string;
  } & Traced;
  [JobName.PolicyEvaluate]: { signalId: string } & Traced;
  [JobName.RouterRoute]: { signalId: string } & Traced;
  [JobName.ExecutorOpen]: { signalId: string; deploymentId: string } & Traced;
  [JobName.ExecutorOpenMany]: { signalId: string; deploymentIds: string[] } & Traced;
  [JobName.ExecutorClose]: { positionId: string; reason: string } & Traced;
  [JobName.ExecutorMonitor]: Record<string, never>;
  [JobName.ExecutorPaperTick]: Record<string, never>;
  [JobName.ExecutorSettle]: { positionId: string; leg: 'open' | 'close'; reason?: string; round: number } & Traced;
  [JobName.ExecutorVenueSync]: Record<string, never>;
  [JobName.ExecutorReconcile]: { deploymentId?: string } & Traced;
  [JobName.BillingPositionClosed]: { positionId: string } & Traced;
  [JobName.BillingSubscriptions]: Record<string, never>;
  [JobName.BillingCollect]: { billingEventId: string } & Traced;
  [JobName.BillingPnlSnapshot]: { /** YYYY-MM-DD (UTC); today when absent */ day?: string };
  [JobName.BillingAgentPerformance]: Record<string, never>;
  [JobName.BillingRetention]: Record<string, never>;
  [JobName.BillingDailyPerformance]: Record<string, never>;
  [JobName.BillingReports]: {
    /** '4h' or 'daily'; both when absent (the schedule). */
    type?: '4h' | 'daily';
    /** ISO start of the period (a boundary of its type); the last complete period when absent. Needs `type`. */
    periodStart?: string;
  } & Traced;
  [JobName.NotifyDeliver]: { deliveryId: string };
  [JobName.NotifySweep]: Record<string, never>;
}
export type JobPayload<N extends JobName> = JobPayloadMap[N];

/** Which queue carries each job. */
export const JOB_QUEUE = {
  [JobName.SignalIngest]: QueueName.Signal,
  [JobName.SignalClassifyPost]: QueueName.Signal,
  [JobName.SignalGenerate]: QueueName.Signal,
  [JobName.SignalGenerateAll]: QueueName.Signal,
  [JobName.SignalPollX]: QueueName.Signal,
  [JobName.SignalPositionClosed]: QueueName.Signal,
  [JobName.SignalTraderCycle]: QueueName.Signal,
  [JobName.SignalTraderCycles]: QueueName.Signal,
  [JobName.SignalWalletPolls]: QueueName.Signal,
  [JobName.SignalWalletPoll]: QueueName.Signal,
  [JobName.SignalWalletAnalyse]: QueueName.Signal,
  [JobName.SignalWalletBias]: QueueName.Signal,
  [JobName.PolicyEvaluate]: QueueName.Policy,
  [JobName.RouterRoute]: QueueName.Router,
  [JobName.ExecutorOpen]: QueueName.Executor,
  [JobName.ExecutorOpenMany]: QueueName.Executor,
  [JobName.ExecutorClose]: QueueName.Executor,
  [JobName.ExecutorMonitor]: QueueName.Executor,
  [JobName.ExecutorPaperTick]: QueueName.Executor,
  [JobName.ExecutorSettle]: QueueName.Executor,
  [JobName.ExecutorVenueSync]: QueueName.Executor,
  [JobName.ExecutorReconcile]: QueueName.Executor,
  [JobName.BillingPositionClosed]: QueueName.Billing,
  [JobName.BillingSubscriptions]: QueueName.Billing,
  [JobName.BillingCollect]: QueueName.Billing,
  [JobName.BillingPnlSnapshot]: QueueName.Billing,
  [JobName.BillingAgentPerformance]: QueueName.Billing,
  [JobName.BillingRetention]: QueueName.Billing,
  [JobName.BillingDailyPerformance]: QueueName.Billing,
  [JobName.BillingReports]: QueueName.Billing,
  [JobName.NotifyDeliver]: QueueName.Notify,
  [JobName.NotifySweep]: QueueName.Notify,
} as const satisfies { readonly [N in JobName]: QueueName };

export type JobsOf<Q extends QueueName> = { [N in JobName]: (typeof JOB_QUEUE)[N] extends Q ? N : never }[JobName];

export function jobsOfQueue(queue: QueueName): JobName[] {
  return (Object.keys(JOB_QUEUE) as JobName[]).filter((name) => JOB_QUEUE[name] === queue);
}

/**
 * Deployments per executor.open-many job: a signal's fan-out to N deployments is N / OPEN_CHUNK jobs rather than N,
 * each opened as one batch (one read, one insert of the orders, one transaction of positions).
 */
export const OPEN_CHUNK = 200;

/** Retention: completed jobs are kept an hour (Bull Board, dedup window), failed ones a week for inspection. */
export const COMPLETED_JOB_RETENTION = { age: 60 * 60, count: 50_000 } as const;
export const FAILED_JOB_RETENTION = { age: 7 * 24 * 60 * 60 } as const;

/**
 * Job options in one place: at-least-once with exponential backoff; effects are idempotent downstream.
 * Poison jobs: a payload that fails its schema (payloads.ts) is never retried, since no attempt could process it; it
 * ends FAILED at once with the reason naming the field (UnrecoverableError), and the jobs behind it run. A valid
 * payload that cannot be processed (an unknown id, a venue down) is retried per these options and ends FAILED with
 * its reason after the last attempt, when the processor records the outcome (QueueProcessor.onFinalFailure).
 * Failed jobs stay in the failed set (Bull Board) for FAILED_JOB_RETENTION.
 */
export const DEFAULT_JOB_OPTIONS: DefaultJobOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 500 },
  removeOnComplete: COMPLETED_JOB_RETENTION,
  removeOnFail: FAILED_JOB_RETENTION,
};

export const QUEUE_JOB_OPTIONS: { readonly [Q in QueueName]: DefaultJobOptions } = {
  [QueueName.Signal]: DEFAULT_JOB_OPTIONS,
  [QueueName.Policy]: DEFAULT_JOB_OPTIONS,
  [QueueName.Router]: DEFAULT_JOB_OPTIONS,
  // Orders: a few more tries with a longer base delay, so a venue hiccup does not exhaust them.
  [QueueName.Executor]: { ...DEFAULT_JOB_OPTIONS, attempts: 8, backoff: { type: 'exponential', delay: 1000 } },
  [QueueName.Billing]: { ...DEFAULT_JOB_OPTIONS, attempts: 8, backoff: { type: 'exponential', delay: 1000 } },
  // A delivery retries itself (its row's attempts and backoff); a job's own retries only cover the database failing
  // around it, and the claim makes a re-run send nothing twice.
  [QueueName.Notify]: DEFAULT_JOB_OPTIONS,
};

/** A bill's collection: retried with exponential backoff over the configured window, wherever it is queued from. */
export function collectJobOptions(env: { BILLING_COLLECT_ATTEMPTS: number; BILLING_COLLECT_BACKOFF_MS: number }): DefaultJobOptions {
  return { attempts: env.BILLING_COLLECT_ATTEMPTS, backoff: { type: 'exponential', delay: env.BILLING_COLLECT_BACKOFF_MS } };
}

/**
 * Worker options of every processor, where BullMQ's defaults (30 s lock, stalled check every 30 s) do not fit: the
 * jobs a crashed (kill -9) service had in flight come back in about 10 s instead of up to a minute (measured by
 * `npm run chaos`). Every effect is idempotent (deterministic ids, unique constraints, conditional updates), so a
 * job re-run while its first run is still alive (a lock lost to a long pause) is safe, and a few such stalls are
 * tolerated before the job counts as failed.
 */
export const WORKER_OPTIONS = { lockDuration: 10_000, stalledInterval: 5_000, maxStalledCount: 3 } as const;
/** The executor's worker options: the same as every worker's. */
export const EXECUTOR_WORKER_OPTIONS = WORKER_OPTIONS;

/**
 * Deterministic job id: the same effect always gets the same id, so a duplicate add while the first is
 * waiting, active or retained is a no-op. BullMQ custom ids may not contain ':'.
 */
export function jobId<N extends JobName>(name: N, ...ids: string[]): string {
  return [name, ...ids].join('.');
}
