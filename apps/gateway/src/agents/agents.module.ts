import { Module } from '@nestjs/common';
import { CommonModule } from '../common/common.module';
import { AgentsController } from './agents.controller';
import { AgentsService } from './agents.service';
import { LeaderboardController } from './leaderboard.controller';
import { LeaderboardService } from './leaderboard.service';
import { TraderSettingsStore } from './trader-settings';

/**
 * Agents: creation with the proof of intent, listing, the leaderboard, the creator's status changes, an llm_trader's
 * settings and cycles. The leaderboard's controller comes first: its path must match before AgentsController's `:id`.
 */
@Module({
  imports: [CommonModule],
  controllers: [LeaderboardController, AgentsController],
  providers: [AgentsService, LeaderboardService, TraderSettingsStore],
})
export class AgentsModule {}
