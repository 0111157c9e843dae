import { Injectable } from '@nestjs/common';

/** Refreshes the daily_performance materialized view (billing.daily-performance). */
@Injectable()
export class DailyPerformance {
  async refresh(): Promise<{ days: number }> {
    throw new Error('DailyPerformance.refresh: scaffold, being written');
  }
}
