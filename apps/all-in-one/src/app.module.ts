/* eslint-disable @nx/enforce-module-boundaries --
 * The all-in-one entry is the one composition root allowed to mount other apps' modules: it runs every
 * service in one process for local use (`npm run dev`, the demo, the end-to-end test). Deployed services
 * never import each other; they meet only on the queues and tables. */
import { DynamicModule, INestApplication, Module } from '@nestjs/common';
import { Env } from '@conduit/config';
import { RpcServer } from '@conduit/queue';
import { ENV, RuntimeModule } from '@conduit/runtime';
import { BillingModule } from '../../billing/src/app.module';
import { ExecutorModule } from '../../executor/src/app.module';
import { configureGateway, GatewayModule } from '../../gateway/src/app.module';
import { NotifierModule } from '../../notifier/src/app.module';
import { PolicyModule } from '../../policy/src/app.module';
import { RouterModule } from '../../router/src/app.module';
import { SignalModule } from '../../signal/src/app.module';

@Module({})
export class AllInOneModule {
  static forRoot(env: Env): DynamicModule {
    return {
      module: AllInOneModule,
      imports: [
        RuntimeModule.forRoot(env, 'all-in-one'),
        GatewayModule.forRoot(env),
        SignalModule.forRoot(env),
        PolicyModule.forRoot(env),
        RouterModule.forRoot(env),
        ExecutorModule.forRoot(env),
        BillingModule.forRoot(env),
        NotifierModule.forRoot(env),
      ],
    };
  }
}

/**
 * The gateway's HTTP setup, and the router's RPC listener (issue 17): the one process answers its own questions over
 * Redis, as the deployed gateway and router do.
 */
export async function configureAllInOne(app: INestApplication): Promise<void> {
  configureGateway(app);
  app.connectMicroservice({ strategy: new RpcServer(app.get<Env>(ENV)) });
  await app.startAllMicroservices();
}
