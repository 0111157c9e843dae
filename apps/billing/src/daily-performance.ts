import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { exec, first } from '@conduit/db';

/**
 * Refreshes seed 003's daily_performance materialized view (billing.daily-performance, every
 * DAILY_PERFORMANCE_INTERVAL_MS): per UTC day of closing and trading mode, the closed positions of positions_history
 * (archived ones too). CONCURRENTLY, so readers keep the previous rows while it runs (it needs the view's unique index
 * on (date, trading_mode)); a view never populated (created WITH NO DATA, or restored so) cannot be refreshed
 * concurrently, and gets a plain refresh once. Two refreshes at once wait for each other.
 */
@Injectable()
export class DailyPerformance {
  constructor(private readonly ds: DataSource) {}

  async refresh(): Promise<{ rows: number; concurrently: boolean }> {
    const { populated } = (await first<{ populated: boolean }>(
      this.ds,
      `SELECT relispopulated AS populated FROM pg_class WHERE oid = 'daily_performance'::regclass`,
    ))!;
    await exec(this.ds, `REFRESH MATERIALIZED VIEW ${populated ? 'CONCURRENTLY ' : ''}daily_performance`);
    const { n } = (await first<{ n: number }>(this.ds, `SELECT count(*)::int AS n FROM daily_performance`))!;
    return { rows: n, concurrently: populated };
  }
}
