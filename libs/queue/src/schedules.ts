import type { Queue } from 'bullmq';
import type { Env } from '@conduit/config';
import { FAILED_JOB_RETENTION, JOB_QUEUE, JobName, QueueName } from './contract';

/**
 * The repeatable work of every service, in one table beside the job contract: the job a BullMQ job scheduler runs,
 * under which scheduler id, and how often (0: not scheduled, and a scheduler an earlier boot left is removed). One
 * scheduler per id whatever the number of replicas; each processor syncs its queue's at boot (syncSchedules).
 */
export interface ScheduledJob {
  /** The BullMQ job scheduler's id (stable: renaming one leaves the old scheduler running). */
  id: string;
  name: JobName;
  /** Interval in ms from the environment; 0 turns the schedule off. */
  every(env: Env): number;
}

export const SCHEDULES: readonly ScheduledJob[] = [
  { id: 'signal-generate', name: JobName.SignalGenerateAll, every: (env) => env.SIGNAL_GENERATE_INTERVAL_MS },
  // Each tick queues the llm_traders whose interval has a new slot (one job per agent and slot).
  { id: 'trader-cycles', name: JobName.SignalTraderCycles, every: (env) => env.TRADER_TICK_MS },
  // Watched wallets: one poll per active wallet per tick; every recently traded asset's bias on its own schedule.
  { id: 'wallet-polls', name: JobName.SignalWalletPolls, every: (env) => env.WALLET_POLL_INTERVAL_MS },
  { id: 'wallet-bias', name: JobName.SignalWalletBias, every: (env) => env.WALLET_BIAS_INTERVAL_MS },
  { id: 'poll-x', name: JobName.SignalPollX, every: (env) => (env.X_BEARER_TOKEN ? env.X_POLL_INTERVAL_MS : 0) },
  { id: 'paper-walk', name: JobName.ExecutorPaperTick, every: (env) => (env.PAPER_RANDOM_WALK ? env.PAPER_WALK_INTERVAL_MS : 0) },
  { id: 'position-monitor', name: JobName.ExecutorMonitor, every: (env) => env.MONITOR_INTERVAL_MS },
  // Live venues only: market lists and health, and reconciliation.
  { id: 'venue-sync', name: JobName.ExecutorVenueSync, every: (env) => (env.LIVE_TRADING ? env.VENUE_SYNC_INTERVAL_MS : 0) },
  { id: 'reconcile', name: JobName.ExecutorReconcile, every: (env) => (env.LIVE_TRADING ? env.RECONCILE_INTERVAL_MS : 0) },
  { id: 'subscriptions', name: JobName.BillingSubscriptions, every: (env) => env.BILLING_INTERVAL_MS },
  // Today's snapshot as often as billing runs; a finished day keeps its last one.
  { id: 'pnl-snapshot', name: JobName.BillingPnlSnapshot, every: (env) => env.BILLING_INTERVAL_MS },
  // One agent_performance row per LLM trader and interval (the interval is also the slot a row stands for).
  { id: 'agent-performance', name: JobName.BillingAgentPerformance, every: (env) => env.AGENT_PERFORMANCE_INTERVAL_MS },
  { id: 'daily-performance', name: JobName.BillingDailyPerformance, every: (env) => env.DAILY_PERFORMANCE_INTERVAL_MS },
  { id: 'retention', name: JobName.BillingRetention, every: (env) => env.RETENTION_INTERVAL_MS },
  // Each tick writes the last complete 4h and daily periods' reports that are not written yet (once per period and type).
  { id: 'reports', name: JobName.BillingReports, every: (env) => env.REPORTS_INTERVAL_MS },
  // Notifications: new ones fanned out to their channels, due retries queued, crashed sends failed (docs/NOTIFICATIONS.md).
  { id: 'notify-sweep', name: JobName.NotifySweep, every: (env) => env.NOTIFY_SWEEP_MS },
];

/** The schedules whose jobs a queue carries. */
export function schedulesOf(queue: QueueName): ScheduledJob[] {
  return SCHEDULES.filter((s) => JOB_QUEUE[s.name] === queue);
}

/**
 * Scheduled jobs run once per tick: a missed tick is the next one's work, so no retries. A completed tick is removed
 * at once (`true` removes that job only). Not a count: BullMQ trims the queue's whole completed (failed) set to the
 * count, so `removeOnComplete: 100` on a tick every second left the executor's completed opens and closes — the
 * window in which their deterministic job ids de-duplicate — a minute or two instead of COMPLETED_JOB_RETENTION.
 * Failed ticks are kept like any failed job (an age no shorter than the queue's, for the same reason).
 */
export const SCHEDULED_JOB_OPTIONS = { attempts: 1, removeOnComplete: true, removeOnFail: FAILED_JOB_RETENTION } as const;

/**
 * One BullMQ job scheduler per id, whatever the number of replicas: upserted to run `name` every `everyMs` when
 * `everyMs` > 0, removed otherwise (so turning a setting off also stops what an earlier boot scheduled).
 */
export async function syncJobScheduler(queue: Queue, id: string, everyMs: number, name: JobName): Promise<void> {
  if (everyMs > 0) await queue.upsertJobScheduler(id, { every: everyMs }, { name, data: {}, opts: SCHEDULED_JOB_OPTIONS });
  else await queue.removeJobScheduler(id);
}

/** Every schedule of the queue, as the environment sets it. */
export async function syncSchedules(queue: Queue, name: QueueName, env: Env): Promise<void> {
  for (const s of schedulesOf(name)) await syncJobScheduler(queue, s.id, s.every(env), s.name);
}
