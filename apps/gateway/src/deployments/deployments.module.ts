import { Module } from '@nestjs/common';
import { CommonModule } from '../common/common.module';
import { AgentWallets } from './agent-wallets';
import { DeploymentsController } from './deployments.controller';
import { DeploymentsService } from './deployments.service';

/** Deployments of agents to user wallets: their agent wallets, trading mode, status and stop. */
@Module({ imports: [CommonModule], controllers: [DeploymentsController], providers: [DeploymentsService, AgentWallets] })
export class DeploymentsModule {}
