import { Module } from '@nestjs/common';
import { CommonModule } from '../common/common.module';
import { WalletsController } from './wallets.controller';
import { WalletsService } from './wallets.service';

/** The smart-money watchlist (seed 003): wallets, their scores and events. */
@Module({ imports: [CommonModule], controllers: [WalletsController], providers: [WalletsService] })
export class WalletsModule {}
