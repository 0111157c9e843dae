import { Module } from '@nestjs/common';
import { CommonModule } from '../common/common.module';
import { SourcesController } from './sources.controller';
import { SourcesService } from './sources.service';

/** Agent What's sources: X posts, research notes, market indicators, CT accounts, and its decision log. */
@Module({ imports: [CommonModule], controllers: [SourcesController], providers: [SourcesService] })
export class SourcesModule {}
