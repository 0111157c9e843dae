import './tracing';
import 'reflect-metadata';
import { loadEnv } from '@conduit/config';
import { bootstrapWorker } from '@conduit/runtime';
import { ExecutorAppModule } from './app.module';

const env = loadEnv();
void bootstrapWorker(ExecutorAppModule.forRoot(env), env, 'executor');
