import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiOperation, ApiTags, getSchemaPath } from '@nestjs/swagger';
import type { Response } from 'express';
import { AdminOnly } from '../auth/auth.decorators';
import { TraceId } from '../common/trace';
import { uuidParam } from '../common/validation';
import { ReportListQuery, ReportQuery, RunReportDto } from './reports.dto';
import { ReportListResponse, ReportResponse } from './reports.responses';
import { ReportsService } from './reports.service';

/**
 * Reports, operators only: a report aggregates every deployment's PnL, which is each subscriber's own (issue 15,
 * private reads), so its reads are @AdminOnly like the run. Whatever replaces the admin's basic auth (operator
 * sessions) applies here through the same decorator.
 */
@ApiTags('reports')
@AdminOnly()
@Controller('api/v3')
export class ReportsController {
  constructor(private readonly reports: ReportsService) {}

  @Get('reports')
  @ApiOperation({ summary: 'Reports (4h and daily), newest period first; by type and period (from inclusive, to exclusive of the end)' })
  @ApiOkResponse({ type: ReportListResponse })
  list(@Query() q: ReportListQuery) {
    return this.reports.list(q);
  }

  @Get('reports/:id')
  @ApiOperation({
    summary: 'One report: its markdown, metrics and notable events as JSON; the markdown alone with ?format=md or Accept: text/markdown',
  })
  @ApiExtraModels(ReportResponse)
  @ApiOkResponse({
    description: 'JSON; with ?format=md or Accept: text/markdown the markdown alone',
    content: {
      'application/json': { schema: { $ref: getSchemaPath(ReportResponse) } },
      'text/markdown': { schema: { type: 'string' } },
    },
  })
  async get(
    @Param('id', uuidParam('id')) id: string,
    @Query() q: ReportQuery,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ) {
    const report = await this.reports.get(id);
    const markdown = q.format === 'md' || (q.format === undefined && /\btext\/markdown\b/.test(accept ?? ''));
    if (!markdown) return { success: true, report };
    res.type('text/markdown; charset=utf-8');
    return report.summary_markdown ?? '';
  }

  @Post('admin/reports/run')
  @HttpCode(202)
  @ApiOperation({ summary: "Queue one period's report (the last complete one by default); once per type and period" })
  run(@Body() dto: RunReportDto, @TraceId() traceId: string) {
    return this.reports.run(dto, traceId);
  }
}
