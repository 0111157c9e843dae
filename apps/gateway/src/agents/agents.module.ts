import { Module } from '@nestjs/common';
import { CommonModule } from '../common/common.module';
import { AgentsController } from './agents.controller';
import { AgentsService } from './agents.service';
import { TraderSettingsStore } from './trader-settings';

/** Agents: creation with the proof of intent, listing, the creator's status changes, an llm_trader's settings and cycles. */
@Module({ imports: [CommonModule], controllers: [AgentsController], providers: [AgentsService, TraderSettingsStore] })
export class AgentsModule {}
