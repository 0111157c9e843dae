/**
 * Report periods (issue 15, seed 003's `reports`): a `4h` report covers one of the six UTC 4-hour blocks of a day
 * (00:00, 04:00, … 20:00), a `daily` report one UTC day. A period is [start, end): start inclusive, end exclusive.
 */
export const REPORT_TYPES = ['4h', 'daily'] as const;
export type ReportType = (typeof REPORT_TYPES)[number];

/** Each type's length; both divide a day, so epoch-aligned periods are aligned on UTC midnight too. */
export const REPORT_PERIOD_MS: Readonly<Record<ReportType, number>> = { '4h': 4 * 60 * 60 * 1000, daily: 24 * 60 * 60 * 1000 };

export interface ReportPeriod {
  type: ReportType;
  start: Date;
  end: Date;
}

export function isReportType(value: unknown): value is ReportType {
  return typeof value === 'string' && (REPORT_TYPES as readonly string[]).includes(value);
}

/** The period of `type` that starts at `start`; throws when `start` is not a boundary of that type. */
export function reportPeriod(type: ReportType, start: Date): ReportPeriod {
  const problem = periodStartProblem(type, start);
  if (problem) throw new RangeError(problem);
  return { type, start: new Date(start.getTime()), end: new Date(start.getTime() + REPORT_PERIOD_MS[type]) };
}

/** Why `start` cannot start a period of `type` (the message names period_start), or null when it can. */
export function periodStartProblem(type: ReportType, start: Date): string | null {
  if (!Number.isFinite(start.getTime())) return 'period_start must be a date-time';
  if (start.getTime() % REPORT_PERIOD_MS[type] === 0) return null;
  return type === 'daily'
    ? 'period_start must be a UTC midnight for a daily report'
    : 'period_start must start a 4-hour block (00:00, 04:00, 08:00, 12:00, 16:00 or 20:00 UTC) for a 4h report';
}

/** The period of `type` that contains `at`. */
export function periodContaining(type: ReportType, at: Date): ReportPeriod {
  const len = REPORT_PERIOD_MS[type];
  return reportPeriod(type, new Date(Math.floor(at.getTime() / len) * len));
}

/** The latest period of `type` that has ended by `now` (its end ≤ now): the one a scheduled run reports on. */
export function lastCompletePeriod(type: ReportType, now: Date): ReportPeriod {
  const current = periodContaining(type, now);
  return reportPeriod(type, new Date(current.start.getTime() - REPORT_PERIOD_MS[type]));
}

/** Whether the period has ended by `now`: a report of a period still running would be incomplete. */
export function periodHasEnded(period: ReportPeriod, now: Date): boolean {
  return period.end.getTime() <= now.getTime();
}
