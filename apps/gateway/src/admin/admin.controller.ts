import { Body, Controller, Get, HttpCode, Put, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminOnly, DataFeed } from '../auth/auth.decorators';
import { TraceId } from '../common/trace';
import { AuditQuery, PaperMarkDto } from './admin.dto';
import { AdminService } from './admin.service';

/** Operators only: a session with the viewer role reads, the operator role acts; paper marks also take an API key. */
@ApiTags('admin')
@AdminOnly()
@Controller('api/v3/admin')
export class AdminController {
  constructor(private readonly admin: AdminService) {}

  @Put('paper/marks')
  @DataFeed()
  @HttpCode(200)
  @ApiOperation({ summary: 'Set the paper mark of a market' })
  setMark(@Body() dto: PaperMarkDto, @TraceId() traceId: string) {
    return this.admin.setMark(dto, traceId);
  }

  @Get('state')
  @ApiOperation({
    summary: "Every service's and LLM trader's state (seed 004 bot_state): start time, cycles, last cycle and its error",
  })
  state() {
    return this.admin.state();
  }

  @Get('audit')
  @ApiOperation({ summary: 'Audit log entries, oldest first within a trace, newest first otherwise' })
  audit(@Query() q: AuditQuery) {
    return this.admin.audit(q);
  }
}
