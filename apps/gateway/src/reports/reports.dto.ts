import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsString } from 'class-validator';
import { REPORT_TYPES } from '@conduit/domain';
import { PageQuery } from '../common/page.dto';
import { From, IsoTime, Optional, To } from '../common/validation';

const TYPE_MESSAGE = `type must be one of ${REPORT_TYPES.join(', ')}`;
/** A period start: a timestamp with its offset (a boundary of the type is checked by the service). */
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:?\d{2})$/;

export class ReportListQuery extends PageQuery {
  @ApiPropertyOptional({ enum: REPORT_TYPES }) @Optional() @IsIn(REPORT_TYPES, { message: TYPE_MESSAGE }) type?: string;
  /** Reports whose period starts at or after `from`. */
  @From() from?: string;
  /** Reports whose period ends at or before `to`. */
  @To() to?: string;
}

export const REPORT_FORMATS = ['json', 'md'] as const;

export class ReportQuery {
  @ApiPropertyOptional({ enum: REPORT_FORMATS, description: 'md: the markdown alone (text/markdown); so does Accept: text/markdown' })
  @Optional()
  @IsIn(REPORT_FORMATS, { message: `format must be one of ${REPORT_FORMATS.join(', ')}` })
  format?: string;
}

export class RunReportDto {
  @ApiProperty({ enum: REPORT_TYPES }) @IsIn(REPORT_TYPES, { message: TYPE_MESSAGE }) type: string;
  @ApiPropertyOptional({
    description:
      'ISO-8601 start of a period that has ended (4h: 00:00, 04:00, … UTC; daily: UTC midnight); the last complete one when absent',
    example: '2026-06-15T04:00:00Z',
  })
  @Optional()
  @IsString()
  @IsoTime(TIMESTAMP, 'period_start must be an ISO-8601 timestamp with its offset')
  period_start?: string;
}
