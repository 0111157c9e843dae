import './tracing';
import 'reflect-metadata';
import { loadEnv } from '@conduit/config';
import { bootstrapService } from '@conduit/runtime';
import { configureGateway, GatewayAppModule } from './app.module';

const env = loadEnv();
void bootstrapService(GatewayAppModule.forRoot(env), env, 'gateway', configureGateway);
