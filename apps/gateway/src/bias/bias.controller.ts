import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { uuidParam } from '../common/validation';
import { BiasQuery } from './bias.dto';
import { BiasResponse, EventAnalysisResponse } from './bias.responses';
import { BiasService } from './bias.service';

/** The smart-money bias per asset and timeframe (seed 003): anyone reads it. */
@ApiTags('wallets')
@Controller('api/v3/bias')
export class BiasController {
  constructor(private readonly bias: BiasService) {}

  @Get()
  @ApiOperation({ summary: 'The latest bias per asset and timeframe, or its history between from and to' })
  @ApiOkResponse({ type: BiasResponse })
  list(@Query() q: BiasQuery) {
    return this.bias.bias(q);
  }
}

/** A watched wallet's event as analysed (seed 003's event_analysis): anyone reads it. */
@ApiTags('wallets')
@Controller('api/v3/events')
export class EventAnalysisController {
  constructor(private readonly bias: BiasService) {}

  @Get(':id/analysis')
  @ApiOperation({ summary: "A wallet event's analysis (404 for an unknown event, or one not analysed yet)" })
  @ApiOkResponse({ type: EventAnalysisResponse })
  analysis(@Param('id', uuidParam('id')) id: string) {
    return this.bias.analysis(id);
  }
}
