import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { first, reportIdOf, ReportRow, rows } from '@conduit/db';
import { Clock, lastCompletePeriod, periodHasEnded, periodStartProblem, ReportPeriod, reportPeriod, ReportType } from '@conduit/domain';
import { JobName, jobId, JobProducer } from '@conduit/queue';
import { CLOCK } from '@conduit/runtime';
import { badRequest, notFound } from '../common/errors';
import { ReportListQuery, RunReportDto } from './reports.dto';

type ReportSummary = Pick<ReportRow, 'id' | 'report_type' | 'period_start' | 'period_end' | 'delivered_at' | 'push_sent' | 'created_at'>;

/** Date text of the query filters as an instant: a bare date is UTC midnight. */
const instant = (s: string) => new Date(/T/.test(s) ? s : `${s}T00:00:00Z`);

/**
 * Reports (issue 15; docs/REPORTS.md): the list and one report, for operators (they hold every deployment's PnL), and
 * an operator's run of one period, queued to billing (billing.reports) under a job id per type and period, so a repeat
 * is a no-op and billing writes the report once.
 */
@Injectable()
export class ReportsService {
  constructor(
    private readonly ds: DataSource,
    private readonly producer: JobProducer,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async list(q: ReportListQuery) {
    const reports = await rows<ReportSummary & { metrics: unknown }>(
      this.ds,
      `SELECT id, report_type, period_start, period_end, delivered_at, push_sent, created_at, metrics FROM reports
        WHERE ($1::text IS NULL OR report_type = $1) AND ($2::timestamptz IS NULL OR period_start >= $2)
          AND ($3::timestamptz IS NULL OR period_end <= $3)
        ORDER BY period_start DESC, report_type LIMIT $4 OFFSET $5`,
      [q.type ?? null, q.from ? instant(q.from) : null, q.to ? instant(q.to) : null, q.limit ?? 50, q.offset ?? 0],
    );
    return { success: true, count: reports.length, reports };
  }

  async get(id: string): Promise<ReportRow> {
    const report = await first<ReportRow>(this.ds, `SELECT * FROM reports WHERE id = $1`, [id]);
    if (!report) throw notFound('report', id);
    return report;
  }

  /** Queues the period's report (the last complete one by default); answers the report's id when it is written already. */
  async run(dto: RunReportDto, traceId: string) {
    const type = dto.type as ReportType;
    const period = this.period(type, dto.period_start);
    const view = { report_type: type, period_start: period.start.toISOString(), period_end: period.end.toISOString() };
    const existing = await reportIdOf(this.ds, period);
    if (existing) return { success: true, queued: false, report_id: existing, ...view };
    const id = jobId(JobName.BillingReports, type, period.start.toISOString().replace(/:/g, '-'));
    await this.producer.emit({
      name: JobName.BillingReports,
      data: { type, periodStart: period.start.toISOString(), traceId },
      jobId: id,
    });
    return { success: true, queued: true, job_id: id, report_id: null, ...view };
  }

  private period(type: ReportType, start?: string): ReportPeriod {
    const now = this.clock.now();
    if (start === undefined) return lastCompletePeriod(type, now);
    const at = new Date(start);
    const problem = periodStartProblem(type, at);
    if (problem) throw badRequest('period_start', problem);
    const period = reportPeriod(type, at);
    if (!periodHasEnded(period, now))
      throw badRequest('period_start', `period_start: the ${type} period from ${period.start.toISOString()} has not ended yet`);
    return period;
  }
}
