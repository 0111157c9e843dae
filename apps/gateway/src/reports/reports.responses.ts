import { ApiProperty } from '@nestjs/swagger';
import { REPORT_TYPES, ReportType } from '@conduit/domain';

/** A report in the list: its period and delivery, and its metrics (the markdown is read one report at a time). */
export class ReportSummary {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: REPORT_TYPES }) report_type: ReportType;
  @ApiProperty({ type: String, format: 'date-time' }) period_start: Date;
  @ApiProperty({ type: String, format: 'date-time', description: 'exclusive' }) period_end: Date;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'when "report ready" went out' })
  delivered_at: Date | null;
  @ApiProperty() push_sent: boolean;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) created_at: Date | null;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true, description: 'figures are decimal strings' })
  metrics: Record<string, unknown> | null;
}

export class ReportListResponse {
  @ApiProperty() success: boolean;
  @ApiProperty({ description: 'reports on this page' }) count: number;
  @ApiProperty({ type: [ReportSummary] }) reports: ReportSummary[];
}

export class Report extends ReportSummary {
  @ApiProperty({ type: String, nullable: true, description: 'the report as GitHub-flavoured markdown' }) summary_markdown: string | null;
  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true }, nullable: true })
  notable_events: Record<string, unknown>[] | null;
}

export class ReportResponse {
  @ApiProperty() success: boolean;
  @ApiProperty({ type: Report }) report: Report;
}
