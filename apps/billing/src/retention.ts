import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Env } from '@conduit/config';
import { Clock } from '@conduit/domain';
import { first } from '@conduit/db';
import { CLOCK, ENV } from '@conduit/runtime';
import { PositionArchive } from './position-archive';

/** Rows deleted per statement: each statement holds its locks, and its share of the WAL, only that long. */
export const RETENTION_BATCH = 5000;

/** What one table keeps: rows whose time column is older than its days are deleted. */
interface RetentionRule {
  table: string;
  column: string;
  days(env: Env): number;
  /** Another feature's table: skipped while it does not exist. */
  optional?: boolean;
  /** Rows it keeps however old (a condition on the row `t`). */
  keep?: string;
}

/**
 * Seed 004's retention, in days from the environment: decisions 90, performance snapshots 180, market marks 2; seed
 * 003's: events 90, wallet scores 180, bias 30.
 * Trades are never deleted (agent_trades is a view over positions_history: closed positions past
 * RETENTION_POSITIONS_ARCHIVE_DAYS move to positions_archive, position-archive.ts, and stay in it); llm_token_usage
 * keeps its rows when their decision goes (decision_id ON DELETE SET NULL), so costs stay whole.
 */
export const RETENTION_RULES: readonly RetentionRule[] = [
  { table: 'agent_decisions', column: 'timestamp', days: (env) => env.RETENTION_DECISIONS_DAYS },
  { table: 'agent_performance', column: 'snapshot_time', days: (env) => env.RETENTION_PERFORMANCE_DAYS },
  // Seed 003: events 90 days (their analyses go with them), wallet scores 180, bias 30.
  { table: 'events', column: 'timestamp', days: (env) => env.RETENTION_EVENTS_DAYS },
  { table: 'wallet_scores', column: 'timestamp', days: (env) => env.RETENTION_WALLET_SCORES_DAYS },
  { table: 'bias', column: 'timestamp', days: (env) => env.RETENTION_BIAS_DAYS },
  // A market's newest mark stays however old: a mark that has not moved lives only in its last row.
  {
    table: 'market_marks',
    column: 'minute',
    days: (env) => env.RETENTION_MARKS_DAYS,
    keep: `t.minute = (SELECT max(x.minute) FROM market_marks x WHERE x.venue = t.venue AND x.token_symbol = t.token_symbol)`,
  },
];

export interface RetentionResult {
  table: string;
  /** Rows older than this were deleted. */
  before: string;
  deleted: number;
  /** DELETE statements run (each at most RETENTION_BATCH rows). */
  statements: number;
  /** Why the table was left alone. */
  skipped?: string;
}

/**
 * The retention job (billing.retention, daily). It runs in billing, the service that owns the periodic bookkeeping
 * (snapshots, subscriptions) and is off the signal → executor path, so its deletes never compete with a fan-out. The
 * cut-off comes from the injected clock. Rows go RETENTION_BATCH at a time, oldest first, each batch its own
 * statement (and transaction), so a large table is never locked or bloated by one long delete; a repeated or
 * overlapping run deletes what is left. Last, old closed positions move to positions_archive (PositionArchive), its
 * result the list's last entry.
 */
@Injectable()
export class Retention {
  private readonly logger = new Logger(Retention.name);

  constructor(
    private readonly ds: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ENV) private readonly env: Env,
    private readonly archive: PositionArchive,
  ) {}

  async run(): Promise<RetentionResult[]> {
    const now = this.clock.now().getTime();
    const results: RetentionResult[] = [];
    for (const rule of RETENTION_RULES) {
      const before = new Date(now - rule.days(this.env) * 86_400_000);
      const result: RetentionResult = { table: rule.table, before: before.toISOString(), deleted: 0, statements: 0 };
      const missing = rule.optional ? await this.missing(rule) : null;
      if (missing) {
        result.skipped = missing;
        if (missing.includes('column')) this.logger.warn(`retention of ${rule.table} skipped: ${missing}`);
      } else {
        await this.deleteBefore(rule, before, result);
      }
      results.push(result);
    }
    results.push(await this.archive.run());
    return results;
  }

  /** Why an optional table cannot be pruned (it does not exist, or lacks the column), or null. */
  private async missing(rule: RetentionRule): Promise<string | null> {
    const found = await first<{ has_table: boolean; has_column: boolean }>(
      this.ds,
      `SELECT to_regclass($1) IS NOT NULL AS has_table,
              EXISTS (SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1
                         AND column_name = $2) AS has_column`,
      [rule.table, rule.column],
    );
    if (!found?.has_table) return `no table ${rule.table}`;
    return found.has_column ? null : `${rule.table} has no column ${rule.column}`;
  }

  private async deleteBefore(rule: RetentionRule, before: Date, result: RetentionResult): Promise<void> {
    // Identifiers come from RETENTION_RULES, never from input.
    const [table, column] = [`"${rule.table}"`, `"${rule.column}"`];
    const keep = rule.keep ? `AND NOT (${rule.keep})` : '';
    const sql = `WITH gone AS (
                   DELETE FROM ${table}
                    WHERE ctid = ANY (ARRAY(SELECT ctid FROM ${table} t WHERE t.${column} < $1 ${keep}
                                             ORDER BY t.${column} LIMIT $2)) AND ${column} < $1
                   RETURNING 1)
                 SELECT count(*)::int AS n FROM gone`;
    for (;;) {
      const { n } = (await first<{ n: number }>(this.ds, sql, [before, RETENTION_BATCH]))!;
      result.deleted += n;
      result.statements += 1;
      if (n < RETENTION_BATCH) return;
    }
  }
}
