import { Module } from '@nestjs/common';
import { CommonModule } from '../common/common.module';
import { BillingController } from './billing.controller';
import { BillingService } from './billing.service';

/** Billing events: reading them and paying a live bill. */
@Module({ imports: [CommonModule], controllers: [BillingController], providers: [BillingService] })
export class BillingModule {}
