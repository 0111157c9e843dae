import { Module } from '@nestjs/common';
import { ReadModels } from './read-models';

/** What the features share: the read models they answer with. */
@Module({ providers: [ReadModels], exports: [ReadModels] })
export class CommonModule {}
