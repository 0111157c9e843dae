import { Module } from '@nestjs/common';
import { ReportsController } from './reports.controller';
import { ReportsService } from './reports.service';

/** Reports (issue 15): the list, one report (JSON or markdown) and an operator's run; billing writes them. */
@Module({ controllers: [ReportsController], providers: [ReportsService] })
export class ReportsModule {}
