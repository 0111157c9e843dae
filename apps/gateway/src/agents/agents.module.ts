import { Module } from '@nestjs/common';
import { CommonModule } from '../common/common.module';
import { AgentsController } from './agents.controller';
import { AgentsService } from './agents.service';

/** Agents: creation with the proof of intent, listing, and the creator's status changes. */
@Module({ imports: [CommonModule], controllers: [AgentsController], providers: [AgentsService] })
export class AgentsModule {}
