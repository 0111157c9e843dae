import { Module } from '@nestjs/common';
import { StatsController } from './stats.controller';
import { StatsService } from './stats.service';

/** Read-only statistics: the pipeline overview, routing history and agent performance. */
@Module({ controllers: [StatsController], providers: [StatsService] })
export class StatsModule {}
