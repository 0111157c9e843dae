import { Module } from '@nestjs/common';
import { CommonModule } from '../common/common.module';
import { BiasController, EventAnalysisController } from './bias.controller';
import { BiasService } from './bias.service';

/** The smart-money bias and the event analyses behind it (seed 003). */
@Module({ imports: [CommonModule], controllers: [BiasController, EventAnalysisController], providers: [BiasService] })
export class BiasModule {}
