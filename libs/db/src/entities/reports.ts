import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { NotableEvent, ReportMetrics, ReportType } from '@conduit/domain';

/**
 * One report per period and type (seed 003's reports; the Reports migration): the markdown, its metrics and notable
 * events, and the delivery columns notifications fills in. UNIQUE (report_type, period_start) in the migration.
 */
@Entity('reports')
export class Report {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('timestamptz') periodStart: Date;
  @Column('timestamptz') periodEnd: Date;
  @Column('varchar', { length: 20, default: '4h' }) reportType: ReportType;
  @Column('text', { nullable: true }) summaryMarkdown: string | null;
  @Column('jsonb', { nullable: true }) metrics: ReportMetrics | null;
  @Column('jsonb', { nullable: true }) notableEvents: NotableEvent[] | null;
  /** When notifications delivered "report ready"; NULL until then. */
  @Column('timestamptz', { nullable: true }) deliveredAt: Date | null;
  @Column('boolean', { default: false }) pushSent: boolean;
  @Column('timestamptz', { nullable: true, default: () => 'now()' }) createdAt: Date | null;
}
