import { Module } from '@nestjs/common';
import { CommonModule } from '../common/common.module';
import { TradersController } from './traders.controller';
import { TradersService } from './traders.service';

/** LLM traders' records: trades, performance history, model usage and cost. */
@Module({ imports: [CommonModule], controllers: [TradersController], providers: [TradersService] })
export class TradersModule {}
