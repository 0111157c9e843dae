import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { AdminOnly } from '../auth/auth.guard';
import { AuditQuery } from './dto';

/** Admin: the audit trail, by trace (one action through every service), subject or event. */
@ApiTags('admin')
@AdminOnly()
@Controller('api/v3/admin')
export class AuditController {
  constructor(private readonly ds: DataSource) {}

  @Get('audit')
  @ApiOperation({ summary: 'Audit log entries, oldest first within a trace, newest first otherwise' })
  async audit(@Query() q: AuditQuery) {
    const entries = await this.ds.query(
      `SELECT id, event_name, subject_type, subject_id, payload, trace_id, occurred_at FROM audit_logs
        WHERE ($1::text IS NULL OR trace_id = $1) AND ($2::text IS NULL OR subject_type = $2)
          AND ($3::uuid IS NULL OR subject_id = $3) AND ($4::text IS NULL OR event_name = $4)
        ORDER BY CASE WHEN $1::text IS NULL THEN NULL ELSE occurred_at END ASC, occurred_at DESC, id LIMIT $5 OFFSET $6`,
      [q.trace_id ?? null, q.subject_type ?? null, q.subject_id ?? null, q.event_name ?? null, q.limit ?? 50, q.offset ?? 0],
    );
    return { success: true, count: entries.length, entries };
  }
}
