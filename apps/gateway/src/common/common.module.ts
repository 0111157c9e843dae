import { Module } from '@nestjs/common';
import { ChangeFeed } from './change-feed';
import { ReadModels } from './read-models';

/** What the features share: the read models they answer with, and the change feed they wait on. */
@Module({ providers: [ReadModels, ChangeFeed], exports: [ReadModels, ChangeFeed] })
export class CommonModule {}
