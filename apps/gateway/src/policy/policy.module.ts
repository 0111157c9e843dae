import { Module } from '@nestjs/common';
import { CommonModule } from '../common/common.module';
import { PolicyController } from './policy.controller';
import { PolicyService } from './policy.service';

/** Agent How's policies, kill switch and decisions, and Agent Where's routing config. */
@Module({ imports: [CommonModule], controllers: [PolicyController], providers: [PolicyService] })
export class PolicyModule {}
