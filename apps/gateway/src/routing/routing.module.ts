import { Module } from '@nestjs/common';
import { ClientsModule } from '@nestjs/microservices';
import { Env } from '@conduit/config';
import { RpcClient } from '@conduit/queue';
import { ENV } from '@conduit/runtime';
import { CommonModule } from '../common/common.module';
import { RoutingController } from './routing.controller';
import { ROUTER_RPC, RoutingService } from './routing.service';

/**
 * Questions to Agent Where over @nestjs/microservices' Redis transport (RpcClient: the queues' Redis, channels under
 * QUEUE_PREFIX). ClientsModule closes the client on shutdown.
 */
@Module({
  imports: [
    CommonModule,
    ClientsModule.registerAsync([
      { name: ROUTER_RPC, inject: [ENV], useFactory: (env: Env) => ({ customClass: RpcClient, options: env }) },
    ]),
  ],
  controllers: [RoutingController],
  providers: [RoutingService],
})
export class RoutingModule {}
