import { Module } from '@nestjs/common';
import { CommonModule } from '../common/common.module';
import { JourneyService } from './journey.service';
import { TradingController } from './trading.controller';
import { TradingService } from './trading.service';

/** Trading: signals into the pipeline, their execution and journey, and positions (list, read, close). */
@Module({ imports: [CommonModule], controllers: [TradingController], providers: [TradingService, JourneyService] })
export class TradingModule {}
