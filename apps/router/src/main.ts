import './tracing';
import 'reflect-metadata';
import { loadEnv } from '@conduit/config';
import { bootstrapWorker } from '@conduit/runtime';
import { RouterAppModule } from './app.module';

const env = loadEnv();
// The router answers questions too (RpcPattern.RoutingPreview): started as a microservice on the RPC channel.
void bootstrapWorker(RouterAppModule.forRoot(env), env, 'router', { rpc: true });
